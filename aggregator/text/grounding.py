# ruff: noqa: RUF001 - full-width letters and digits are what this module reads
"""Whether a machine-written text (a translation, a drafted paragraph) invents facts.

A draft may rephrase freely, but its numbers, dates and names must come from the texts it was
written from. Numbers and dates are found by `find_figures` and compared by value, so a
translation may change how they are written: "82 million" is "8200万", "3.5%" is "3.5 per
cent", "2025年1月" is "January 2025". A rounded figure ("82 million" for 82,345,000) is
accepted within the precision it is written with and 10% of its value ("100" is not 60).

Names are capitalised words and runs of them in Latin-script sentences (not a sentence's common
first word, weekdays or months), and Latin words with a capital inside Japanese or Chinese
sentences; a name is grounded when a source has it, ignoring case, spacing and periods.
Katakana and kanji names cannot be told apart from other words and are not checked, and Latin
names are only checked against sources mostly in Latin script themselves (an English draft of
a Japanese article renders names the source does not spell out).

The check leans to precision: a flag should mean a fact to look at, not noise to skim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from aggregator.text.cjk import CJK_CHAR
from aggregator.text.figures import (
    MONTH_NAMES,
    Amount,
    DateParts,
    Figure,
    find_figures,
    read_amounts,
    read_dates,
)
from aggregator.text.sentences import split_sentences

__all__ = ["Claim", "Grounding", "check_grounding"]


@dataclass(frozen=True, slots=True)
class Claim:
    kind: str  # "number" | "date" | "name"
    text: str  # as written in the draft


@dataclass(frozen=True, slots=True)
class Grounding:
    checked: tuple[Claim, ...]  # every claim found in the draft
    ungrounded: tuple[Claim, ...]  # those not found in any source

    @property
    def ok(self) -> bool:
        return not self.ungrounded


_COMMON_WORDS = (  # capitalised only for starting a sentence, or not names anyway
    "the a an this that these those it its he she they we i you his her their our my there",
    "here but and or so yet however meanwhile in on at by for from with after before when",
    "while since although though if as some many most all both no not what who why how where",
    "then now according last earlier later today yesterday tomorrow also still each every",
    "other such mr mrs ms dr prof sir madam",
    "monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi",
    "vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo montag",
    "dienstag mittwoch donnerstag freitag samstag sonntag",
    "le la les un une des il elle ils elles on nous vous je ce cette ces mais et ou donc",
    "selon en dans pour par depuis après avant el los las una unos unas él ella ellos este",
    "esta pero según con desde der die das den dem ein eine er sie es wir ich aber und oder",
    "nach laut im am auf mit bei seit",
)
_COMMON = frozenset(word for line in _COMMON_WORDS for word in line.split()) | MONTH_NAMES
_CONNECTORS = frozenset(
    {"of", "the", "de", "la", "del", "du", "des", "von", "van", "der", "den", "di", "da", "do",
     "dos", "das", "for", "&"}
)  # fmt: skip
_LINK = re.compile(r"(?:https?://|www\.)\S++|(?<![\w.%+-])[\w.%+-]++@[\w-]++(?:\.[\w-]++)++")
_LATIN = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ffＡ-Ｚａ-ｚ"  # and Greek, Cyrillic
_ALONE = f"(?<![{_LATIN}0-9０-９])"  # a name glued to a letter or digit is not looked up
_DOTTED = f"{_ALONE}(?:[{_LATIN}]\\.)+[{_LATIN}]\\.?(?![{_LATIN}0-9])"  # U.S., which is US
_WORD = re.compile(f"{_DOTTED}|{_ALONE}(?:[{_LATIN}][{_LATIN}0-9'’\\-]*|&)")
_LATIN_PART = f"[{_LATIN}][{_LATIN}0-9０-９&'’.\\-]*"
_DOTTED_WORD = re.compile(_DOTTED)
_LATIN_RUN = re.compile(f"{_ALONE}{_LATIN_PART}(?:[ \u00a0]{_LATIN_PART})*")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SENTENCE_OPENING = "\"'“‘«(:—–"  # a capital after these starts a sentence or a quote
_SPACE = re.compile(r"\s+")
_NUMBER_WORDS = (  # one to ten, as sources write them out and find_figures leaves alone
    "one two three four five six seven eight nine ten",
    "un deux trois quatre cinq six sept huit neuf dix",
    "uno dos tres cuatro cinco seis siete ocho nueve diez",
    "eins zwei drei vier fünf sechs sieben acht neun zehn",
    "一 二 三 四 五 六 七 八 九 十",
)
_SMALL_NUMBERS = {
    word: number for line in _NUMBER_WORDS for number, word in enumerate(line.split(), start=1)
} | {"une": 1, "una": 1, "ein": 1, "eine": 1, "eleven": 11, "twelve": 12, "dozen": 12}
_SMALL_NUMBER = re.compile(r"[^\W\d_]+")


def check_grounding(draft: str, sources: Sequence[str]) -> Grounding:
    """The numbers, dates and names of `draft`, and which of them no source supports."""
    evidence = _Evidence(sources)
    found: list[tuple[int, Claim, bool]] = []
    for figure in find_figures(draft):
        if figure.kind == "date":
            claim, grounded = Claim("date", figure.text), evidence.has_date(figure)
        else:
            claim, grounded = Claim("number", figure.text), evidence.has_amount(figure)
        found.append((figure.start, claim, grounded))
    for start, name, rest in _names(draft, latin_checked=evidence.latin):
        grounded = evidence.has_name(name) or (rest is not None and evidence.has_name(rest))
        found.append((start, Claim("name", name), grounded))
    found.sort(key=lambda item: item[0])
    checked = dict.fromkeys(claim for _, claim, _ in found)
    ungrounded = dict.fromkeys(claim for _, claim, grounded in found if not grounded)
    return Grounding(tuple(checked), tuple(ungrounded))


class _Evidence:
    """What the sources say, read once: their amounts, dates, years and normalised text."""

    def __init__(self, sources: Sequence[str]) -> None:
        figures = [figure for source in sources for figure in find_figures(source)]
        self.amounts: list[Amount] = [
            amount for figure in figures if figure.kind != "date" for amount in read_amounts(figure)
        ]
        self.dates: list[DateParts] = [
            parts for figure in figures if figure.kind == "date" for parts in read_dates(figure)
        ]
        self.years = {parts.year for parts in self.dates if parts.year is not None}
        self.amounts += [Amount(Decimal(year), Decimal(1)) for year in self.years]
        self.amounts += [
            Amount(Decimal(_SMALL_NUMBERS[word]), Decimal(1))
            for source in sources
            for word in _small_number_words(source)
        ]
        self.as_written = [source.lower() for source in sources]
        self.texts = [_normalised(_without_links(source)) for source in sources]
        latin = sum(len(_LATIN_LETTER.findall(source)) for source in sources)
        cjk = sum(len(CJK_CHAR.findall(source)) for source in sources)
        self.latin = latin >= 2 * cjk

    def has_amount(self, figure: Figure) -> bool:
        """Whether a source has the amount, or one the draft may have rounded to it: within
        half its last significant digit and a tenth of its value (8200万 for 82,345,000)."""
        readings = read_amounts(figure)
        return any(
            abs(claimed.value - known.value) < claimed.step / 2
            and abs(claimed.value - known.value) * 10 <= abs(claimed.value)
            for claimed in readings
            for known in self.amounts
        ) or (not readings and self.has_text(figure.text))

    def has_date(self, figure: Figure) -> bool:
        readings = read_dates(figure)
        return any(_date_supported(claimed, self) for claimed in readings) or (
            not readings and self.has_text(figure.text)
        )

    def has_text(self, written: str) -> bool:
        return any(written.lower() in text for text in self.as_written)

    def has_name(self, name: str) -> bool:
        """Whether a source has `name`, spelt alike up to case, spacing, hyphens and periods."""
        wanted = _normalised(name)
        if not wanted or _found(name.lower(), self.as_written, _LATIN + "0-9０-９"):
            return True
        if _found(wanted, self.texts, "0-9a-z\u00c0-\u024f"):
            return True
        words = [word for word in wanted.split() if word not in _CONNECTORS]
        return len(words) > 1 and all(self.has_name(word) for word in words)


def _found(wanted: str, texts: list[str], word_chars: str) -> bool:
    pattern = re.compile(f"(?<![{word_chars}]){re.escape(wanted)}(?![{word_chars}])")
    return any(pattern.search(text) for text in texts)


def _date_supported(claimed: DateParts, evidence: _Evidence) -> bool:
    if claimed.month is None and claimed.day is None:
        return claimed.year in evidence.years
    for known in evidence.dates:
        if claimed.month is not None and known.month != claimed.month:
            continue
        if claimed.day is not None and known.day != claimed.day:
            continue
        if claimed.year is None or known.year == claimed.year:
            return True
        if known.year is None and claimed.year in evidence.years:
            return True
    return False


def _names(draft: str, latin_checked: bool) -> Iterable[tuple[int, str, str | None]]:
    """(offset, name, the name without a sentence-initial first word or None) in the draft."""
    for sentence in split_sentences(_without_links(draft)):
        latin = len(_LATIN_LETTER.findall(sentence.text))
        if len(CJK_CHAR.findall(sentence.text)) >= latin:
            for run in _LATIN_RUN.finditer(sentence.text):
                name = run.group().rstrip(".-'’")
                if any(char.isupper() for char in name):
                    yield sentence.start + run.start(), name, None
        elif latin_checked:
            for start, name, rest in _capitalised_runs(sentence.text):
                yield sentence.start + start, name, rest


def _capitalised_runs(sentence: str) -> Iterable[tuple[int, str, str | None]]:
    words = list(_WORD.finditer(sentence))
    i = 0
    while i < len(words):
        if not _name_like(words[i].group()):
            i += 1
            continue
        run = [words[i]]
        j = i + 1
        while j < len(words):
            between = sentence[run[-1].end() : words[j].start()]
            if between.strip() or "\n" in between:
                break
            word = words[j].group()
            connects = word.lower() in _CONNECTORS and j + 1 < len(words)
            if _name_like(word) or (connects and _name_like(words[j + 1].group())):
                run.append(words[j])
            else:
                break
            j += 1
        i = j
        yield from _trimmed(sentence, run)


def _trimmed(sentence: str, run: list[re.Match[str]]) -> Iterable[tuple[int, str, str | None]]:
    """The name in a run of capitalised words, less common words at its ends; a single word
    that merely starts a sentence or quote is no name unless written DeepSeek or NASA."""
    first = before = run[0].start()
    while before > 0 and sentence[before - 1].isspace():
        before -= 1
    opening = before > 0 and sentence[before - 1] in _SENTENCE_OPENING
    initial = opening or not _LETTER.search(sentence, 0, first)
    while run and _common(run[0].group()):
        run, initial = run[1:], False
    while run and _common(run[-1].group()):
        run = run[:-1]
    if not run:
        return
    start, end = run[0].start(), run[-1].end()
    name = _possessive(sentence[start:end])
    if len(run) == 1:
        word = run[0].group()
        if len(word) < 2 or (initial and not _camel_or_acronym(word)):
            return
        yield start, name, None
    else:
        rest = _possessive(sentence[run[1].start() : end]) if initial else None
        yield start, name, rest


def _common(word: str) -> bool:
    if len(word) > 1 and word.isupper():
        return False  # WHO, US: acronyms, not the words
    return word.lower() in _COMMON or word.lower() in _CONNECTORS


def _name_like(word: str) -> bool:
    return word[0].isupper() or _camel_or_acronym(word)


def _camel_or_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return (len(letters) > 1 and letters.isupper()) or any(c.isupper() for c in letters[1:])


def _possessive(name: str) -> str:
    return name[:-2] if name.endswith(("'s", "’s")) else name


def _without_links(text: str) -> str:
    return _LINK.sub(lambda match: " " * len(match.group()), text)


def _normalised(text: str) -> str:
    text = _DOTTED_WORD.sub(
        lambda match: match.group().replace(".", ""), unicodedata.normalize("NFKC", text)
    )
    text = text.casefold().replace("’", "'").replace(".", " ").replace("-", " ")
    return _SPACE.sub(" ", text).strip()


def _small_number_words(source: str) -> Iterable[str]:
    for word in _SMALL_NUMBER.findall(source.lower()):
        if word in _SMALL_NUMBERS:
            yield word
        elif CJK_CHAR.match(word):
            yield from (char for char in word if char in _SMALL_NUMBERS)
