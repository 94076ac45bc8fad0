"""What workers read and write in the store, on SQLite and PostgreSQL: due work with its hosts,
claims of named articles, and per-host turns booked one gap apart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from aggregator.config import FeedConfig
from aggregator.feeds.plan import keyed
from aggregator.net.hosts import host_of
from aggregator.records import ParsedItem
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.store import Store
from aggregator.storage.work import due_work, forget_turns, item_hosts, take_turn
from tests.helpers.storage import NOW, feed_id, update

LEASE = timedelta(minutes=5)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store.open(database_url)
    s.sync_feeds(
        [
            FeedConfig("one", "https://news.example.org/one"),
            FeedConfig("two", "http://127.0.0.1:8081/two"),
        ],
        NOW,
    )
    try:
        yield s
    finally:
        s.close()


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://News.Example.org/a", "news.example.org:"),
        ("http://127.0.0.1:8081/x", "127.0.0.1:8081"),
        ("http://[::1]:81/", "::1:81"),
        ("http://example.org:port/", None),
        ("mailto:someone", None),
        ("", None),
        (None, None),
    ],
)
def test_host_of(url: str | None, host: str | None) -> None:
    assert host_of(url) == host


def test_due_work_names_the_hosts_and_follows_the_store(store: Store) -> None:
    work = due_work(store, NOW, 100)
    assert {d.host for d in work.feeds} == {"news.example.org:", "127.0.0.1:8081"}
    assert (work.articles, work.stubs) == ((), ())

    one = feed_id(store, "one")
    items = [
        ParsedItem(guid=f"g{i}", link=f"https://pages.example/{i}", title=f"t{i}") for i in range(3)
    ]
    saved = store.save_refresh(one, update(), keyed(items))
    work = due_work(store, NOW, 100)
    assert [d.id for d in work.feeds] == [feed_id(store, "two")], "one is not due for an hour"
    assert sorted(d.id for d in work.articles) == sorted(saved.new_item_ids)
    assert {d.host for d in work.articles} == {"pages.example:"}
    assert len(due_work(store, NOW, 2).articles) == 2
    assert item_hosts(store, saved.new_item_ids[:1])[0].host == "pages.example:"
    assert item_hosts(store, ()) == ()


def test_a_named_article_is_claimed_once_unless_its_lease_is_taken_over(store: Store) -> None:
    one = feed_id(store, "one")
    items = [
        ParsedItem(guid=f"g{i}", link=f"https://pages.example/{i}", title=f"t{i}") for i in range(2)
    ]
    first, second = store.save_refresh(one, update(), keyed(items)).new_item_ids
    queue = ArticleQueue(store)
    (claimed,) = queue.claim_due(NOW, 10, LEASE, item_ids=[second])
    assert claimed.item_id == second
    assert queue.claim_due(NOW, 10, LEASE, item_ids=[second]) == [], "leased"
    # A task run again after its worker died takes over the lease.
    assert len(queue.claim_due(NOW, 10, LEASE, item_ids=[second], leased_too=True)) == 1
    assert [p.item_id for p in queue.claim_due(NOW, 10, LEASE)] == [first]


def test_turns_are_booked_one_gap_apart(store: Store) -> None:
    assert take_turn(store, "a:1", NOW, 2.0) == 0
    assert take_turn(store, "a:1", NOW, 2.0) == 2.0
    assert take_turn(store, "a:1", NOW + timedelta(seconds=1), 2.0) == 3.0
    assert take_turn(store, "b:1", NOW, 2.0) == 0, "hosts are apart"
    assert take_turn(store, "a:1", NOW + timedelta(seconds=60), 2.0) == 0, "long after"
    assert forget_turns(store, NOW + timedelta(seconds=30)) == 1  # b's turn is long past
    assert take_turn(store, "b:1", NOW + timedelta(seconds=30), 2.0) == 0
