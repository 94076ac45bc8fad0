"""The related search's index in memory: postings, frequencies, candidates."""

from __future__ import annotations

from aggregator.text.links import LINK_PREFIX
from aggregator.text.similarity import LINK_MAX_ARTICLES
from aggregator.text.term_index import COMMON_MIN_POSTINGS, RERANK, TermIndex

SOURCE = LINK_PREFIX + "source.example/report"


def test_puts_and_drops_keep_postings_frequencies_and_rows_in_step() -> None:
    index = TermIndex()
    index.put(1, {"flood": 0.6, "river": 0.8})
    index.put(2, {"flood": 0.5, "dam": 0.5, SOURCE: 1.0})
    index.put(1, {"flood": 0.3, "rain": 0.9})  # indexed again: replaced

    assert index.total == 2
    assert index.rows == 5
    assert index.frequencies(["flood", "river", "rain", "dam", "none"]) == {
        "flood": 2,
        "rain": 1,
        "dam": 1,
    }
    assert index.vector(1) == {"flood": 0.3, "rain": 0.9}
    index.drop(2)
    index.put(3, {})
    assert index.total == 1
    assert index.rows == 2
    assert index.carriers("dam") == {}
    assert index.carriers("flood") == {1: 0.3}
    assert index.vector(2) == {}


def test_built_from_rows_it_equals_the_index_built_by_puts() -> None:
    rows = [(1, "a", 0.5), (2, "a", 0.25), (1, "b", 0.75), (3, SOURCE, 1.0)]
    built = TermIndex.of(rows)
    put = TermIndex()
    put.put(1, {"a": 0.5, "b": 0.75})
    put.put(2, {"a": 0.25})
    put.put(3, {SOURCE: 1.0})
    for term in ("a", "b", SOURCE, "none"):
        assert built.carriers(term) == put.carriers(term)
    for item_id in (1, 2, 3, 4):
        assert built.vector(item_id) == put.vector(item_id)
    assert built.rows == put.rows == 4
    assert built.carriers("a") == {1: 0.5, 2: 0.25}


def test_candidates_by_partial_dot_product_and_rare_links_never_the_query() -> None:
    index = TermIndex()
    query = {"flood": 0.6, "river": 0.6, SOURCE: 1.0}
    index.put(1, query)
    index.put(2, {"flood": 0.9, "river": 0.4})
    index.put(3, {"flood": 0.1, "farm": 0.9})
    index.put(4, {"vote": 1.0, SOURCE: 1.0})  # only the link in common
    index.put(5, {"vote": 1.0})

    found = index.candidates(1, query)

    assert found is not None
    assert found.item_ids == [2, 3, 4]
    assert found.total == 5
    assert found.vectors[4] == {"vote": 1.0, SOURCE: 1.0}
    assert found.frequency == {"flood": 3, "river": 2, SOURCE: 2, "farm": 1, "vote": 2}
    assert index.candidates(5, {"vote": 1.0}) is not None
    assert index.candidates(3, {"farm": 0.9}) is None  # a word no other article carries


def test_common_words_and_common_links_name_no_candidates() -> None:
    index = TermIndex()
    licence = LINK_PREFIX + "example.org/licence"
    for n in range(COMMON_MIN_POSTINGS + 1):
        index.put(n, {"said": 0.5, "year": 0.5})
    for n in range(1_000, 1_000 + LINK_MAX_ARTICLES + 1):
        index.put(n, {"other": 1.0, licence: 1.0})
    assert index.candidates(0, {"said": 0.5, "year": 0.5}) is None
    assert index.candidates(1_000, {"other": 1.0, licence: 1.0}) is not None  # by "other"
    assert index.candidates(1_000, {"alone": 1.0, licence: 1.0}) is None


def test_at_most_rerank_by_partial_dot_product_ties_by_id() -> None:
    index = TermIndex()
    index.put(0, {"flood": 1.0})
    for n in range(1, RERANK + 11):
        index.put(n, {"flood": 0.5 if n > 10 else 0.9})
    found = index.candidates(0, {"flood": 1.0})
    assert found is not None
    assert found.item_ids == list(range(1, RERANK + 1))
