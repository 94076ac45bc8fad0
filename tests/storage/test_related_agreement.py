"""The search over the index held in memory finds what the search over the table found.

The reference is the search as it was before (`tests.helpers.related_reference`): every
search read the archive's size and the document frequencies from the table. The shipped
search, in memory (`RelatedIndex(in_memory=True)`) and over the table, must give the same
articles in the same order with the same flags, shared terms and links, and the same scores
within 1e-9, on a generated archive (both databases) and on the UCI headlines of
../shared/data/related.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from aggregator.drafting.drafter import RELATED_MIN_SCORE
from aggregator.storage.related import RelatedIndex
from aggregator.storage.store import Store
from aggregator.storage.tables import article_terms
from aggregator.text.term_index import COMMON_MIN_POSTINGS, COMMON_SHARE
from tests.helpers.related_archive import (
    generated_vectors,
    open_archive_store,
    scores,
    stored_articles,
    without_scores,
)
from tests.helpers.related_reference import reference_related
from tests.shared_data import require_shared

ARCHIVE = 1_000
"""Enough articles that a quarter of them is more than COMMON_MIN_POSTINGS."""
LIMIT = 5


def agree(
    store: Store,
    searches: Sequence[RelatedIndex],
    ids: Sequence[int],
    vectors: Sequence[dict[str, float]],
    queries: Sequence[int],
    min_score: float = 0.0,
) -> list[list[object]]:
    """Every search's results for each query index, checked against the reference."""
    found: list[list[object]] = []
    for q in queries:
        want = reference_related(store, ids[q], vectors[q], LIMIT, min_score, f"https://x/{q}")
        for search in searches:
            got = search.related(ids[q], vectors[q], LIMIT, min_score, f"https://x/{q}")
            assert without_scores(got) == without_scores(want), (q, search.in_memory)
            assert scores(got) == pytest.approx(scores(want), abs=1e-9, rel=0)
        found.append(list(want))
    return found


def test_the_searches_agree_on_a_generated_archive(database_url: str) -> None:
    store = open_archive_store(database_url)
    try:
        vectors = generated_vectors(ARCHIVE)
        ids = stored_articles(store, ARCHIVE)
        memory, table = RelatedIndex(store, in_memory=True), RelatedIndex(store)
        memory.save_many({ids[n]: vectors[n] for n in range(ARCHIVE // 2)})
        memory.related(ids[0], vectors[0], LIMIT, 0.0)  # the copy is read here
        assert memory.memory is not None
        for n in range(ARCHIVE // 2, ARCHIVE):  # and kept in step by its own writes
            memory.save_terms(ids[n], vectors[n])
        assert ARCHIVE * COMMON_SHARE > COMMON_MIN_POSTINGS

        found = agree(store, [memory, table], ids, vectors, range(0, ARCHIVE, 23))

        everything = [r for results in found for r in results]
        assert len(everything) > 100
        assert sum(r.same_story for r in everything) > 5  # type: ignore[attr-defined]
        assert any(r.copy_of is not None for r in everything)  # type: ignore[attr-defined]
        assert any(r.links for r in everything)  # type: ignore[attr-defined]
        strict = agree(store, [memory, table], ids, vectors, range(4, ARCHIVE, 61), 0.3)
        assert any(strict)
    finally:
        store.close()


def test_the_copy_in_memory_follows_writes_from_elsewhere(database_url: str) -> None:
    """Another process indexing or a cleanup deleting changes the table's row count: the
    copy is read again before the next search."""
    store = open_archive_store(database_url)
    try:
        vectors = generated_vectors(300, seed=11)
        ids = stored_articles(store, 300)
        memory, elsewhere = RelatedIndex(store, in_memory=True), RelatedIndex(store)
        memory.save_many({ids[n]: vectors[n] for n in range(250)})
        agree(store, [memory], ids, vectors, range(0, 250, 25))

        elsewhere.save_many({ids[n]: vectors[n] for n in range(250, 300)})
        with store.writing() as conn:
            conn.execute(article_terms.delete().where(article_terms.c.item_id.in_(ids[:20])))

        agree(store, [memory], ids, vectors, range(25, 300, 25))
        assert memory.memory is not None
        assert memory.memory.total == 280
    finally:
        store.close()


@pytest.mark.shared
@pytest.mark.slow
def test_the_searches_agree_on_the_uci_headlines(tmp_path: object) -> None:
    """bench/related.py's data: 2,989 headlines of 44 stories, indexed by the drafter's own
    `index_terms`, searched at the shipped threshold and at 0."""
    import csv

    from aggregator.drafting.analysis import index_terms, term_language

    path = require_shared("related/uci-stories.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    store = open_archive_store(f"sqlite:///{tmp_path}/uci.db")
    try:
        ids = stored_articles(store, len(rows))
        vectors = [
            index_terms(r["TITLE"], r["TITLE"], term_language(r["TITLE"], "en", None)) for r in rows
        ]
        memory, table = RelatedIndex(store, in_memory=True), RelatedIndex(store)
        memory.save_many(dict(zip(ids, vectors, strict=True)))

        found = agree(store, [memory, table], ids, vectors, range(0, len(rows), 37))
        agree(store, [memory], ids, vectors, range(5, len(rows), 53), RELATED_MIN_SCORE)

        assert sum(len(r) for r in found) > 150
    finally:
        store.close()
