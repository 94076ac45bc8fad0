"""Sentence splitting with character offsets, for Latin-script languages and for Japanese/Chinese.

Summaries, figures and grounding all work sentence by sentence and point back into the article,
so every sentence keeps its offsets. Trained splitters (NLTK punkt) need downloads; the rules
here are the usual ones written out. A line break always ends a sentence. In Latin-script text a
sentence ends at . ! ? … (plus closing quotes or brackets) when whitespace and a plausible
sentence start follow, except after known abbreviations, initials, list numbers and ordinals
before a month. In Japanese and Chinese it ends at 。！？ (or at !? after a CJK character)
whatever follows, except inside matched 「」『』（）() brackets and before a quoting particle
(「…。」と言った).

Everything is found by regular expressions that cannot backtrack and by look-arounds of bounded
length, so an article costs time linear in its length, whatever it contains.
"""

# ruff: noqa: RUF001, RUF002, RUF003 - full-width punctuation is what this module reads
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from aggregator.text.cjk import CJK_CHAR

__all__ = ["Sentence", "split_sentences"]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int  # offset in the given text
    end: int  # text[start:end] == sentence.text
    text: str  # stripped of surrounding whitespace (start/end point at the stripped span)


_CJK_ENDS = "。！？｡"
_CLOSERS = "\"'”’»›)]）」』】〕"
_SPACES = " \u00a0\u202f"
_TERMINAL = re.compile(f"[.!?…‽‼⁇⁈⁉{_CJK_ENDS}]++(?:[{_SPACES}]?[»›])?[{re.escape(_CLOSERS)}]*+")
_LINE = re.compile("[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
_NON_SPACE = re.compile(r"\S")
_WORD = re.compile(r"([^\W\d_]{1,40})(\.?)")
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"「」『』（）【】、。！？]++"
    r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)++"
)
_LINK_TAIL = ".,;:!?'\")]"
_BRACKETS = re.compile("[「」『』（）()【】〔〕]")
_PAIRS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〔": "〕"}
_MAX_BRACKETED = 500  # a longer "bracketed" stretch is more likely a stray bracket than a quote
_OPENING_MARKS = "\"'“‘«‹„‚([{¿¡「『（【"
_NOT_A_START = ",;:.!?)]}%…、。，"
_QUOTE_PARTICLES = "と、，っのがをにへでやもはな"  # 「…。」と言った: the sentence goes on

