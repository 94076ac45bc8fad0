"""Word terms of a text: the common currency of summarising and of related-article search.

Two texts that speak of the same thing should share terms even when their words are inflected
differently, and words that every text has ("the", "und", "que") should not make them look
alike. So a term is a lowercased word with stop words removed and, for languages that Snowball
has rules for, stemmed. Japanese and Chinese write no spaces between words, so a run of CJK
characters gives its overlapping character bigrams instead, a plain and robust stand-in for
words; Latin words inside such text are handled like any other word.

Stop lists are small and built in (no data to download). Stemmers are built on first use and
kept per language; stems are memoised per word, since news vocabulary repeats a lot.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import cache, lru_cache

from aggregator.text.cjk import CJK_CHAR, HAN, HIRAGANA, KANA

_HIRAGANA_ONLY = re.compile(f"[{HIRAGANA}]+")
# A CJK run, or a word of letters and digits (apostrophes split words: "l'homme", "don't").
_TOKEN = re.compile(f"[{HAN}{KANA}]+|[^\\W_{HAN}{KANA}]+")

# ISO 639-1 code -> Snowball algorithm name.
_SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "eo": "esperanto", "es": "spanish", "et": "estonian",
    "eu": "basque", "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish",
    "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch", "nn": "norwegian",
    "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

_STOP_WORDS = {
    "en": """a about above after again against all also am an and any are as at be because
        been before being below between both but by can could did do does doing don down during
        each few for from further had has have having he her here hers herself him himself his
        how i if in into is it its itself just me more most my myself no nor not now of off on
        once only or other our ours ourselves out over own same she should so some such than
        that the their theirs them themselves then there these they this those through to too
        under until up very was we were what when where which while who whom why will with would
        you your yours yourself yourselves said says say told according one two new also may
        might must shall us get got re ve ll isn wasn didn doesn won t s d m""",
    "fr": """a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le
        les leur leurs lui ma mais me meme même mes moi mon ne nos notre nous on ou où par pas
        pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n
        s t y été était étaient être avoir ai as avons avez ont eu est sont fait comme plus
        aussi si tout tous toute toutes cela ça dont sans sous entre après avant chez depuis""",
    "es": """a al algo ante como con contra cual cuando de del desde donde durante e el ella
        ellas ellos en entre era eran es esa esas ese eso esos esta estaba estado estas este
        esto estos fue fueron ha han hasta hay la las le les lo los más me mi mis mucho muy
        nos o os otra otro para pero poco por porque que quien se sea ser si sin sobre son su
        sus también te tiene tienen todo todos tu un una uno unos y ya yo dijo según""",
    "de": """aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dem
        den denn der des die dies diese diesem diesen dieser dieses doch dort du durch ein eine
        einem einen einer eines er es für gegen hat hatte haben hier ich ihr ihre im in ist
        ja jetzt kann kein keine mit nach nicht noch nur ob oder ohne schon sein seine sich sie
        sind so soll über um und uns unter vom von vor war waren was weil wenn werden wie wir
        wird wurde wurden zu zum zur zwischen sagte laut""",
    "pt": """a ao aos as à às com como da das de do dos e é ela elas ele eles em entre era
        essa esse esta este eu foi foram há isso isto já lhe mais mas me mesmo meu minha muito
        na nas não no nos nós o os ou para pela pelas pelo pelos por qual quando que quem se
        seu seus sua suas são também te tem ter um uma umas uns foi disse segundo""",
    "it": """a ad agli al alla alle anche avere che chi ci come con cui da dal dalla dalle dei
        del della delle di dove e è ed era gli ha hanno ho il in io la le lei lo loro lui ma
        mi nei nel nella nelle no noi non o per perché più quale quando quello questa questo
        se si sia sono su sua sue sui sul sulla suo suoi tra tu un una uno voi è stato stata
        essere fa ha detto secondo""",
    "nl": """aan al als bij dan dat de der des die dit door een en er had heb heeft hem het
        hij hoe hun ik in is je kan maar me men met mij na naar niet nog nu of om ons ook op
        over te tot u uit van veel voor was wat we wel werd wij worden wordt zal ze zich zij
        zijn zo zou""",
}


def language_code(language: str | None) -> str | None:
    """The primary ISO 639-1 code of a language tag ("en-GB" -> "en"), or None when unknown."""
    if not language:
        return None
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code or None


@cache
def stop_words(language: str | None) -> frozenset[str]:
    """The built-in stop list of a language; for an unknown language, all lists together."""
    code = language_code(language)
    if code in _STOP_WORDS:
        return frozenset(_STOP_WORDS[code].split())
    if code is None:
        return frozenset(word for words in _STOP_WORDS.values() for word in words.split())
    return frozenset()


def has_term_rules(language: str | None) -> bool:
    """Whether terms of `language` get its own stop words or stemmer (else only lowercased)."""
    code = language_code(language)
    return code is not None and (code in _SNOWBALL or code in _STOP_WORDS)


@cache
def _stemmer(algorithm: str) -> Callable[[str], str] | None:
    """The Snowball stemmer of `algorithm`, or None when this version has none. A stemmer
    keeps its word in itself while it works, so one thread at a time may use it."""
    import snowballstemmer  # type: ignore[import-untyped]

    if algorithm not in snowballstemmer.algorithms():
        return None
    stemmer = snowballstemmer.stemmer(algorithm)
    lock = threading.Lock()

    def stem(word: str) -> str:
        with lock:
            return str(stemmer.stemWord(word))

    return stem


@lru_cache(maxsize=200_000)
def _stem(algorithm: str, word: str) -> str:
    stemmer = _stemmer(algorithm)
    return stemmer(word) if stemmer is not None else word


def _cjk_terms(run: str) -> list[str]:
    """Overlapping character bigrams of a CJK run, leaving out those made of hiragana only
    (mostly grammar: particles and verb endings); a lone character stands for itself."""
    if len(run) == 1:
        return [] if _HIRAGANA_ONLY.fullmatch(run) else [run]
    pairs = (run[i : i + 2] for i in range(len(run) - 1))
    return [pair for pair in pairs if not _HIRAGANA_ONLY.fullmatch(pair)]


def terms(text: str, language: str | None) -> list[str]:
    """The terms of `text` in reading order: lowercased, stop words out, stemmed where a
    Snowball stemmer exists for `language`, CJK runs as character bigrams."""
    code = language_code(language)
    algorithm = _SNOWBALL.get(code) if code is not None else None
    stops = stop_words(code)
    normal = unicodedata.normalize("NFKC", text).lower()
    found: list[str] = []
    for match in _TOKEN.finditer(normal):
        token = match.group()
        if CJK_CHAR.match(token):
            found.extend(_cjk_terms(token))
            continue
        term = _word_term(token, algorithm, stops)
        if term:
            found.append(term)
    return found


def _word_term(token: str, algorithm: str | None, stops: frozenset[str]) -> str | None:
    """The term of one lowercased word, or None for a stop word or a single character."""
    if len(token) < 2 or token in stops:
        return None
    term = _stem(algorithm, token) if algorithm is not None else token
    return term.lower() or None


# Where a sentence (or a heading, a quotation, a list item) starts: a capital after one of
# these says nothing about the word.
_OPENING = re.compile('(?:^|[.!?:;\n"\u201c\u201d\u00ab\u00bb(\\[\u2014\u2013-])\\s*$')
_NO_CASE = frozenset({"de"})
"""Languages that capitalise every noun: capitals do not single out names there."""
TITLE_CASE_SHARE = 0.6
"""A line with at least this share of its longer words capitalised is in title case."""


def name_terms(text: str, language: str | None) -> frozenset[str]:
    """The terms of words written as names or figures: capitalised where no sentence starts
    ("Plosser", "Lima"), in capitals ("IMF", "BBC"), or carrying digits ("MH370", "1,200").
    A line in title case ("Fed Official Hints At Faster Taper") is read for capitals and
    digits only, since every word of it is capitalised."""
    code = language_code(language)
    algorithm = _SNOWBALL.get(code) if code is not None else None
    stops = stop_words(code)
    found: set[str] = set()
    for line in unicodedata.normalize("NFKC", text).splitlines():
        words = [m for m in _TOKEN.finditer(line) if not CJK_CHAR.match(m.group())]
        longer = [m.group() for m in words if len(m.group()) > 3 and m.group().isalpha()]
        capitalised = sum(1 for w in longer if w[0].isupper())
        title_case = len(longer) >= 3 and capitalised >= TITLE_CASE_SHARE * len(longer)
        upper_line = line.isupper()
        previous_end = 0
        for match in words:
            token = match.group()
            opening = _OPENING.search(line, previous_end, match.start()) is not None
            previous_end = match.end()
            if any(c.isdigit() for c in token):
                is_name = len(token) > 1
            elif token.isupper() and len(token) > 1:
                is_name = not upper_line
            elif token[0].isupper() and not opening:
                is_name = not title_case and code not in _NO_CASE
            else:
                is_name = False
            if is_name:
                term = _word_term(token.lower(), algorithm, stops)
                if term:
                    found.add(term)
    return frozenset(found)


def term_vector(text: str, language: str | None) -> dict[str, float]:
    """Log-scaled term frequencies of `text` (1 + ln tf), the usual weighting for comparing
    texts of different lengths."""
    return {term: 1.0 + math.log(n) for term, n in Counter(terms(text, language)).items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine similarity of two term vectors (0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    if dot == 0.0:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return dot / norm
