"""ROUGE of `aggregator.text.summarise` against lead-3, TextRank and LexRank on news.

Run by hand: `.venv/bin/python bench/summary.py [--json figures.json]`. Reads the 100
CNN/DailyMail pairs of `../shared/data/summaries/cnndm_train_sample_100.json` in place. Every
method gets the same text (Daily Mail byline and timestamp fragments removed first; "(CNN) --"
datelines kept) and the same sentences (`split_sentences`), picks three of them, and is scored
with `rouge-score` (F1 x 100, Porter stemmer) against the journalists' highlights. Figures are
given for all 100 pairs and for the held-out half (the pairs whose position in id order is odd;
the summariser's weights were tuned on the even half only).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import summary_gv  # type: ignore[import-not-found]  # run as bench/summary.py

from aggregator.text.credits import is_furniture_sentence as is_furniture
from aggregator.text.sentences import Sentence, split_sentences
from aggregator.text.summarise import NEAR_REPEAT, is_key_point, key_points, summarise
from aggregator.text.terms import cosine, term_vector

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "summaries"
PAIRS = DATA / "cnndm_train_sample_100.json"
COUNT = 3
POINTS = 4
LANGUAGE = "en"

# "By . Name . [and Name .] PUBLISHED: . 14:11 EST, 1 January 2014 . | . UPDATED: . ... ."
_BYLINE = re.compile(
    r"^\s*(?:By \. [^.]{1,80}? \. (?:and [^.]{1,80}? \. )*)?"
    r"(?:(?:PUBLISHED|UPDATED): \. [^.]{1,60}? \. (?:\| \. )?)*"
    r"(?:Last updated at [^.]{1,60}? \. )?"
)


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    sentences: list[Sentence]
    reference: str


Method = Callable[[Sequence[Sentence]], list[str]]


def clean_article(text: str) -> str:
    """The article without the Daily Mail byline and timestamp fragments at its start."""
    return _BYLINE.sub("", text, count=1).strip()


def load_pairs(path: Path) -> list[Pair]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        Pair(row["id"], split_sentences(clean_article(row["article"]), LANGUAGE),
             row["highlights"])
        for row in sorted(rows, key=lambda row: row["id"])
    ]  # fmt: skip


def held_out(pairs: list[Pair]) -> list[Pair]:
    """The half of the pairs never looked at while tuning: odd positions in id order."""
    return pairs[1::2]


def lead(sentences: Sequence[Sentence]) -> list[str]:
    return [s.text for s in sentences[:COUNT]]


def ours(sentences: Sequence[Sentence]) -> list[str]:
    return [pick.sentence.text for pick in summarise(sentences, LANGUAGE, COUNT)]


def our_key_points(sentences: Sequence[Sentence]) -> list[str]:
    return [pick.sentence.text for pick in key_points(sentences, LANGUAGE, POINTS)]


def after_summary(sentences: Sequence[Sentence]) -> list[str]:
    """The baseline for key points: the first usable sentences that the summary left out."""
    shown = {pick.index for pick in summarise(sentences, LANGUAGE, COUNT)}
    rest = [s.text for i, s in enumerate(sentences) if i not in shown and not is_furniture(s.text)]
    return rest[:POINTS]


def after_summary_qualifying(sentences: Sequence[Sentence]) -> list[str]:
    """The baseline under the key points' own rules: the first sentences in text order that
    are not furniture, are key-point sentences (`is_key_point`) and do not nearly repeat a
    summary sentence (term cosine under NEAR_REPEAT)."""
    shown = summarise(sentences, LANGUAGE, COUNT)
    vectors = [term_vector(pick.sentence.text, LANGUAGE) for pick in shown]
    picked = {pick.index for pick in shown}
    rest = [
        s.text
        for i, s in enumerate(sentences)
        if i not in picked
        and not is_furniture(s.text)
        and is_key_point(s.text, LANGUAGE)
        and all(cosine(term_vector(s.text, LANGUAGE), v) < NEAR_REPEAT for v in vectors)
    ]
    return rest[:POINTS]


def textrank_summa(sentences: Sequence[Sentence]) -> list[str]:
    """summa's TextRank (its own word filtering, similarity and PageRank) on our sentences."""
    from summa import summarizer
    from summa.preprocessing import textcleaner

    textcleaner.init_textcleanner("english", None)
    texts = [s.text for s in sentences]
    units = textcleaner.merge_syntactic_units(texts, textcleaner.filter_words(texts))
    graph = summarizer._build_graph([unit.token for unit in units])
    summarizer._set_graph_edge_weights(graph)
    summarizer._remove_unreachable_nodes(graph)
    if not graph.nodes():
        return texts[:COUNT]
    summarizer._add_scores_to_sentences(units, summarizer._pagerank(graph))
    best = sorted(units, key=lambda unit: -unit.score)[:COUNT]
    return [unit.text for unit in sorted(best, key=lambda unit: unit.index)]


class _SumyWords:
    """sumy's word tokenizer without NLTK's punkt data: our sentences are already split, and
    `word_tokenize` of one sentence is the Treebank-style tokenizer it applies per sentence."""

    language = "english"

    def __init__(self) -> None:
        from nltk.tokenize import NLTKWordTokenizer
        from sumy.nlp.tokenizers import Tokenizer

        self._tokenize = NLTKWordTokenizer().tokenize
        self._word = Tokenizer._WORD_PATTERN

    def to_words(self, text: str) -> tuple[str, ...]:
        return tuple(w for w in self._tokenize(text) if self._word.search(w))


