"""What `[drafting].max_text_chars` saves: drafting analysis of a 1 MB article, whole and capped.

The article is the 100 CNN/DailyMail stories of `../shared/data/summaries/` (read in place)
joined as paragraphs and repeated to `--chars` characters. Timed: the analysis the drafter runs
in the worker pool (sentences, summary, key points, figures, index terms), in this process, as
processor time; the whole text runs under a cut-off (`--give-up`, seconds) since it may take
minutes.

    .venv/bin/python bench/drafting_cap.py [--chars 1000000] [--cap 50000] [--give-up 600]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.drafting.analysis import analyse  # noqa: E402
from aggregator.drafting.textcap import cap_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "summaries" / "cnndm_train_sample_100.json"


class GaveUp(Exception):
    pass


def _give_up(signum: int, frame: FrameType | None) -> None:
    raise GaveUp


def article(chars: int) -> str:
    stories = [story["article"].strip() for story in json.loads(DATA.read_text("utf-8"))]
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < chars:
        paragraphs.extend(stories)
    return "\n\n".join(paragraphs)[:chars]


def timed(text: str, give_up: float) -> float | None:
    signal.signal(signal.SIGPROF, _give_up)
    signal.setitimer(signal.ITIMER_PROF, give_up)
    started = time.process_time()
    try:
        analyse(text, "A long report", "en", "en", summary_sentences=4, key_point_count=4)
    except GaveUp:
        return None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--cap", type=int, default=50_000)
    parser.add_argument("--give-up", type=float, default=600.0)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark reads it in place")
    text = article(args.chars)
    capped = cap_text(text, args.cap)
    timed(text[:5000], args.give_up)  # warm-up: imports and caches
    print(f"article: {len(text):,} characters; capped: {capped.note()}")
    for name, body in (("capped", capped.text), ("whole", text)):
        seconds = timed(body, args.give_up)
        shown = f"{seconds:.2f} s" if seconds is not None else f"over {args.give_up:g} s (gave up)"
        print(f"{name:>7}: {len(body):>9,} characters, analysis {shown} of processor time")


if __name__ == "__main__":
    main()
