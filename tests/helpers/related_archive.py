"""A generated archive for the related search: term vectors as the drafter makes them, stored.

Stories of their own words over a Zipf-distributed vocabulary, so that related articles share
rare words and everything shares common ones (some on more than a quarter of the archive, which
name no candidates); copies of an article (the same story through two feeds), near-copies;
rare links (a story's source, cited by a few) and a common one (a licence page on every tenth
article). Vectors are unit-length log counts of the 80 strongest words, like `index_terms`.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence

from aggregator.config import FeedConfig
from aggregator.feeds.plan import keyed
from aggregator.records import ParsedItem
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.related import RelatedArticle
from aggregator.storage.store import Store
from aggregator.text.links import LINK_PREFIX
from tests.helpers.storage import NOW, article, feed_id, update

VOCABULARY = 4_000
STORIES = 80
STORY_WORDS = 12
TERMS = 80
LICENCE = LINK_PREFIX + "example.org/licence"


def generated_vectors(count: int, seed: int = 7) -> list[dict[str, float]]:
    """`count` term vectors: most on one of STORIES stories, every 17th a copy of the one
    before, every 23rd a near-copy."""
    rng = random.Random(seed)
    ranks = [1.0 / (r + 1) for r in range(VOCABULARY)]
    words = [f"w{r}" for r in range(VOCABULARY)]
    stories = [[f"s{s}x{k}" for k in range(STORY_WORDS)] for s in range(STORIES)]
    vectors: list[dict[str, float]] = []
    for number in range(count):
        if number % 17 == 16:
            vectors.append(dict(vectors[-1]))
            continue
        story = rng.randrange(STORIES)
        tokens = rng.choices(words, ranks, k=rng.randint(40, 160))
        if number % 5:
            tokens += rng.choices(stories[story], k=rng.randint(3, 25))
        if number % 23 == 22:
            tokens = list(vectors[-1]) * 2 + tokens[:3]
        vector = unit(Counter(t for t in tokens if not t.startswith(LINK_PREFIX)))
        if number % 9 == 0:
            vector[f"{LINK_PREFIX}source.example/{story}"] = 1.0
        if number % 10 == 3:
            vector[LICENCE] = 1.0
        vectors.append(vector)
    return vectors


def unit(counts: Mapping[str, int]) -> dict[str, float]:
    weights = {t: 1.0 + math.log(n) for t, n in counts.items()}
    top = sorted(weights, key=lambda t: (-weights[t], t))[:TERMS]
    norm = math.sqrt(sum(weights[t] ** 2 for t in top)) or 1.0
    return {t: round(weights[t] / norm, 6) for t in top}


def open_archive_store(url: str) -> Store:
    store = Store.open(url)
    store.sync_feeds([FeedConfig("one", "https://e.org/one")], NOW)
    return store


def stored_articles(store: Store, count: int, feed: str = "one") -> list[int]:
    """`count` items of `feed` with an extracted text each; their ids in order."""
    records = keyed(
        ParsedItem(guid=f"a{n}", link=f"https://e.org/a/{n}", title=f"Article {n}")
        for n in range(count)
    )
    ids = list(store.save_refresh(feed_id(store, feed), update(), records).new_item_ids)
    queue = ArticleQueue(store)
    for n, item_id in enumerate(ids):
        queue.save(item_id, article(f"Text of article {n}.", digest=f"h{n}"), None, NOW)
    return ids


def without_scores(found: Sequence[RelatedArticle]) -> list[RelatedArticle]:
    """What a search found, every field but the score, for comparing two searches."""
    return [dataclasses.replace(r, score=0.0) for r in found]


def scores(found: Sequence[RelatedArticle]) -> list[float]:
    return [r.score for r in found]