def sumy_method(name: str) -> Method:
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    kinds: dict[str, Any] = {
        "lexrank": LexRankSummarizer,
        "textrank": TextRankSummarizer,
        "lsa": LsaSummarizer,
    }
    summarizer = kinds[name](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    words = _SumyWords()

    def run(sentences: Sequence[Sentence]) -> list[str]:
        document = ObjectDocumentModel(
            [Paragraph([SumySentence(s.text, words) for s in sentences])]
        )
        return [str(sentence) for sentence in summarizer(document, COUNT)]

    return run


Scores = dict[str, tuple[float, float, float]]  # pair id -> ROUGE-1/2/L F1 x 100


def rouge(pairs: list[Pair], outputs: dict[str, list[str]]) -> Scores:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    scores: Scores = {}
    for pair in pairs:
        found = scorer.score(pair.reference, "\n".join(outputs[pair.id]))
        r1, r2, rl = (100 * found[key].fmeasure for key in ("rouge1", "rouge2", "rougeL"))
        scores[pair.id] = (r1, r2, rl)
    return scores


def mean_of(scores: Scores, pairs: list[Pair]) -> tuple[float, float, float]:
    r1, r2, rl = (statistics.mean(scores[pair.id][k] for pair in pairs) for k in range(3))
    return r1, r2, rl


def paired_difference(ours: Scores, theirs: Scores, pairs: list[Pair]) -> str:
    """Mean ROUGE-2 difference per article with its standard error, wins and losses: whether
    a gain stands out from the article-to-article noise."""
    diffs = [ours[pair.id][1] - theirs[pair.id][1] for pair in pairs]
    error = statistics.stdev(diffs) / len(diffs) ** 0.5
    wins, losses = sum(d > 0 for d in diffs), sum(d < 0 for d in diffs)
    mean = statistics.mean(diffs)
    return f"{mean:+.2f} ± {error:.2f} (standard error; {wins} wins, {losses} losses)"


def sentences_per_second(pairs: list[Pair], repeat: int) -> float:
    """Throughput of `summarise`: the best of `repeat` passes over all the articles."""
    count = sum(len(pair.sentences) for pair in pairs)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for pair in pairs:
            summarise(pair.sentences, LANGUAGE, COUNT)
        best = min(best, time.perf_counter() - start)
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (best counts)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not PAIRS.exists():
        sys.exit(f"reference summaries not found: {PAIRS} (the shared data lives beside the repo)")
    pairs = load_pairs(PAIRS)
    methods: dict[str, Method] = {
        "lead-3": lead,
        "ours": ours,
        "TextRank (summa)": textrank_summa,
        "LexRank (sumy)": sumy_method("lexrank"),
        "TextRank (sumy)": sumy_method("textrank"),
        "LSA (sumy)": sumy_method("lsa"),
    }
    point_methods: dict[str, Method] = {
        "key points": our_key_points,
        "next usable sentences": after_summary,
        "next qualifying sentences": after_summary_qualifying,
    }
    methods_run = {**methods, **point_methods}
    outputs = {
        name: {pair.id: method(pair.sentences) for pair in pairs}
        for name, method in methods_run.items()
    }
    sizes = [len(pair.sentences) for pair in pairs]
    print(f"{len(pairs)} articles, {sum(sizes)} sentences (median {statistics.median(sizes)}),"
          f" {COUNT} sentences per summary; ROUGE F1 x 100, Porter stemmer")  # fmt: skip
    scores = {name: rouge(pairs, outputs[name]) for name in methods_run}
    figures: dict[str, Any] = {}
    for label, subset in (("all 100", pairs), ("held-out half", held_out(pairs))):
        print(f"\n{label} ({len(subset)} pairs)")
        print(f"| {'method':<18} | ROUGE-1 | ROUGE-2 | ROUGE-L |")
        print(f"| {'-' * 18} | ------: | ------: | ------: |")
        table = {name: mean_of(scores[name], subset) for name in methods}
        for name, (r1, r2, rl) in table.items():
            print(f"| {name:<18} | {r1:7.1f} | {r2:7.1f} | {rl:7.1f} |")
        best_other = max(v[1] for k, v in table.items() if k not in ("lead-3", "ours"))
        print(f"ours/lead-3 on ROUGE-2: {table['ours'][1] / table['lead-3'][1]:.3f};"
              f" ours/best other method: {table['ours'][1] / best_other:.3f}")  # fmt: skip
        difference = paired_difference(scores["ours"], scores["lead-3"], subset)
        print(f"ours - lead-3 on ROUGE-2 per article: {difference}")
        points = {name: mean_of(scores[name], subset) for name in point_methods}
        print(f"{POINTS} key points beyond the summary, ROUGE-1/2/L: "
              + "; ".join(f"{name} {r1:.1f}/{r2:.1f}/{rl:.1f}"
                           for name, (r1, r2, rl) in points.items()))  # fmt: skip
        figures[label] = {**table, **points}
    print("\nThe CNN/DailyMail pairs carry no feed excerpt: on them ours with the excerpt is ours.")
    if summary_gv.FEED.exists() and (summary_gv.PAGES / "index.csv").exists():
        figures["globalvoices"] = summary_gv.report(COUNT)
    else:
        print(f"Global Voices capture not found under {summary_gv.SHARED}: excerpt not measured")
    speed = sentences_per_second(pairs, args.repeat)
    print(f"\nours: {speed:,.0f} sentences/s (best of {args.repeat} passes, one core)")
    figures["sentences_per_second"] = speed
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
