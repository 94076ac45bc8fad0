"""`write_digest` on a real store, and the entity tags: they follow the selection, the view
and the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import feedparser

from aggregator.config import Config
from aggregator.digest.build import DigestMaker, matching_categories, write_digest
from aggregator.digest.views import DigestView
from aggregator.storage.digest import DigestState
from tests.digest.checks import check_atom, entries
from tests.digest.helpers import maker
from tests.digest.seed import NOW, open_store, seed_stub

FEEDS = [{"name": "one", "url": "https://e.org/one"}]


def test_write_digest_writes_the_first_page_atomically(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(FEEDS, "[digest]\nlimit = 2\n")
    store = open_store(config.settings.database_url)
    try:
        for i in range(3):
            seed_stub(store, f"s{i}", updated_at=NOW - timedelta(hours=i))
        seed_stub(store, "gone", state="rejected")
        path = tmp_path / "out" / "digest.atom"
        assert write_digest(store, config, NOW, path) == 2
        first = path.read_bytes()
        assert len(entries(check_atom(first))) == 2
        parsed = feedparser.parse(first)
        assert not parsed.bozo
        assert [e.title for e in parsed.entries] == ["Story s0", "Story s1"]
        assert write_digest(store, config, NOW + timedelta(days=30), path) == 0
    finally:
        store.close()
    assert [p.name for p in path.parent.iterdir()] == ["digest.atom"]  # no temporary left


def test_etags_follow_the_selection_and_the_view() -> None:
    m = maker()
    view = DigestView("atom")
    state = DigestState(3, NOW)
    tag = m.etag(view, state)
    assert tag == maker().etag(view, state)
    others = {
        m.etag(view, DigestState(4, NOW)),
        m.etag(view, DigestState(3, NOW + timedelta(microseconds=1))),
        m.etag(DigestView("json"), state),
        m.etag(DigestView("atom", page=2), state),
        m.etag(DigestView("atom", "world", ("World",)), state),
        maker(title="Other").etag(view, state),
        maker(limit=5).etag(view, state),
    }
    assert tag not in others
    assert len(others) == 7


def test_categories_by_slug() -> None:
    names = ["World", "Digital and AI", "Digital & AI", "経済"]
    assert matching_categories("world", names) == ("World",)
    assert matching_categories("digital-ai", names) == ("Digital & AI",)
    assert matching_categories("nothing", names) == ()


def test_the_maker_knows_the_configured_categories(make_config: Callable[..., Config]) -> None:
    extra = (
        '[drafting]\ndefault_category = "General"\n'
        '[[categories]]\nname = "Sport"\nkeywords = ["match"]\n'
    )
    assert DigestMaker.of(make_config(FEEDS, extra)).categories == ("Sport", "General")
