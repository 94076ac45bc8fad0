"""The related search's candidates read from the table, and the table read whole."""

from __future__ import annotations

from aggregator.storage.related import RelatedIndex
from aggregator.storage.related_table import all_rows, from_table, row_count
from aggregator.text.term_index import TermIndex
from tests.helpers.related_archive import generated_vectors, open_archive_store, stored_articles


def test_the_table_gives_the_candidates_the_index_in_memory_gives(database_url: str) -> None:
    store = open_archive_store(database_url)
    try:
        vectors = generated_vectors(240, seed=3)
        ids = stored_articles(store, 240)
        RelatedIndex(store).save_many(dict(zip(ids, vectors, strict=True)))
        with store.engine.connect() as conn:
            memory = TermIndex.of(all_rows(conn))
            assert row_count(conn) == memory.rows == sum(len(v) for v in vectors)
            assert memory.total == 240
            assert memory.vector(ids[7]) == vectors[7]
            found = 0
            for n in range(0, 240, 7):
                table = from_table(conn, ids[n], vectors[n])
                assert table == memory.candidates(ids[n], vectors[n])
                found += len(table.item_ids) if table else 0
        assert found > 100
    finally:
        store.close()


def test_an_article_sharing_nothing_has_no_candidates(database_url: str) -> None:
    store = open_archive_store(database_url)
    try:
        ids = stored_articles(store, 2)
        RelatedIndex(store).save_many({ids[0]: {"flood": 1.0}, ids[1]: {"vote": 1.0}})
        with store.engine.connect() as conn:
            assert from_table(conn, ids[0], {"flood": 1.0}) is None
            assert row_count(conn) == 2
    finally:
        store.close()
