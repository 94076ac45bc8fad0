"""Killing `aggregator fetch` at each named step of the write path loses and doubles nothing.

Each test runs the real command in a subprocess against a loopback site, with
`AGGREGATOR_CRASH_AT` naming the step where it sends itself SIGKILL (aggregator.faults), then
runs it again without the variable once the short leases of the crashed work have run out, and
compares what is stored and written with what the site served.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from aggregator.app import stubs_directory
from aggregator.config import Config
from aggregator.drafting.files import stub_path
from aggregator.faults import CRASH_ENV
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from tests.loopback import Loopback, Reply, Request

pytestmark = pytest.mark.slow

FEEDS = 3
ITEMS_PER_FEED = 4
LEASE_SECONDS = 1

ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>
<p>The council of {place} voted on Tuesday to rebuild the {thing} that floods every spring,
after residents of the lower town collected signatures for three years.</p>
<p>Work on the {thing} will start in May and cost about {cost} million euros, paid for by the
region and by a loan the council will repay over twenty years.</p>
<p>Opponents said the money should go to the schools of {place} instead; the mayor answered
that a flooded school teaches nobody, and the vote passed by a wide margin.</p></article>
<footer>Copyright Example News. All rights reserved.</footer></body></html>"""

PLACES = ("Arden", "Belmont", "Corran", "Dunmore", "Elston", "Farley")
THINGS = ("bridge", "harbour wall", "river bank", "station", "market hall", "dam")


@dataclass(frozen=True, slots=True)
class Served:
    """What the site offers: feed name -> guids, and the path of every article page."""

    guids: dict[str, set[str]]
    pages: tuple[str, ...]


