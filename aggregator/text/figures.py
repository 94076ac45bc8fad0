# ruff: noqa: RUF001, RUF003 - full-width digits and punctuation are what this module reads
"""Figures in news text: percentages, money, dates and other numbers, and what they are worth.

Sentences that carry figures are the facts of a story, and figures are what a machine-written
draft most often gets wrong, so both the summariser and the grounding check need one reader of
them. Figures are found by a few passes of regular expressions over the text, the more specific
first (money, then percentages, dates, plain numbers), each pass blanking out what it took so a
number is counted once. Numbers inside links, e-mail addresses and clock times, list numbers at
the start of a line, ordinals (21st, 第１) and codes glued to letters (COVID-19, G7, 5G) are not
figures. Japanese is read with full-width digits and the 万/億/兆 scales, and 年/月/日 dates.

`read_amounts` and `read_dates` turn a figure back into values that compare across languages and
spellings: "82 million" and "8200万", "3.5%" and "3.5 per cent", "January 2025" and "2025年1月".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from itertools import product

__all__ = [
    "MONTH_NAMES",
    "Amount",
    "DateParts",
    "Figure",
    "carries_figures",
    "find_figures",
    "quantities",
    "read_amounts",
    "read_dates",
]


@dataclass(frozen=True, slots=True)
class Figure:
    kind: str  # "percent" | "money" | "date" | "number"
    text: str  # as written in the text, e.g. "82 million", "$1.2bn", "５８．４％", "3月12日"
    start: int  # offsets within the text given to find_figures
    end: int


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    step: Decimal  # worth of the last significant digit: "82 million" is 82e6 give or take 1e6/2


@dataclass(frozen=True, slots=True)
class DateParts:
    year: int | None
    month: int | None
    day: int | None


_ENGLISH_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_OTHER_MONTHS = {  # fr, es, de, it, pt where they differ from English
    **dict.fromkeys(["janvier", "enero", "januar", "jänner", "gennaio", "janeiro"], 1),
    **dict.fromkeys(["février", "febrero", "februar", "febbraio", "fevereiro"], 2),
    **dict.fromkeys(["mars", "marzo", "märz", "março"], 3),
    **dict.fromkeys(["avril", "abril", "aprile"], 4),
    **dict.fromkeys(["mai", "mayo", "maggio", "maio"], 5),
    **dict.fromkeys(["juin", "junio", "juni", "giugno", "junho"], 6),
    **dict.fromkeys(["juillet", "julio", "juli", "luglio", "julho"], 7),
    **dict.fromkeys(["août", "agosto"], 8),
    **dict.fromkeys(["septembre", "septiembre", "setiembre", "settembre", "setembro"], 9),
    **dict.fromkeys(["octobre", "octubre", "oktober", "ottobre", "outubro"], 10),
    **dict.fromkeys(["novembre", "noviembre", "novembro"], 11),
    **dict.fromkeys(["décembre", "diciembre", "dezember", "dicembre", "dezembro"], 12),
}  # fmt: skip
MONTH_NAMES = frozenset(_ENGLISH_MONTHS) | frozenset(_OTHER_MONTHS)  # lower case, en fr es de it pt
_MONTH = (  # English names only capitalised: "may" and "march" are also common words
    "(?<![^\\W\\d_])(?:(?:"
    + "|".join(name.capitalize() for name in list(_ENGLISH_MONTHS)[:12])
    + "|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\\.?|(?i:"
    + "|".join(_OTHER_MONTHS)
    + "))(?![^\\W\\d_]))"
)
_MONTH_INITIALS = "".join(sorted({c for name in MONTH_NAMES for c in (name[0], name[0].upper())}))
_SCALES = {
    "thousand": 3, "mille": 3, "milliers": 3, "mil": 3, "tausend": 3, "mila": 3, "k": 3,
    "million": 6, "millions": 6, "millón": 6, "millones": 6, "millionen": 6, "mio.": 6,
    "milione": 6, "milioni": 6, "milhão": 6, "milhões": 6, "mn": 6, "m": 6,
    "billion": 9, "billions": 9, "milliard": 9, "milliards": 9, "milliarde": 9,
    "milliarden": 9, "mrd.": 9, "miliardo": 9, "miliardi": 9, "bilhão": 9, "bilhões": 9,
    "mil millones": 9, "bn": 9, "b": 9, "trillion": 12, "billón": 12, "billones": 12, "tn": 12,
    "千": 3, "万": 4, "億": 8, "兆": 12,
}  # fmt: skip
_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "fifty": 50, "hundred": 100, "un": 1, "une": 1, "deux": 2, "trois": 3,
    "dix": 10, "una": 1, "dos": 2, "tres": 3, "diez": 10, "ein": 1, "eine": 1, "zwei": 2,
    "drei": 3, "zehn": 10,
}  # fmt: skip

_D = "[0-9０-９]"
_NUM = (
    f"(?:{_D}{{1,3}}(?:[,，]{_D}{{3}})++(?:[.．]{_D}++)?"
    f"|{_D}{{1,3}}(?:\\.{_D}{{3}})++(?:,{_D}++)?"
    f"|{_D}{{1,3}}(?:[\u00a0\u202f\u2009 ]{_D}{{3}})++(?!{_D})(?:[.,]{_D}++)?"
    f"|{_D}++(?:[.,．]{_D}++)?)"
)
_START = "(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ_.,．，:/#@])(?<![A-Za-z]-)(?<![0-9０-９][千万億兆])(?<!第)"
_END = f"(?!{_D}|[.,．，]{_D})"
_SCALE_WORD = "|".join(re.escape(w) for w in sorted(_SCALES, key=len, reverse=True) if len(w) > 1)
_SCALE = (
    f"(?:[ \u00a0](?i:{_SCALE_WORD})(?![^\\W\\d_])"
    f"|(?:bn|mn|tn|[mbkMB])(?![A-Za-z])|[千万億兆](?:{_NUM}[千万億兆])*+)"
)
_UNIT = "(?:km|kg|cm|mm|mg|ml|ha|mph|kph|GW|MW|kW|kWh|MWh|GWh|TWh)(?![A-Za-z])"
_WORDS = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_AMOUNT = (
    f"(?:{_START}{_NUM}{_END}(?:{_SCALE})?|\\b(?i:{_WORDS})[ -](?i:{_SCALE_WORD})(?![^\\W\\d_]))"
)
_CURRENCY_BEFORE = (
    "(?:(?:US|A|C|HK|NZ|S|R)?\\$|€|£|¥|￥|₹|₩|₽"
    "|\\b(?:USD|EUR|GBP|JPY|CNY|CHF|RMB|INR|AUD|CAD|HKD)[ \u00a0]?)"
)
_CURRENCY_AFTER = (
    "(?:€|£|円|米?ドル|ユーロ|ポンド|人民元|元|ウォン|(?:USD|EUR|GBP|JPY|CNY|CHF)(?![A-Za-z])"
    "|(?i:euros?|(?:US )?dollars?|yen|pounds?|yuan|renminbi|rupees?|francs?|pesos?|won"
    "|roubles?|rubles?|dólares|dollari|reais)(?![^\\W\\d_]))"
)
_PERCENT_SIGN = (
    "(?:%|％|パーセント|(?i:per[ \u00a0]?cent|percent|pour[ \u00a0]?cent|por[ \u00a0]?ciento"
    "|prozent|por[ \u00a0]?cento|per[ \u00a0]?cento)(?![^\\W\\d_]))"
)
_DAY = "(?:3[01]|[12][0-9]|0?[1-9])"
_YEAR = "(?:19|20)[0-9]{2}(?![0-9])"
_JA_YEAR = "(?:[1１][9９]|[2２][0０])[0-9０-９]{2}"
_JA_MONTH = "(?:[1１][0-2０-２]|[0０]?[1-9１-９])"
_JA_DAY = "(?:[3３][01０１]|[12１２][0-9０-９]|[0０]?[1-9１-９])"

_IGNORED = re.compile(
    r"(?:https?://|www\.)\S++|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9.-]++"
    r"|(?m:^[ \t\u3000]*[0-9０-９]{1,3}[.)．）](?![0-9０-９])(?![ \t]*" + _MONTH + "))"
    r"|(?<![0-9])[0-2]?[0-9]:[0-5][0-9](?::[0-5][0-9])?(?![0-9])"
)
_PASSES = (
    (
        "money",
        re.compile(f"{_CURRENCY_BEFORE}[ \u00a0]?{_AMOUNT}|{_AMOUNT}[ \u00a0]?{_CURRENCY_AFTER}"),
    ),
    ("percent", re.compile(f"{_AMOUNT}[ \u00a0]?{_PERCENT_SIGN}")),
    (
        "date",
        re.compile(
            f"(?=[0-9０-９{_MONTH_INITIALS}])"  # fails fast where no date can start
            f"(?:(?<![0-9]){_DAY}(?:st|nd|rd|th|er|º)?\\.?[ \u00a0](?:de )?{_MONTH}"
            f"(?:,?[ \u00a0](?:de )?{_YEAR})?"
            f"|{_MONTH}[ \u00a0]{_DAY}(?:st|nd|rd|th)?(?![0-9])(?:,?[ \u00a0]{_YEAR})?"
            f"|{_MONTH},?[ \u00a0](?:(?:de|of) )?{_YEAR}"
            f"|(?<![0-9]){_YEAR}[-/.](?:1[0-2]|0?[1-9])[-/.]{_DAY}(?![0-9])"
            f"|(?<![0-9])[0-3]?[0-9][/.][0-3]?[0-9][/.]{_YEAR}"
            f"|(?<![0-9０-９])(?:{_JA_YEAR}年(?:{_JA_MONTH}月(?:{_JA_DAY}日)?)?"
            f"|{_JA_MONTH}月(?:{_JA_DAY}日)?|{_JA_DAY}日)(?!間))"
        ),
    ),
    ("number", re.compile(f"{_AMOUNT}(?:{_UNIT})?(?![A-Za-zＡ-Ｚａ-ｚ])")),
)
_PLAIN_YEAR = re.compile(f"{_YEAR}|{_JA_YEAR}")


def find_figures(text: str) -> list[Figure]:
    """The figures of `text` in text order, none overlapping."""
    masked = _blank(text, [m.span() for m in _IGNORED.finditer(text)])
    found: list[Figure] = []
    for kind, pattern in _PASSES:
        spans = []
        for match in pattern.finditer(masked):
            written = match.group()
            year = kind == "number" and _PLAIN_YEAR.fullmatch(written) is not None
            found.append(Figure("date" if year else kind, written, match.start(), match.end()))
            spans.append(match.span())
        masked = _blank(masked, spans)
    return sorted(found, key=lambda figure: figure.start)


_IDENTIFIER_BEFORE = re.compile(
    r"(?i:\b(?:decree|decreto|décret|dl|d\.l\.|law|ley|loi|gesetz|bill|act|article|artículo|art"
    r"|resolution|resolución|no|nos|nº|n°|number|núm|número|flight|route|highway|room|section"
    r"|chapter|case|model|version|episode|season|vol|volume|page|line|bus|platform|gate|unit"
    r"|ward|district|zone|code|id|ref|item|lot|batch|serial|file|ticket|order|invoice|patent)"
    r"\.?|[#§№])[ \u00a0]*$"
)
"""Words that make the number after them a name ("Decree 1090", "Flight 370", "No. 5"), not a
quantity."""


def quantities(text: str) -> list[Figure]:
    """The figures of `text` that are quantities: a count, an amount, a share, a date. A
    number that names something ("Decree 1090", "Article 19", "No. 5") is an identifier, and
    a bare single digit says little."""
    found = []
    for figure in find_figures(text):
        if figure.kind == "number":
            if len(figure.text.strip()) <= 1:
                continue
            if _IDENTIFIER_BEFORE.search(text[max(0, figure.start - 24) : figure.start]):
                continue
        found.append(figure)
    return found


def carries_figures(text: str) -> bool:
    """Whether `text` has a figure worth a reader's notice: any percentage, sum of money or
    date, or a number other than a bare single digit ("3 people" is not a story's figure)."""
    return any(
        figure.kind != "number" or len(figure.text.strip()) > 1 for figure in find_figures(text)
    )


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], "\x00" * (end - start)]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


