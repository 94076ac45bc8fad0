"""Extractive summary and key points of an article: which of its own sentences to show.

News is written lead first, so position is the strongest single signal: taking the first three
sentences beats TextRank and LexRank on news (bench/summary.py). The first sentence, though, is
often a hook ("It's the moment every pet owner dreads") and the facts come just after it. So
every sentence of the opening three starts level, later ones less the further they are, and
the score adds what tells a sentence stating the news from one setting the scene:
- directed centrality: how much the sentences after it elaborate on it (TF-IDF cosine, edges
  below a share of the similarity range ignored), less a little for repeating earlier ones;
- specificity: the share of capitalised words (names, places) and whether it has a figure;
- a direct quote at its start counts against it.
Page furniture (bylines, timestamps, "Scroll down for video", photo credits, cross-heads in
capitals, bare quote attributions, fragments) is never picked, and sentences are picked
greedily, each one's score lowered by its similarity to those already picked (maximal marginal
relevance), so no two say the same thing. The weights were fitted on half of a set of news
articles with reference summaries and checked on the other half (bench/summary.py).

Every pick keeps its index and its sentence, so the caller can point at the exact offsets.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from aggregator.text.sentences import Sentence
from aggregator.text.terms import cosine, terms

LEAD_SENTENCES = 3  # usable sentences that share the top position prior
POSITION_DECAY = 0.3  # prior of the k-th later one: 1 / (1 + k * decay)
CENTRALITY_WEIGHT = 0.82
CAPITALS_WEIGHT = 1.12  # times the share of capitalised words
FIGURE_WEIGHT = 0.39  # when the sentence has a digit
QUOTE_WEIGHT = -0.43  # when it opens with a quotation mark
BACKWARD_WEIGHT = -0.2  # similarity to earlier sentences counts against a sentence
EDGE_THRESHOLD = 0.1  # share of the similarity range below which an edge is ignored
REDUNDANCY_WEIGHT = 0.2
DUPLICATE_SIMILARITY = 0.8  # a sentence this close to a picked one is never picked too
MIN_WORDS = 5  # words of two or more letters, dates and times not counted
MIN_CJK_CHARS = 12
SUMMARY_COUNT = 3
MAX_CANDIDATES = 200  # usable sentences compared pairwise; later ones have a negligible prior

_FURNITURE = re.compile(
    r"""^\W*(?:
        by\s+(?:\.\s+)?(?-i:[A-Z])[\w.'\u2019-]*   # byline: By Jane Doe and John Roe, CNN
        (?:[\s,]+(?:and\s+|for\s+)?(?-i:[A-Z])[\w.'\u2019-]*){0,5}[\s.]*$
      | (?:published|updated|last\s+updated|posted|modified)\b\W*[:\s\d]   # timestamps
      | (?:video\s+)?scroll\s+down | click\s+here | read\s+more | see\s+more
      | watch\s+(?:the\s+)?video | follow\s+@ | follow\s+(?:us|him|her|me)\s+on
      | share\s+this | sign\s+up | subscribe\b | advertisement\b
      | related\s*: | more\s*: | watch\s*: | listen\s*:
      | (?:photo|picture|image|video|graphic|source|credit|copyright|pictured
         |foto|bild|quelle|imagen|fuente|crédit|vidéo)s?\s*[:(|]
      | all\s+rights\s+reserved | ©
      | (?:à\s+)?lire\s+aussi | voir\s+aussi | lesen\s+sie | mehr\s+zum\s+thema
      | le[ae]\s+(?:más|también|mais) | leggi\s+anche
      | 関連記事 | 写真 | 動画 | 图片 | 视频 | 责任编辑 | 相关阅读 | 原标题
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A sentence that is nothing but an attribution: "he said.", "said Mr Smith.", "— Jane Doe".
_NAME = r"(?:he|she|they|we|i|[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})"
_ATTRIBUTION = re.compile(
    rf"""^\W*(?:{_NAME}\s+(?:said|says|added|adds|told\s+\S+|explained|wrote|writes)
        | (?:said|says|added|adds|wrote)\s+{_NAME}
        | according\s+to\s+{_NAME}
        | [\u2014\u2013-]+\s*{_NAME}
        )(?:\s+(?:on\s+)?\w+day|\s+yesterday|\s+today|\s+last\s+\w+)?[\W]*$""",
    re.VERBOSE,
)
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_DATE_WORD = re.compile(
    r"""(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?|january|february|march|april|may
    |june|july|august|september|october|november|december|(?:mon|tues|wednes|thurs|fri|satur
    |sun)day|[ap]m|gmt|utc|bst|cet|cest|[ecmp][sd]t|st|nd|rd|th""",
    re.IGNORECASE | re.VERBOSE,
)
_QUOTE_OPENING = re.compile(r"""^\W*?["'\u201c\u2018\u00ab\u201e「『]""")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Pick:
    index: int  # index into the sentence list
    sentence: Sentence
    score: float


def is_furniture(text: str) -> bool:
    """True for page furniture and fragments that never belong in a summary: bylines,
    timestamps, navigation and sharing prompts, photo credits, cross-heads in capitals, a bare
    quote attribution, or a fragment too short to state anything."""
    cjk = len(_CJK.findall(text))
    words = [word for word in _WORD.findall(text) if not _DATE_WORD.fullmatch(word)]
    if cjk > len(words):  # Japanese or Chinese, maybe with a few Latin words
        if cjk < MIN_CJK_CHARS:
            return True
    elif len(words) < MIN_WORDS or _shouted(words):
        return True
    return bool(_FURNITURE.search(text) or _ATTRIBUTION.search(text))


def _shouted(words: list[str]) -> bool:
    """A cross-head or banner in capitals ("LIVERPOOL WRAP UP MORENO DEAL")."""
    letters = "".join(words)
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def summarise(sentences: Sequence[Sentence], language: str | None, count: int = 3) -> list[Pick]:
    """Up to `count` sentences that best sum up the article, in text order; fewer only when the
    article has fewer usable sentences."""
    return _Ranking.of(sentences, language).pick(count, avoid=())


def key_points(
    sentences: Sequence[Sentence],
    language: str | None,
    count: int = 4,
    *,
    summary: Sequence[Pick] | None = None,
) -> list[Pick]:
    """Up to `count` key sentences in text order. The sentences of `summary` (by default what
    `summarise` gives) are left out while enough other usable sentences remain, and key points
    that repeat the summary are avoided."""
    ranked = _Ranking.of(sentences, language)
    shown = summary if summary is not None else ranked.pick(SUMMARY_COUNT, avoid=())
    avoid = {pick.index for pick in shown} & ranked.scores.keys()
    if len(ranked.scores) - len(avoid) < count:
        avoid = set()
    return ranked.pick(count, avoid=avoid)


@dataclass(frozen=True, slots=True)
class _Ranking:
    sentences: Sequence[Sentence]
    scores: dict[int, float]  # of the usable sentences, by index
    similarity: dict[tuple[int, int], float]  # both ways, between usable sentences

    @classmethod
    def of(cls, sentences: Sequence[Sentence], language: str | None) -> _Ranking:
        usable = [i for i, s in enumerate(sentences) if not is_furniture(s.text)]
        del usable[MAX_CANDIDATES:]
        vectors = _tfidf_vectors([terms(sentences[i].text, language) for i in usable])
        similarity: dict[tuple[int, int], float] = {}
        for a, i in enumerate(usable):
            for b in range(a + 1, len(usable)):
                similarity[i, usable[b]] = similarity[usable[b], i] = cosine(vectors[a], vectors[b])
        centrality = _directed_centrality(usable, similarity)
        scores = {
            i: _position_prior(rank)
            + CENTRALITY_WEIGHT * centrality[i]
            + _specificity(sentences[i].text)
            for rank, i in enumerate(usable)
        }
        return cls(sentences, scores, similarity)

    def pick(self, count: int, avoid: Collection[int]) -> list[Pick]:
        chosen: list[int] = []
        candidates = [
            i
            for i in self.scores
            if i not in avoid and all(self.similarity[i, j] < DUPLICATE_SIMILARITY for j in avoid)
        ]
        while candidates and len(chosen) < count:
            best = max(candidates, key=lambda i: (self._marginal(i, [*chosen, *avoid]), -i))
            chosen.append(best)
            candidates = [
                i
                for i in candidates
                if i != best and self.similarity[i, best] < DUPLICATE_SIMILARITY
            ]
        return [Pick(i, self.sentences[i], self.scores[i]) for i in sorted(chosen)]

    def _marginal(self, i: int, shown: list[int]) -> float:
        overlap = max((self.similarity[i, j] for j in shown), default=0.0)
        return self.scores[i] - REDUNDANCY_WEIGHT * overlap


def _position_prior(rank: int) -> float:
    later = rank - LEAD_SENTENCES + 1
    return 1.0 if later <= 0 else 1.0 / (1.0 + later * POSITION_DECAY)


def _specificity(text: str) -> float:
    """Names and figures: what a sentence stating the news has and a scene-setter lacks."""
    words = text.split()
    capitalised = sum(1 for word in words[1:] if _capitalised(word))
    score = CAPITALS_WEIGHT * capitalised / max(1, len(words))
    if _DIGIT.search(text):
        score += FIGURE_WEIGHT
    if _QUOTE_OPENING.match(text):
        score += QUOTE_WEIGHT
    return score


def _capitalised(word: str) -> bool:
    letters = word.lstrip("\"'\u201c\u2018\u00ab\u201e([")
    return len(letters) > 1 and letters[0].isupper()


def _tfidf_vectors(documents: list[list[str]]) -> list[dict[str, float]]:
    frequency = Counter(term for document in documents for term in set(document))
    n = len(documents)
    return [
        {
            term: (1.0 + math.log(tf)) * math.log((n + 1) / frequency[term])
            for term, tf in Counter(document).items()
        }
        for document in documents
    ]


def _directed_centrality(
    usable: list[int], similarity: dict[tuple[int, int], float]
) -> dict[int, float]:
    """How much the sentences after each one elaborate on it, less a little for how much it
    repeats those before it; edges below a threshold share of the similarity range are
    ignored. Scaled so that the most central sentence has 1."""
    if not similarity:
        return dict.fromkeys(usable, 0.0)
    low, high = min(similarity.values()), max(similarity.values())
    threshold = low + EDGE_THRESHOLD * (high - low)
    raw: dict[int, float] = {}
    for a, i in enumerate(usable):
        forward = sum(max(0.0, similarity[i, j] - threshold) for j in usable[a + 1 :])
        backward = sum(max(0.0, similarity[i, j] - threshold) for j in usable[:a])
        raw[i] = forward + BACKWARD_WEIGHT * backward
    top = max(raw.values())
    return {i: (value / top if top > 0 else 0.0) for i, value in raw.items()}
