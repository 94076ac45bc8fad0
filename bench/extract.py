"""Article-extraction quality and speed: `aggregator.extract_text` vs trafilatura vs readability.

Run by hand: `.venv/bin/python bench/extract.py [--repeat N] [--json PATH] [--no-memory]`.

The pages are the 92 of `../shared/data/extraction/public/` (read in place, never copied), scored
with that folder's README metric: `\\w+` tokens, 4-gram shingle multisets, precision and recall
averaged over pages (precision only over pages whose output has at least one shingle), F1 of
those means; empty outputs and the mean per-page F1 (empty = 0) are reported beside it.

Speed: every extractor first runs over all pages once (warm-up, and the outputs that are scored),
then `--repeat` timed passes; only the extraction calls are timed with `time.process_time`, and the
fastest pass counts. Memory: each extractor runs over all pages again in a fresh interpreter, and
the figure is its peak RSS (VmHWM) minus its RSS just before the first call, so libxml2's
allocations, invisible to tracemalloc, are counted.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

PUBLIC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction" / "public"
TOKEN = re.compile(r"\w+")
BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}
BLOCK_TAGS |= {"blockquote", "table", "tr", "td", "th", "section", "article", "figcaption"}

Extractor = Callable[[str, str], str]


def _ours(html: str, url: str) -> str:
    import aggregator

    return aggregator.extract_text(html, url)


def _trafilatura(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def _readability(html: str, url: str) -> str:
    import lxml.html
    from readability import Document  # type: ignore[import-untyped]

    summary = Document(html).summary()
    root = lxml.html.fromstring(summary)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    return str(root.text_content()).strip()


def _ours_without_pass(html: str, url: str) -> str:
    """Ablation: the generic extractor with its boilerplate pass switched off."""
    from aggregator.articles import generic

    real = generic._drop_boilerplate
    generic._drop_boilerplate = lambda *args: None
    try:
        return _ours(html, url)
    finally:
        generic._drop_boilerplate = real


def _trafilatura_with(*, fast: bool = False, favor_precision: bool = False) -> Extractor:
    def extract(html: str, url: str) -> str:
        import trafilatura

        found = trafilatura.extract(
            html, url=url, include_comments=False, fast=fast, favor_precision=favor_precision
        )
        return found or ""

    return extract


EXTRACTORS: dict[str, Extractor] = {
    "aggregator": _ours,
    "trafilatura": _trafilatura,
    "readability": _readability,
}
# The variants weighed for the generic extractor, run with --variants.
VARIANTS: dict[str, Extractor] = {
    "traf-fast": _trafilatura_with(fast=True),
    "traf-precision": _trafilatura_with(favor_precision=True),
    "traf-prec-fast": _trafilatura_with(favor_precision=True, fast=True),
    "ours-no-pass": _ours_without_pass,
}


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of `n`-token shingles of `text`; 1 to n-1 tokens make one shorter shingle."""
    tokens = TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_scores(truth: str, prediction: str) -> tuple[float | None, float]:
    """(precision or None when the prediction has no shingle, recall) of one page."""
    expected, got = shingles(truth), shingles(prediction)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    precision = tp / (tp + fp) if got else None
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


@dataclass
class Result:
    """One extractor's figures over the whole set."""

    name: str
    f1: float
    precision: float
    recall: float
    empty: int
    mean_page_f1: float
    pages_per_cpu_second: float
    peak_rss_delta_mb: float | None


def score(truths: list[str], outputs: list[str]) -> tuple[float, float, float, int, float]:
    """(F1, precision, recall, empty outputs, mean per-page F1) by the README's metric."""
    precisions, recalls, page_f1s = [], [], []
    empty = 0
    for truth, output in zip(truths, outputs, strict=True):
        p, r = page_scores(truth, output)
        recalls.append(r)
        if p is None:
            empty += 1
            page_f1s.append(0.0)
            continue
        precisions.append(p)
        page_f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall, empty, sum(page_f1s) / len(page_f1s)


