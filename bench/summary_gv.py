"""The feed's excerpt as a summary, measured on the real Global Voices capture (used by summary.py).

The CNN/DailyMail pairs carry no feed excerpt, so what the excerpt is worth is measured where
there is one: the 15 Global Voices posts of `../shared/data/articles/globalvoices-2009` and the
descriptions of their items in `../shared/data/feeds/real/globalvoices/gv-feature-2009-06.rss`
(read in place). Each page is extracted as the drafter does (the shipped Global Voices rule, so
picture captions and credits stay in the text), and its description goes through
`feed_excerpt`. Two measures, neither tuned on:

- the article-only methods (lead-3 and ours) scored with ROUGE against the post's own excerpt,
  on the items whose excerpt is a real one: how close each comes to what the author wrote;
- content coverage without a reference: the Jensen-Shannon divergence between the summary's
  and the article's stemmed content words (lower is closer; Louis and Nenkova, 2013), for
  lead-3, ours without the excerpt, the excerpt alone, the excerpt first then ours (the
  variant not chosen) and ours with the excerpt ranked as the article's first paragraph (what
  the drafter shows), with how many of the excerpt's sentences each summary keeps.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aggregator.articles.chain import extract_article
from aggregator.articles.rules import builtin_rules
from aggregator.drafting.analysis import analyse, usable_sentences
from aggregator.feeds.parse import parse_feed
from aggregator.sanitize import html_to_text
from aggregator.text.excerpt import feed_excerpt
from aggregator.text.sentences import split_sentences
from aggregator.text.summarise import summarise
from aggregator.text.terms import terms

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FEED = SHARED / "feeds" / "real" / "globalvoices" / "gv-feature-2009-06.rss"
PAGES = SHARED / "articles"
LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Post:
    number: int
    text: str
    excerpt: str  # the item's description as plain text
    real: bool  # whether `feed_excerpt` takes it for a real excerpt


def load_posts() -> list[Post]:
    feed = parse_feed(FEED.read_bytes(), url="http://globalvoicesonline.org/feed/")
    with (PAGES / "index.csv").open(encoding="utf-8") as f:
        mapped = {int(row["feed_item"]): row["path"] for row in csv.DictReader(f)}
    posts = []
    for number, path in sorted(mapped.items()):
        item = feed.items[number - 1]
        html = (PAGES / path).read_text(encoding="utf-8", errors="replace")
        url = f"http://globalvoicesonline.org/gv/{number}/"
        article = extract_article(
            html, url, rules=builtin_rules(), feed_item=item, feed_language=LANGUAGE
        )
        excerpt = html_to_text(item.summary or "")
        real = bool(feed_excerpt(excerpt, article.text, LANGUAGE))
        posts.append(Post(number, article.text, excerpt, real))
    return posts


def summary_of(post: Post, count: int, *, excerpt: bool) -> list[str]:
    analysis = analyse(
        post.text,
        None,
        LANGUAGE,
        LANGUAGE,
        summary_sentences=count,
        key_point_count=4,
        excerpt=post.excerpt if excerpt else None,
    )
    return [entry.text for entry in analysis.summary]


def excerpt_alone(post: Post) -> list[str]:
    return [s.text for s in feed_excerpt(post.excerpt, post.text, LANGUAGE)]


def excerpt_first(post: Post, count: int) -> list[str]:
    """The variant not chosen: the excerpt's sentences first, whatever their rank, then the
    article's best sentences that do not repeat them."""
    lead = excerpt_alone(post)[:count]
    own = usable_sentences(post.text, LANGUAGE)
    rest = summarise(own, LANGUAGE, count - len(lead), given=lead)
    return [*lead, *(pick.sentence.text for pick in rest)]


def methods(count: int) -> dict[str, Callable[[Post], list[str]]]:
    return {
        "lead-3": lambda post: [s.text for s in split_sentences(post.text, LANGUAGE)[:count]],
        "ours without the excerpt": lambda post: summary_of(post, count, excerpt=False),
        "the excerpt alone": excerpt_alone,
        "excerpt first, then ours": lambda post: excerpt_first(post, count),
        "ours with the excerpt": lambda post: summary_of(post, count, excerpt=True),
    }


def divergence(summary: str, article: str) -> float:
    """Jensen-Shannon divergence (base 2, 0 to 1) between the stemmed content words."""
    p, q = Counter(terms(summary, LANGUAGE)), Counter(terms(article, LANGUAGE))
    sp, sq = sum(p.values()) or 1, sum(q.values()) or 1
    total = 0.0
    for term in p.keys() | q.keys():
        a, b = p[term] / sp, q[term] / sq
        m = (a + b) / 2
        total += (a * math.log2(a / m) if a else 0.0) + (b * math.log2(b / m) if b else 0.0)
    return total / 2


def report(count: int) -> dict[str, object]:
    """Print both measures; return the figures."""
    from rouge_score import rouge_scorer

    posts = load_posts()
    real = [post for post in posts if post.real]
    print(f"\nGlobal Voices, June 2009: {len(posts)} posts, {len(real)} with a real excerpt"
          f" (the others: {', '.join(str(p.number) for p in posts if not p.real)})")  # fmt: skip
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    figures: dict[str, object] = {}
    print(f"\narticle-only methods against the post's own excerpt ({len(real)} posts)")
    print(f"| {'method':<28} | ROUGE-1 | ROUGE-2 | ROUGE-L |")
    print(f"| {'-' * 28} | ------: | ------: | ------: |")
    chosen = methods(count)
    for name in ("lead-3", "ours without the excerpt"):
        found = [scorer.score(post.excerpt, "\n".join(chosen[name](post))) for post in real]
        r1, r2, rl = (
            100 * statistics.mean(f[key].fmeasure for f in found)
            for key in ("rouge1", "rouge2", "rougeL")
        )
        print(f"| {name:<28} | {r1:7.1f} | {r2:7.1f} | {rl:7.1f} |")
        figures[f"against the excerpt: {name}"] = (r1, r2, rl)
    print(f"\ncoverage of the article, all {len(posts)} posts: Jensen-Shannon divergence of the"
          " content words (lower is closer), mean words per summary, excerpt sentences kept"
          " (of those in the real excerpts)")  # fmt: skip
    offered = sum(len(excerpt_alone(post)) for post in real)
    print(f"| {'method':<28} | JSD, all | JSD, posts with a real excerpt | words | excerpt kept |")
    print(f"| {'-' * 28} | -------: | -----------------------------: | ----: | -----------: |")
    for name, method in chosen.items():
        outputs = {post.number: method(post) or [""] for post in posts}
        jsd = {p.number: divergence(" ".join(outputs[p.number]), p.text) for p in posts}
        words = statistics.mean(len(" ".join(o).split()) for o in outputs.values())
        on_all = statistics.mean(jsd.values()) if name != "the excerpt alone" else float("nan")
        on_real = statistics.mean(jsd[p.number] for p in real)
        kept = sum(len(set(outputs[p.number]) & set(excerpt_alone(p))) for p in real)
        print(f"| {name:<28} | {on_all:8.3f} | {on_real:30.3f} | {words:5.0f} |"
              f" {kept:>5} of {offered:<3} |")  # fmt: skip
        figures[f"coverage: {name}"] = {
            "jsd": on_all,
            "jsd_real": on_real,
            "words": words,
            "excerpt_kept": kept,
        }
    return figures