def article_page(feed: int, item: int) -> bytes:
    n = feed * ITEMS_PER_FEED + item
    return ARTICLE.format(
        title=f"Story {feed}-{item}: {PLACES[n % 6]} votes on its {THINGS[n % 6]}",
        place=PLACES[n % 6],
        thing=THINGS[(n // 6 + n) % 6],
        cost=10 + n,
    ).encode()


def feed_body(site: Loopback, feed: int) -> bytes:
    entries = "".join(
        f"<item><guid>urn:feed{feed}:item{item}</guid>"
        f"<title>Story {feed}-{item}</title><link>{site.url(f'/a/{feed}/{item}')}</link>"
        f"<description>Story {feed}-{item} in brief.</description></item>"
        for item in range(ITEMS_PER_FEED)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>http://example.org/</link>{entries}</channel></rss>"
    ).encode()


def with_etag(body: bytes, etag: str) -> Callable[[Request], Reply]:
    """A feed that answers 304 to its own ETag, as a well-behaved server does."""

    def reply(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    return reply


def serve(site: Loopback, make_config: Callable[..., Config], feeds: int = FEEDS) -> Config:
    for feed in range(feeds):
        site.route(f"/feed/{feed}", with_etag(feed_body(site, feed), f'"v1-{feed}"'))
        for item in range(ITEMS_PER_FEED):
            site.route(
                f"/a/{feed}/{item}",
                Reply(body=article_page(feed, item), headers={"Content-Type": "text/html"}),
            )
    return make_config(
        [{"name": f"feed{feed}", "url": site.url(f"/feed/{feed}")} for feed in range(feeds)],
        extract_lease_seconds=LEASE_SECONDS,
        draft_lease_seconds=LEASE_SECONDS,
    )


def served(feeds: int = FEEDS) -> Served:
    return Served(
        guids={
            f"feed{feed}": {f"urn:feed{feed}:item{item}" for item in range(ITEMS_PER_FEED)}
            for feed in range(feeds)
        },
        pages=tuple(f"/a/{f}/{i}" for f in range(feeds) for i in range(ITEMS_PER_FEED)),
    )


def fetch_all(config: Config, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    env.pop("AGGREGATOR_CONFIG", None)
    env.pop(CRASH_ENV, None)
    if crash_at is not None:
        env[CRASH_ENV] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "aggregator", "--config", str(config.path), "fetch", "--all"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def database(config: Config) -> sqlite3.Connection:
    return sqlite3.connect(config.settings.database_url.removeprefix("sqlite:///"))


def stub_files(config: Config) -> set[Path]:
    directory = stubs_directory(config)
    assert directory is not None
    return {p for p in directory.rglob("*") if p.is_file()} if directory.exists() else set()


@dataclass(frozen=True, slots=True)
class Snapshot:
    items: int
    articles_done: int
    stubs_drafted: int
    files: int


def snapshot(config: Config) -> Snapshot:
    with database(config) as db:
        items = db.execute("SELECT count(*) FROM items").fetchone()[0]
        done = db.execute("SELECT count(*) FROM articles WHERE state = 'done'").fetchone()[0]
        drafted = db.execute("SELECT count(*) FROM stubs WHERE drafted_at IS NOT NULL").fetchone()
    return Snapshot(items, done, drafted[0], len(stub_files(config)))


PER_FEED = ITEMS_PER_FEED
# What the store holds when the process dies at each point: proof that it died there.
AT_CRASH = {
    "refresh.after_fetch": Snapshot(0, 0, 0, 0),
    "refresh.in_transaction": Snapshot(0, 0, 0, 0),
    "refresh.after_commit": Snapshot(PER_FEED, 0, 0, 0),
    "extract.after_fetch": Snapshot(FEEDS * PER_FEED, 0, 0, 0),
    "extract.in_transaction": Snapshot(FEEDS * PER_FEED, 0, 0, 0),
    # The file is written inside the transaction: here it exists, its stub is not drafted.
    "draft.in_transaction": Snapshot(FEEDS * PER_FEED, FEEDS * PER_FEED, 0, 1),
    "draft.after_commit": Snapshot(FEEDS * PER_FEED, FEEDS * PER_FEED, 1, 1),
}


def assert_complete(config: Config, expected: Served) -> None:
    """Every served item once, its article extracted once, its stub drafted once with its
    Markdown file, and a sound database."""
    with database(config) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute(
            "SELECT feeds.name, items.guid FROM items JOIN feeds ON feeds.id = items.feed_id"
        ).fetchall()
        assert Counter(rows) == Counter((f, g) for f, gs in expected.guids.items() for g in gs)
        articles = db.execute(
            "SELECT item_id, state, text FROM articles ORDER BY item_id"
        ).fetchall()
        item_ids = [r[0] for r in db.execute("SELECT id FROM items ORDER BY id")]
        assert [a[0] for a in articles] == item_ids
        assert all(state == "done" and text for _, state, text in articles), articles
        stub_rows = db.execute(
            "SELECT item_id, work, drafted_at, parts FROM stubs ORDER BY item_id"
        ).fetchall()
        assert [s[0] for s in stub_rows] == item_ids
        assert all(work == "drafted" and at and parts for _, work, at, parts in stub_rows)
    store = Store.open(config.settings.database_url)
    try:
        stubs = StubQueue(store).list()
    finally:
        store.close()
    directory = stubs_directory(config)
    assert directory is not None
    assert stub_files(config) == {stub_path(directory, stub) for stub in stubs}
    assert len(stubs) == len(item_ids)


def page_fetches(site: Loopback, pages: tuple[str, ...]) -> Counter[str]:
    return Counter({page: len(site.hits(page)) for page in pages})


@pytest.mark.parametrize("point", list(AT_CRASH))
def test_a_kill_at_any_point_loses_and_doubles_nothing(
    point: str, site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = serve(site, make_config)
    expected = served()

    crashed = fetch_all(config, crash_at=point)
    assert crashed.returncode == -9, crashed.stderr
    at_crash = snapshot(config)
    if point == "refresh.after_commit":
        # Other feeds' saves, queued on the database thread, may commit before the kill lands.
        assert at_crash.items in {PER_FEED * n for n in range(1, FEEDS + 1)}
        at_crash = dataclasses.replace(at_crash, items=PER_FEED)
    assert at_crash == AT_CRASH[point]

    time.sleep(LEASE_SECONDS + 0.2)  # the crashed process's leases run out
    restarted = fetch_all(config)
    assert restarted.returncode == 0, restarted.stderr
    assert_complete(config, expected)
    fetches = page_fetches(site, expected.pages)
    if point.startswith("extract."):
        # The page being extracted when the process died is fetched again, no page twice more.
        assert set(fetches.values()) <= {1, 2}, fetches
        assert 2 in fetches.values(), fetches
    else:
        assert set(fetches.values()) == {1}, fetches

    again = fetch_all(config)
    assert again.returncode == 0, again.stderr
    assert_complete(config, expected)
    assert page_fetches(site, expected.pages) == fetches


def test_validators_are_never_stored_without_their_items(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    """Dying inside the feed's transaction must not keep its ETag: a restart that sent it
    would get 304 and never see the items again."""
    config = serve(site, make_config, feeds=1)
    crashed = fetch_all(config, crash_at="refresh.in_transaction")
    assert crashed.returncode == -9, crashed.stderr
    with database(config) as db:
        assert db.execute("SELECT etag FROM feeds").fetchall() == [(None,)]
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 0

    assert fetch_all(config).returncode == 0
    first, restart = site.hits("/feed/0")
    assert "if-none-match" not in first.headers
    assert "if-none-match" not in restart.headers  # so the restart got the 200 and the items
    assert_complete(config, served(feeds=1))

    assert fetch_all(config).returncode == 0
    assert site.hits("/feed/0")[-1].headers.get("if-none-match") == '"v1-0"'
    assert_complete(config, served(feeds=1))