_READ_NUMERAL = re.compile(r"([0-9](?:[0-9,.\u00a0\u202f\u2009 ]*[0-9])?)\s*([千万億兆])?")
_READ_WORD = re.compile(r"[^\W\d_]+\.?(?: millones)?")
_READ_JA_DATE = re.compile(r"(?:([0-9]{4})年)?(?:([0-9]{1,2})月)?(?:([0-9]{1,2})日)?")
_READ_ISO_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_READ_DMY_DATE = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_READ_INTEGER = re.compile(r"[0-9]+")


def read_amounts(figure: Figure) -> tuple[Amount, ...]:
    """The values a number, percentage or sum of money can be read as: one, or two when its
    separators are ambiguous ("1.000" is a thousand in German, one with three decimals in
    English). Currency and the percent sign are not part of the value."""
    text = unicodedata.normalize("NFKC", figure.text)
    pieces = list(_READ_NUMERAL.finditer(text))
    if not pieces:
        words = text.lower().replace("-", " ").split()
        if words and words[0] in _WORD_NUMBERS:
            scale = _scale_after(" ".join(words[1:]))
            return (Amount(Decimal(_WORD_NUMBERS[words[0]]) * scale, scale),)
        return ()
    if pieces[0].group(2):  # Japanese: 1億2000万 is 1 * 10^8 + 2000 * 10^4
        options = [
            [(v * 10 ** _SCALES[p.group(2) or "千"], s * 10 ** _SCALES[p.group(2) or "千"])
             for v, s in _numeral_readings(p.group(1))]
            for p in pieces if p.group(2)
        ]  # fmt: skip
        return tuple(
            Amount(sum((v for v, _ in combo), Decimal(0)), combo[-1][1])
            for combo in product(*options)
        )
    scale = _scale_after(text[pieces[0].end() :])
    return tuple(Amount(v * scale, s * scale) for v, s in _numeral_readings(pieces[0].group(1)))


