"""Related-article search: normalised scores, the minimum score, ordering, skipped common terms."""

from __future__ import annotations

import pytest

from aggregator.drafting.drafter import RELATED_MIN_SCORE
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.related import (
    COMMON_MIN_POSTINGS,
    MIN_SHARED_TERMS,
    QueryTerms,
    RelatedIndex,
    query_terms,
    rank,
    strongest,
)
from aggregator.storage.store import Store
from tests.storage.test_store import NOW, store
from tests.storage.test_stubs import article, stored_item

__all__ = ["store"]

FLOOD = {"flood": 0.5, "river": 0.5, "dam": 0.4, "rain": 0.4, "said": 0.2, "year": 0.2}


def indexed(store: Store, guid: str, weights: dict[str, float], text: bool = True) -> int:
    item_id = stored_item(store, guid)
    if text:
        ArticleQueue(store).save(item_id, article(f"Text of {guid}."), None, NOW)
    RelatedIndex(store).save_terms(item_id, weights)
    return item_id


def test_scores_are_shares_in_0_1_ordered_best_first(store: Store) -> None:
    query = indexed(store, "q", FLOOD)
    same = indexed(store, "same", FLOOD)
    most = indexed(store, "most", {"flood": 0.5, "river": 0.5, "dam": 0.4, "farm": 0.6})
    some = indexed(store, "some", {"flood": 0.3, "river": 0.2, "said": 0.5, "vote": 0.8})
    indexed(store, "textless", FLOOD, text=False)
    indexed(store, "two", {"flood": 0.7, "river": 0.7})  # fewer than MIN_SHARED_TERMS

    found = RelatedIndex(store).related(query, FLOOD, limit=10, min_score=0.0)

    assert [r.item_id for r in found] == [same, most, some]
    scores = [r.score for r in found]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 1.0  # the query's very terms and weights
    assert all(0.0 < s < 1.0 for s in scores[1:])
    assert all(r.text == f"Text of {r.url.rsplit('/', 1)[1]}." for r in found)
    assert all(len(r.shared) >= MIN_SHARED_TERMS and set(r.shared) <= set(FLOOD) for r in found)
    assert found[1].shared[0] == "dam"  # strongest for the query first: rarest x weight


def test_the_minimum_score_filters_an_article_sharing_only_common_words(store: Store) -> None:
    query = indexed(store, "q", FLOOD)
    flood = indexed(store, "flood2", {"flood": 0.5, "dam": 0.3, "rain": 0.3, "farm": 0.6})
    vote = indexed(
        store, "vote", {"election": 0.8, "vote": 0.5, "said": 0.2, "year": 0.2, "river": 0.05}
    )
    for n in range(20):  # the rest of the archive, where "said" and "year" are common
        indexed(store, f"other{n}", {"said": 0.3, "year": 0.3, f"topic{n}": 0.8}, text=False)
    index = RelatedIndex(store)

    everything = index.related(query, FLOOD, limit=10, min_score=0.0)
    shown = index.related(query, FLOOD, limit=10, min_score=RELATED_MIN_SCORE)

    assert {r.item_id for r in everything} == {flood, vote}
    assert [r.item_id for r in shown] == [flood]
    unrelated = next(r for r in everything if r.item_id == vote)
    assert 0.0 < unrelated.score < RELATED_MIN_SCORE <= shown[0].score


def test_a_score_does_not_grow_with_articles_that_share_nothing(store: Store) -> None:
    query = indexed(store, "q", FLOOD)
    other = indexed(store, "other", {"flood": 0.4, "river": 0.3, "dam": 0.6, "farm": 0.5})
    index = RelatedIndex(store)
    (before,) = index.related(query, FLOOD, limit=5, min_score=0.0)
    for n in range(30):
        indexed(store, f"more{n}", {f"topic{n}": 0.9, f"place{n}": 0.4}, text=False)
    (after,) = index.related(query, FLOOD, limit=5, min_score=0.0)
    assert after.item_id == before.item_id == other
    assert after.score == before.score  # its shared terms are equally rare: idf² cancels


def test_the_item_itself_and_a_zero_limit_give_nothing(store: Store) -> None:
    query = indexed(store, "q", FLOOD)
    index = RelatedIndex(store)
    assert index.related(query, FLOOD, limit=5, min_score=0.0) == []
    indexed(store, "same", FLOOD)
    assert index.related(query, FLOOD, limit=0, min_score=0.0) == []
    assert index.related(query, {}, limit=5, min_score=0.0) == []


def test_query_terms_skip_common_terms_and_leave_unmatchable_ones_out_of_the_self_score() -> None:
    weights = {"the": 0.6, "flood": 0.5, "unique": 0.4, "river": 0.3}
    total = 10 * COMMON_MIN_POSTINGS
    frequency = {"the": 6 * COMMON_MIN_POSTINGS, "flood": 3, "river": 40}
    chosen = strongest(weights, 3)
    assert chosen == ["the", "flood", "unique"]

    query = query_terms(weights, chosen, frequency, total)

    assert query.fetched == ("flood",)  # "the" is on 60% of the articles, "unique" on none
    assert set(query.factors) == set(chosen)
    assert query.factors["flood"] > query.factors["the"] * 3  # rare terms weigh far more
    expected = sum(weights[t] * query.factors[t] for t in ("the", "flood"))
    assert query.self_score == pytest.approx(expected)
    everything = query_terms(weights, chosen, frequency, total, common_share=1.0)
    assert everything.fetched == ("the", "flood")


def test_rank_caps_at_one_and_needs_enough_shared_terms() -> None:
    query = QueryTerms({"a": 2.0, "b": 1.0, "c": 1.0}, ("a", "b", "c"), self_score=2.0)
    postings = [(1, "a", 0.9), (1, "b", 0.9), (1, "c", 0.9), (2, "a", 0.1), (2, "b", 0.1)]
    postings += [(3, "a", 0.2), (3, "b", 0.1), (3, "c", 0.1)]
    assert rank(postings, query, 0.0) == [(1, 1.0, ("a", "b", "c")), (3, 0.3, ("a", "b", "c"))]
    assert rank(postings, query, 0.5) == [(1, 1.0, ("a", "b", "c"))]