# Per language, space-separated lower-case abbreviations without their final period. "" = all.
_TITLES = {  # never end a sentence: a name or a word always follows
    "": "mr mrs ms messrs dr drs prof st mt ft gen sen rep gov lt col capt sgt cmdr adm maj "
    "brig rev hon pres supt insp det cllr vs v cf e.g i.e viz approx ca esp ph.d",
    "fr": "m mm mme mmes mlle mlles mgr me pr env av bd boul p.ex",
    "es": "sr sra sres srta dra ud uds lic ing arq aprox p.ej ej dña",
    "de": "z.b bzw d.h u.a ggf vgl evtl inkl hr fr hrn sog u.u",
    "pt": "sr sra srta dra exmo exma v.exa eng aprox",
    "it": "sig sig.ra sig.na dott dott.ssa avv ing on arch",
}
_BEFORE_NUMBERS = {  # stay with a following number: No. 5, Jan. 12, p. 4
    "": "no nos nr art fig figs vol vols p pp pg ch sec para tel ed "
    "jan feb mar apr jun jul aug sep sept oct nov dec",
    "fr": "n° janv févr avr juil déc",
    "es": "núm pág ene abr ago dic",
    "de": "s mär okt dez",
    "pt": "pág fev mai ago set out dez",
    "it": "pag gen mag giu lug ago set ott dic",
}
_SUFFIXES = {  # may end a sentence: Acme Inc. The company ... / Acme Inc. Chief Executive ...
    "": "etc inc ltd co corp bros llc plc lp jr sr esq al a.m p.m",
    "fr": "cie",
    "es": "cía",
    "de": "usw ag gmbh",
    "pt": "ltda",
    "it": "ecc spa",
}
_OPENERS = {  # words that usually start a sentence, telling a suffix or initial from an end
    "": "the a an this that these those it its he she they we i you his her their our my "
    "there here but and or so yet however meanwhile still also in on at by for from with "
    "after before when while since although though if as some many most all both no not "
    "what who why how where then now according last earlier later today yesterday",
    "fr": "le la les l un une des il elle ils elles on nous vous je ce cette ces mais et ou "
    "donc selon en dans pour par depuis après avant",
    "es": "el la los las un una unos unas él ella ellos ellas este esta estos pero y o según "
    "en con por para desde tras",
    "de": "der die das den dem des ein eine einen er sie es wir ich man aber und oder doch "
    "nach laut im am auf mit bei seit zudem auch diese dieser",
    "pt": "o a os as um uma ele ela eles elas mas e segundo em para com",
    "it": "il lo la i gli le un una uno lui lei loro ma e secondo in per con dopo",
}
_GERMAN_MONTHS = frozenset(
    {"januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
     "oktober", "november", "dezember"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Rules:
    titles: frozenset[str]
    before_numbers: frozenset[str]
    suffixes: frozenset[str]
    openers: frozenset[str]


@cache
def _rules(language: str | None) -> _Rules:
    langs = list(_TITLES) if language is None else ["", language]  # "" holds the common ones

    def words(table: dict[str, str]) -> frozenset[str]:
        return frozenset(w for lang in langs for w in table.get(lang, "").split())

    return _Rules(words(_TITLES), words(_BEFORE_NUMBERS), words(_SUFFIXES), words(_OPENERS))


def split_sentences(text: str, language: str | None = None) -> list[Sentence]:
    """The sentences of `text` in order; every non-space character belongs to exactly one.

    `language` (an ISO 639-1 code such as "en", "fr", "ja"; a region suffix is ignored) picks
    that language's abbreviations; None uses those of every supported language.
    """
    primary = language.split("-")[0].split("_")[0].lower() if language else None
    rules = _rules(primary)
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for cut in _cuts(text, line.start(), line.end(), rules):
            _append(sentences, text, start, cut)
            start = cut
        _append(sentences, text, start, line.end())
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + len(piece) - len(piece.lstrip())
        sentences.append(Sentence(offset, offset + len(stripped), stripped))


class _Spans:
    """Sorted, disjoint [start, end) spans, asked about positions that only ever increase."""

    __slots__ = ("_i", "_spans")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans = spans
        self._i = 0

    def holds(self, pos: int) -> bool:
        while self._i < len(self._spans) and self._spans[self._i][1] <= pos:
            self._i += 1
        return self._i < len(self._spans) and self._spans[self._i][0] <= pos

    def closed_at(self, pos: int) -> int | None:
        """The opening offset of a bracket span whose closing ends just before `pos` (after
        `holds(pos)` was asked)."""
        if self._i and self._spans[self._i - 1][1] == pos:
            return self._spans[self._i - 1][0] - 1
        return None


def _links(text: str, start: int, end: int) -> _Spans:
    spans = []
    for match in _LINK.finditer(text, start, end):
        stop = match.end()
        while stop > match.start() and text[stop - 1] in _LINK_TAIL:
            stop -= 1
        spans.append((match.start(), stop))
    return _Spans(spans)


def _bracketed(text: str, start: int, end: int) -> _Spans:
    """Where a cut would fall between matched brackets: after the opening, up to the closing."""
    stack: list[tuple[str, int]] = []
    waiting: dict[str, int] = {}
    found: list[tuple[int, int]] = []
    for match in _BRACKETS.finditer(text, start, end):
        mark, pos = match.group(), match.start()
        if mark in _PAIRS:
            stack.append((_PAIRS[mark], pos))
            waiting[_PAIRS[mark]] = waiting.get(_PAIRS[mark], 0) + 1
        elif waiting.get(mark):
            while True:
                closing, opened = stack.pop()
                waiting[closing] -= 1
                if closing == mark:
                    break
            if pos - opened <= _MAX_BRACKETED:
                found.append((opened + 1, pos + 1))
    found.sort()
    outermost: list[tuple[int, int]] = []
    for span in found:
        if not outermost or span[0] >= outermost[-1][1]:
            outermost.append(span)
    return _Spans(outermost)


def _cuts(text: str, start: int, end: int, rules: _Rules) -> list[int]:
    links = _links(text, start, end)
    bracketed = _bracketed(text, start, end)
    cuts: list[int] = []
    first = _first_char(text, start, end)  # of the current sentence
    for match in _TERMINAL.finditer(text, start, end):
        run_start, cut = match.start(), match.end()
        if cut >= end or links.holds(run_start) or bracketed.holds(cut):
            continue
        mark_end = run_start + len(match.group().rstrip(_CLOSERS + _SPACES))
        run = text[run_start:mark_end]
        if _is_cjk_end(text, run, run_start):
            if mark_end < cut and text[cut] in _QUOTE_PARTICLES:
                continue
            opened = bracketed.closed_at(cut)
            if opened is not None and opened != first:
                continue  # 彼は（多分。）来ない: a bracket inside the sentence, not a quoted one
        elif not _latin_end(text, run, run_start, cut, end, first, rules):
            continue
        cuts.append(cut)
        first = _first_char(text, cut, end)
    return cuts


def _first_char(text: str, start: int, end: int) -> int:
    found = _NON_SPACE.search(text, start, end)
    return found.start() if found else end


def _latin_end(
    text: str, run: str, run_start: int, cut: int, end: int, first: int, rules: _Rules
) -> bool:
    if not text[cut].isspace():
        return False
    following = _first_char(text, cut, end)
    if following >= end or not _may_start(text[following]):
        return False
    return run != "." or _period_ends(text, run_start, following, first, rules)


def _is_cjk_end(text: str, run: str, run_start: int) -> bool:
    if any(mark in _CJK_ENDS for mark in run):
        return True
    return (
        run.strip("!?") == "" and run_start > 0 and CJK_CHAR.match(text, run_start - 1) is not None
    )


def _may_start(char: str) -> bool:
    return not (char.islower() or char in _NOT_A_START)


def _period_ends(text: str, period: int, following: int, first: int, rules: _Rules) -> bool:
    """Whether a single period at `period` ends its sentence, given the next word's offset."""
    before = text[max(0, period - 32) : period]
    raw = before.rsplit(None, 1)[-1] if before.strip() else ""
    token = raw.lstrip(_OPENING_MARKS)
    if not token:
        return True
    key = token.lower()
    word = _WORD.match(text, following)
    next_word = word.group(1).lower() if word else ""
    if key in rules.titles:
        return False
    if token.isdigit() and len(token) <= 3:
        list_number = period - len(token) == first
        return not (list_number or next_word in _GERMAN_MONTHS)
    if key in rules.before_numbers and text[following].isdigit():
        return False
    if "." in token:
        parts = token.split(".")
        if all(0 < len(part) <= 2 and part.isalpha() for part in parts):
            if key not in rules.suffixes and not token.replace(".", "").isupper():
                return False  # e.g. i.e. z.B. d.h.
            return _opener_follows(text, following, word, rules)
    if key in rules.suffixes or (len(token) == 1 and token.isalpha()):
        return _opener_follows(text, following, word, rules)
    return True


def _opener_follows(text: str, following: int, word: re.Match[str] | None, rules: _Rules) -> bool:
    if text[following] in _OPENING_MARKS:
        return True
    if word is None:
        return False
    initial = len(word.group(1)) == 1 and bool(word.group(2))
    return not initial and word.group(1).lower() in rules.openers
