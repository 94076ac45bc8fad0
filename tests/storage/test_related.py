"""Related-article search: cosines of whole vectors, links as evidence, same-story copies."""

from __future__ import annotations

from aggregator.drafting.drafter import RELATED_MIN_SCORE
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.related import RelatedIndex
from aggregator.storage.store import Store
from aggregator.text.links import LINK_PREFIX
from aggregator.text.similarity import LINK_MAX_ARTICLES, LINKED_SCORE, SAME_STORY
from tests.helpers.storage import NOW, article, stored_item

FLOOD = {"flood": 0.5, "river": 0.5, "dam": 0.4, "rain": 0.4, "said": 0.2, "year": 0.2}


def indexed(store: Store, guid: str, weights: dict[str, float], text: bool = True) -> int:
    item_id = stored_item(store, guid)
    if text:
        ArticleQueue(store).save(item_id, article(f"Text of {guid}."), None, NOW)
    RelatedIndex(store).save_terms(item_id, weights)
    return item_id


def test_scores_are_cosines_in_0_1_best_first_and_the_same_from_either_side(store: Store) -> None:
    query = indexed(store, "q", FLOOD)
    most = indexed(store, "most", {"flood": 0.5, "river": 0.5, "dam": 0.4, "farm": 0.6})
    some = indexed(store, "some", {"flood": 0.3, "river": 0.2, "said": 0.5, "vote": 0.8})
    indexed(store, "textless", FLOOD | {"x": 0.1}, text=False)
    indexed(store, "one", {"flood": 0.7, "elsewhere": 0.7})  # a single shared word
    index = RelatedIndex(store)

    found = index.related(query, FLOOD, limit=10, min_score=0.0)

    assert [r.item_id for r in found] == [most, some]
    assert 1.0 > found[0].score > found[1].score > 0.0
    assert all(not r.same_story for r in found)
    assert all(r.text == f"Text of {r.url.rsplit('/', 1)[1]}." for r in found)
    assert found[0].shared == ("river", "dam", "flood")  # for the query: weight x rarity
    back = index.related(most, index.terms_of(most), limit=10, min_score=0.0)
    assert next(r.score for r in back if r.item_id == query) == found[0].score


def test_a_few_shared_generic_words_score_low_even_on_a_small_archive(store: Store) -> None:
    """The Brazil story matched "Gay and lesbian voices in African blogosphere" at 1.0: the
    words only the query carries did not count. They do now."""
    brazil = {f"brazil{n}": 0.3 for n in range(10)} | {"blog": 0.2, "voic": 0.2, "post": 0.2}
    africa = {f"africa{n}": 0.3 for n in range(10)} | {"blog": 0.2, "voic": 0.2, "post": 0.2}
    query = indexed(store, "brazil", brazil)
    indexed(store, "africa", africa)

    (found,) = RelatedIndex(store).related(query, brazil, limit=5, min_score=0.0)

    assert found.score < RELATED_MIN_SCORE / 2


def test_the_whole_query_counts(store: Store) -> None:
    query = indexed(store, "q", FLOOD)
    other = indexed(store, "other", {"flood": 0.5, "river": 0.5, "dam": 0.4, "farm": 0.6})
    index = RelatedIndex(store)
    (plain,) = index.related(query, FLOOD, limit=5, min_score=0.0)
    longer = FLOOD | {f"name{n}": 0.5 for n in range(5)}  # names no other article carries
    index.save_terms(query, longer)

    (diluted,) = index.related(query, longer, limit=5, min_score=0.0)

    assert plain.item_id == diluted.item_id == other
    assert diluted.score < plain.score


def test_copies_of_the_same_story_are_flagged_and_returned_beside_the_related(
    store: Store,
) -> None:
    query = indexed(store, "q", FLOOD)
    copy = indexed(store, "copy", FLOOD)  # syndicated: the very same terms
    near = indexed(store, "near", FLOOD | {"farm": 0.1})
    related = indexed(store, "related", {"flood": 0.5, "river": 0.5, "dam": 0.4, "farm": 0.6})

    found = RelatedIndex(store).related(query, FLOOD, limit=1, min_score=0.0)

    assert [(r.item_id, r.same_story) for r in found] == [
        (copy, True),
        (near, True),
        (related, False),
    ]
    assert found[0].score == 1.0
    assert found[1].score >= SAME_STORY


def test_the_same_address_through_another_feed_is_the_same_story(store: Store) -> None:
    query = indexed(store, "q", FLOOD)
    other = indexed(store, "other", {"flood": 0.5, "river": 0.5, "dam": 0.4, "farm": 0.6})

    found = RelatedIndex(store).related(
        query, FLOOD, limit=5, min_score=0.0, url="https://www.e.org/other/"
    )

    assert [(r.item_id, r.same_story) for r in found] == [(other, True)]


def test_a_shared_rare_link_is_evidence_a_common_one_is_not(store: Store) -> None:
    original = LINK_PREFIX + "news.example/2009/06/original-report"
    licence = LINK_PREFIX + "example.org/licence-page"
    query = indexed(store, "translation", {"日本": 0.7, "報道": 0.7, original: 1.0})
    source = indexed(store, "original", {"report": 0.7, "protest": 0.7, original: 1.0})
    for n in range(LINK_MAX_ARTICLES + 1):
        indexed(store, f"site{n}", {f"topic{n}": 0.7, "report": 0.1, licence: 1.0})
    index = RelatedIndex(store)

    (found,) = index.related(
        query, {"日本": 0.7, "報道": 0.7, original: 1.0}, limit=5, min_score=RELATED_MIN_SCORE
    )

    assert found.item_id == source
    assert found.score == LINKED_SCORE > RELATED_MIN_SCORE
    assert found.links == ("news.example/2009/06/original-report",)
    site = {"report": 0.7, "protest": 0.1, licence: 1.0, "elsewhere": 0.7}
    lonely = indexed(store, "lonely", site)
    assert all(r.score < LINKED_SCORE for r in index.related(lonely, site, limit=20, min_score=0.0))


def test_the_item_itself_and_a_zero_limit_give_nothing(store: Store) -> None:
    query = indexed(store, "q", FLOOD)
    index = RelatedIndex(store)
    assert index.related(query, FLOOD, limit=5, min_score=0.0) == []
    indexed(store, "same", FLOOD)
    assert index.related(query, FLOOD, limit=0, min_score=0.0) == []
    assert index.related(query, {}, limit=5, min_score=0.0) == []
