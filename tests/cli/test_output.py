"""What the listings show (aggregator/cli/output.py): a feed's cells say what an operator must
know or do, and a table is tab-separated when piped, drawn by rich on a terminal."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from aggregator.cli.output import feed_cells, items_table
from aggregator.storage.store import FeedRow

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FEED = FeedRow(
    name="harbour",
    url="https://news.example/feed",
    enabled=True,
    in_config=True,
    title="Harbour News",
    last_status="ok",
    last_http_status=200,
    last_error=None,
    last_problem=None,
    last_checked_at=NOW - timedelta(minutes=5),
    last_success_at=NOW - timedelta(minutes=5),
    error_count=0,
    retired_at=None,
    next_check_at=NOW + timedelta(hours=2),
    next_check_reason="interval 120 min",
    items=12,
    config_url="https://news.example/feed",
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_healthy_feed() -> None:
    assert feed_cells(FEED, NOW) == {
        "name": "harbour",
        "url": "https://news.example/feed",
        "status": "ok (200)",
        "last success": "5m ago",
        "items": "12",
        "errors": "0",
        "next check": "in 2h: interval 120 min",
    }


def test_a_moved_feed_says_which_command_writes_the_new_url() -> None:
    moved = dataclasses.replace(FEED, url="https://news.example/rss")
    cells = feed_cells(moved, NOW)
    assert cells["url"] == "https://news.example/feed"
    assert cells["status"].endswith(
        "; moved to https://news.example/rss; run `aggregator feeds update-urls`"
    )


def test_retired_disabled_and_gone_feeds_are_not_given_a_next_check() -> None:
    retired = dataclasses.replace(FEED, retired_at=NOW, last_status="gone", last_http_status=410)
    assert feed_cells(retired, NOW)["next check"] == "retired (enable by hand)"
    assert feed_cells(dataclasses.replace(FEED, enabled=False), NOW)["next check"] == "disabled"
    gone = dataclasses.replace(FEED, in_config=False)
    assert feed_cells(gone, NOW)["next check"] == "not in config"


def test_an_error_or_a_malformed_feed_shows_in_the_status() -> None:
    failing = dataclasses.replace(FEED, last_status="error", last_http_status=500, last_error="x")
    assert feed_cells(failing, NOW)["status"] == "error (500): x"
    malformed = dataclasses.replace(FEED, last_problem="undefined entity")
    assert feed_cells(malformed, NOW)["status"] == "ok (200) [malformed: undefined entity]"
    never = dataclasses.replace(FEED, last_status=None, last_http_status=None, next_check_at=None)
    assert feed_cells(never, NOW)["status"] == "never fetched"
    assert feed_cells(never, NOW)["next check"] == "now: interval 120 min"


def item(**fields: Any) -> dict[str, Any]:
    return {
        "id": 7,
        "feed": "harbour",
        "published": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        "title": "Sea wall\trepaired\nat last",
        "url": "https://news.example/a",
        "extraction_method": "generic",
        "quality": 0.8123,
        "language": "en",
        **fields,
    }


def test_items_are_tab_separated_when_piped_with_tabs_and_newlines_flattened() -> None:
    out = io.StringIO()
    items_table([item(), item(id=8, extraction_method=None, extraction_state="pending")], out)
    header, first, second = out.getvalue().splitlines()
    assert header.split("\t") == ["id", "feed", "published", "title", "article", "url"]
    assert first.split("\t") == [
        "7",
        "harbour",
        "2026-03-01T09:30+00:00",
        "Sea wall repaired at last",
        "generic q=0.81 en",
        "https://news.example/a",
    ]
    assert second.split("\t")[4] == "pending"


def test_an_empty_listing_says_so() -> None:
    out = io.StringIO()
    items_table([], out)
    assert out.getvalue() == "no items\n"


def test_a_terminal_gets_a_drawn_table() -> None:
    out = Terminal()
    items_table([item()], out)
    text = out.getvalue()
    assert "\t" not in text
    assert "harbour" in text
    assert "─" in text or "━" in text