def read_dates(figure: Figure) -> tuple[DateParts, ...]:
    """The calendar dates a date figure can be read as; a day/month/year written with slashes
    or dots may be read both ways round."""
    text = unicodedata.normalize("NFKC", figure.text)
    if match := _READ_ISO_DATE.search(text):
        return _valid([(int(match[1]), int(match[2]), int(match[3]))])
    if match := _READ_DMY_DATE.search(text):
        first, second, written_year = int(match[1]), int(match[2]), int(match[3])
        return _valid([(written_year, second, first), (written_year, first, second)])
    for match in _READ_JA_DATE.finditer(text):
        if match.group():
            return _valid([tuple(int(part) if part else None for part in match.groups())])
    month = next(
        (
            number
            for word in _READ_WORD.findall(text)
            if (number := _ENGLISH_MONTHS.get(word.lower().rstrip("."), 0))
            or (number := _OTHER_MONTHS.get(word.lower(), 0))
        ),
        None,
    )
    year: int | None = None
    day: int | None = None
    for number in map(int, _READ_INTEGER.findall(text)):
        if 1900 <= number <= 2099:
            year = number
        else:
            day = number
    return _valid([(year, month, day)])


def _valid(readings: list[tuple[int | None, ...]]) -> tuple[DateParts, ...]:
    found = []
    for year, month, day in readings:
        if (month is None or 1 <= month <= 12) and (day is None or 1 <= day <= 31):
            found.append(DateParts(year, month, day))
    return tuple(dict.fromkeys(found))