def load_pages() -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(html, url) per page, the truths and the ids, in id order; exits when the data is absent."""
    truth_file = PUBLIC / "ground-truth.json"
    if not truth_file.is_file():
        sys.exit(f"benchmark pages not found: {PUBLIC} (expected ../shared/data beside the repo)")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    ids = sorted(truth)
    pages = [
        (gzip.decompress((PUBLIC / f"{i}.html.gz").read_bytes()).decode("utf-8"), truth[i]["url"])
        for i in ids
    ]
    return pages, [truth[i]["articleBody"] for i in ids], ids


def cpu_seconds(
    extractors: dict[str, Extractor], pages: list[tuple[str, str]], repeat: int
) -> dict[str, float]:
    """Process CPU time of the extraction calls of one pass over the pages, best of `repeat`.

    The passes take turns (A B C, A B C...) so that a busy spell on a shared machine does not
    fall on one extractor only.
    """
    best = dict.fromkeys(extractors, float("inf"))
    for _ in range(repeat):
        for name, extract in extractors.items():
            total = 0.0
            for html, url in pages:
                start = time.process_time()
                extract(html, url)
                total += time.process_time() - start
            best[name] = min(best[name], total)
    return best


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def memory_child(name: str) -> None:
    """In a fresh interpreter: peak RSS growth (MB) while `name` extracts every page once."""
    pages, _, _ = load_pages()
    extract = (EXTRACTORS | VARIANTS)[name]
    extract("<html><body><p>warm up the imports</p></body></html>", "https://example.org/")
    with contextlib.suppress(OSError):  # reset the peak: loading the pages does not count
        Path("/proc/self/clear_refs").write_text("5")
    before = _rss_kb("VmRSS")
    for html, url in pages:
        extract(html, url)
    print((_rss_kb("VmHWM") - before) / 1024)


def peak_rss_delta(name: str) -> float | None:
    """Run `memory_child` in a subprocess; None when /proc is unavailable or it failed."""
    if not Path("/proc/self/status").exists():
        return None
    done = subprocess.run(
        [sys.executable, __file__, "--memory-child", name],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return float(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best counts)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    parser.add_argument("--only", help="comma-separated extractors (default: the three)")
    parser.add_argument("--variants", action="store_true", help="also run the variants weighed")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--dump", type=Path, help="write per-page outputs and scores here")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    pages, truths, ids = load_pages()
    known = EXTRACTORS | VARIANTS
    names = args.only.split(",") if args.only else list(EXTRACTORS)
    names += list(VARIANTS) if args.variants else []
    extractors = {name: known[name] for name in names}
    # warm-up pass, and the outputs that are scored
    outputs = {
        name: [extract(html, url) for html, url in pages] for name, extract in extractors.items()
    }
    seconds = cpu_seconds(extractors, pages, args.repeat)
    results: list[Result] = []
    per_page: dict[str, list[dict[str, object]]] = {}
    for name in names:
        f1, precision, recall, empty, mean_f1 = score(truths, outputs[name])
        memory = None if args.no_memory else peak_rss_delta(name)
        speed = len(pages) / seconds[name]
        results.append(Result(name, f1, precision, recall, empty, mean_f1, speed, memory))
        per_page[name] = [
            {"id": i, "precision": p, "recall": r, "output": o}
            for i, o, (p, r) in zip(
                ids,
                outputs[name],
                (page_scores(t, o) for t, o in zip(truths, outputs[name], strict=True)),
                strict=True,
            )
        ]
    print(f"{len(pages)} pages, {PUBLIC}")
    print(f"speed: best of {args.repeat} timed passes after a warm-up, process CPU time")
    print("memory: peak RSS minus RSS before the first page, fresh process per extractor")
    print(
        f"{'extractor':<14} {'F1':>6} {'P':>6} {'R':>6} {'empty':>5} {'pageF1':>6}"
        f" {'pages/CPU-s':>11} {'mem MB':>7}"
    )
    for r in results:
        mb = "n/a" if r.peak_rss_delta_mb is None else f"{r.peak_rss_delta_mb:.1f}"
        print(
            f"{r.name:<14} {r.f1:6.3f} {r.precision:6.3f} {r.recall:6.3f} {r.empty:5d}"
            f" {r.mean_page_f1:6.3f} {r.pages_per_cpu_second:11.1f} {mb:>7}"
        )
    by_name = {r.name: r for r in results}
    if "aggregator" in by_name and {"trafilatura", "readability"} <= by_name.keys():
        ours = by_name["aggregator"]
        best = max(by_name["trafilatura"], by_name["readability"], key=lambda r: r.f1)
        checks = [
            (f"F1 >= best reference ({best.name} {best.f1:.3f})", ours.f1 >= best.f1),
            (f"precision > {best.name}'s ({best.precision:.3f})", ours.precision > best.precision),
            (">= 60 pages per CPU-second", ours.pages_per_cpu_second >= 60),
        ]
        ratio = ours.pages_per_cpu_second / by_name["trafilatura"].pages_per_cpu_second
        print(f"speed relative to trafilatura in this run: {ratio:.2f}x")
        print("targets:")
        for label, ok in checks:
            print(f"  [{'met' if ok else 'MISSED'}] {label}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    if args.dump:
        args.dump.write_text(json.dumps(per_page, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