def _numeral_readings(numeral: str) -> list[tuple[Decimal, Decimal]]:
    """(value, step) readings of digits written with separators."""
    digits = re.sub(r"[\u00a0\u202f\u2009 ]", "", numeral)
    marks = [mark for mark in ",." if mark in digits]
    if len(marks) == 2:  # the last one written is the decimal point
        point = max(",.", key=digits.rfind)
        return [_decimal(digits.replace(",.".replace(point, ""), ""), point)]
    if not marks:
        return [_whole(digits)]
    groups = digits.split(marks[0])
    grouped = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    readings = [_whole("".join(groups))] if grouped else []
    if len(groups) == 2:
        readings.append(_decimal(digits, marks[0]))
    return readings or [_whole("".join(groups))]


def _whole(digits: str) -> tuple[Decimal, Decimal]:
    """A whole number is taken as rounded to its last non-zero digit: 8200 is 82 hundreds."""
    zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    return Decimal(digits), Decimal(1).scaleb(zeros)


def _decimal(digits: str, point: str) -> tuple[Decimal, Decimal]:
    whole, _, fraction = digits.partition(point)
    return Decimal(f"{whole}.{fraction}"), Decimal(1).scaleb(-len(fraction))


def _scale_after(rest: str) -> Decimal:
    word = rest.strip().lower()
    for name in sorted(_SCALES, key=len, reverse=True):
        if word.startswith(name) and not word[len(name) : len(name) + 1].isalpha():
            return Decimal(10) ** _SCALES[name]
    return Decimal(1)
