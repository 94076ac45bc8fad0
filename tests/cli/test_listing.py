"""The listing commands as operators and scripts use them (issue 14): one set of formats,
`--limit` and `--since`, item ids to draft by, and names that match nothing refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner, Result

from aggregator.cli import cli
from aggregator.cli.listing import parse_since
from aggregator.config import Config
from tests.helpers.drafting import STORIES, serve
from tests.helpers.feeds import rss
from tests.loopback import Loopback, Reply

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def invoke(config: Config, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config.path), *args])


@pytest.fixture
def fetched(site: Loopback, make_config: Callable[..., Config]) -> Config:
    """Two feeds fetched once (three items, no articles), a third feed retired by a 410."""
    site.route("/a", Reply(body=rss([("urn:a:1", "One"), ("urn:a:2", "Two")])))
    site.route("/b", Reply(body=rss([("urn:b:1", "Three")])))
    site.route("/gone", Reply(410))
    feeds: list[dict[str, Any]] = [
        {"name": "alpha", "url": site.url("/a")},
        {"name": "beta", "url": site.url("/b")},
        {"name": "gone", "url": site.url("/gone")},
    ]
    config = make_config(feeds)
    result = invoke(config, "fetch", "--all", "--no-extract")
    assert result.exit_code == 0, result.output
    return config


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", NOW - timedelta(minutes=30)),
        ("12h", NOW - timedelta(hours=12)),
        ("7d", NOW - timedelta(days=7)),
        ("2w", NOW - timedelta(weeks=2)),
        ("1d12h", NOW - timedelta(hours=36)),
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-12-01T08:30", datetime(2026, 12, 1, 8, 30, tzinfo=UTC)),
        ("2026-12-01T08:30+02:00", datetime(2026, 12, 1, 6, 30, tzinfo=UTC)),
    ],
)
def test_since_takes_a_date_or_a_duration(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "12", "3x", "", "2026-13-01"])
def test_since_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match="neither a date"):
        parse_since(text, NOW)


def test_ids_nowhere_items_show_their_id_for_draft_item(fetched: Config) -> None:
    table = invoke(fetched, "items")
    assert table.exit_code == 0, table.output
    header, *rows = table.output.splitlines()
    assert header.split("\t")[:2] == ["id", "feed"]
    ids = [int(row.split("\t")[0]) for row in rows]
    assert len(ids) == 3
    for fmt in ("json", "jsonl"):
        output = invoke(fetched, "items", "--format", fmt).output
        records = (
            json.loads(output)
            if fmt == "json"
            else [json.loads(line) for line in output.splitlines()]
        )
        assert [r["id"] for r in records] == ids
    drafted = invoke(fetched, "draft", "--item", str(ids[0]))
    assert "there is no item" not in drafted.output


def test_inconsistent_output_every_listing_takes_the_three_formats(
    fetched: Config,
) -> None:
    for command in (["feeds"], ["items"], ["stubs"]):
        table = invoke(fetched, *command, "--format", "table")
        assert table.exit_code == 0, (command, table.output)
        array = invoke(fetched, *command, "--format", "json")
        assert array.exit_code == 0, (command, array.output)
        records = json.loads(array.output)
        assert isinstance(records, list), "json is one array"
        lines = invoke(fetched, *command, "--format", "jsonl").output.splitlines()
        assert [json.loads(line) for line in lines] == records
    feeds = json.loads(invoke(fetched, "feeds", "--format", "json").output)
    assert [f["name"] for f in feeds] == ["alpha", "beta", "gone"]
    gone = feeds[2]
    assert (gone["last_http_status"], gone["retired_at"] is not None) == (410, True)


def test_limit_keeps_the_newest_items_and_the_first_feeds(fetched: Config) -> None:
    every = json.loads(invoke(fetched, "items", "--format", "json").output)
    newest = json.loads(invoke(fetched, "items", "--format", "json", "--limit", "2").output)
    assert newest == every[-2:]
    feeds = json.loads(invoke(fetched, "feeds", "--format", "json", "--limit", "1").output)
    assert [f["name"] for f in feeds] == ["alpha"]
    assert invoke(fetched, "items", "--limit", "0").exit_code == 2


def test_since_filters_items_by_when_they_were_first_seen(fetched: Config) -> None:
    recent = json.loads(invoke(fetched, "items", "--format", "json", "--since", "1h").output)
    assert len(recent) == 3
    future = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert invoke(fetched, "items", "--since", future).output == "no items\n"
    wrong = invoke(fetched, "items", "--since", "yesterday")
    assert wrong.exit_code == 2
    assert "neither a date" in wrong.output


def test_silent_filters_items_feed_nosuch_is_an_error_naming_the_feeds(
    fetched: Config,
) -> None:
    result = invoke(fetched, "items", "--feed", "nosuch")
    assert result.exit_code == 2
    assert result.output == "Error: --feed: no feed 'nosuch'; valid: alpha, beta, gone\n"
    assert invoke(fetched, "items", "--feed", "beta").exit_code == 0


def test_silent_filters_stubs_state_bogus_and_feed_nosuch_are_errors(
    fetched: Config,
) -> None:
    bogus = invoke(fetched, "stubs", "--state", "bogus")
    assert bogus.exit_code == 2
    assert bogus.output == (
        "Error: --state: no state 'bogus'; valid: approved, draft, rejected, reviewed\n"
    )
    nosuch = invoke(fetched, "stubs", "--feed", "nosuch")
    assert (nosuch.exit_code, len(nosuch.output.splitlines())) == (2, 1)
    assert "valid: alpha, beta, gone" in nosuch.output
    assert invoke(fetched, "stubs", "--state", "draft").exit_code == 0


def test_silent_filters_fetch_feed_nosuch_is_one_line_naming_the_feeds(
    fetched: Config,
) -> None:
    result = invoke(fetched, "fetch", "--feed", "nosuch")
    assert result.exit_code == 2
    assert result.output == "Error: --feed: no feed 'nosuch'; valid: alpha, beta, gone\n"


def test_fetch_feed_of_a_retired_feed_says_how_to_enable_it(
    fetched: Config, site: Loopback
) -> None:
    result = invoke(fetched, "fetch", "--feed", "gone")
    assert result.exit_code == 1
    assert "feed 'gone' is retired (HTTP 410 Gone)" in result.output
    assert "`aggregator enable gone`" in result.output
    assert len(site.hits("/gone")) == 1, "not fetched again"
    nosuch = invoke(fetched, "enable", "nosuch")
    assert (nosuch.exit_code, nosuch.output) == (
        2,
        "Error: NAME: no feed 'nosuch'; valid: alpha, beta, gone\n",
    )
    assert invoke(fetched, "enable", "gone").exit_code == 0
    site.route("/gone", Reply(body=rss([("urn:g:1", "Back")])))
    again = invoke(fetched, "fetch", "--feed", "gone")
    assert again.exit_code == 0, again.output
    assert "1 new items" in again.output


def test_stubs_since_limit_and_formats(site: Loopback, make_config: Callable[..., Config]) -> None:
    serve(site)
    config = make_config([{"name": "city", "url": site.url("/feed")}], target_language="ja")
    assert "2 stubs drafted" in invoke(config, "fetch", "--all").output
    every = json.loads(invoke(config, "stubs", "--format", "json").output)
    assert {s["title"] for s in every} == {title for title, _ in STORIES.values()}
    last = json.loads(invoke(config, "stubs", "--format", "json", "--limit", "1").output)
    assert last == every[-1:]
    assert len(json.loads(invoke(config, "stubs", "--format", "json", "--since", "1h").output)) == 2
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert json.loads(invoke(config, "stubs", "--format", "json", "--since", tomorrow).output) == []
    table = invoke(config, "stubs", "--limit", "1").output
    assert "1 stubs" in table


def test_workers_take_the_three_formats_and_limit(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    from tests.helpers.service import feeds_on
    from tests.workers.enqueue import enqueue_due

    config = make_config(feeds_on(site, 2), database_url=postgresql_url)

    enqueue_due(config)
    view = json.loads(invoke(config, "workers", "--format", "json").output)
    assert [t["counts"]["todo"] for t in view["tasks"]] == [1], "the object it always was"
    lines = [
        json.loads(line)
        for line in invoke(config, "workers", "--format", "jsonl").output.splitlines()
    ]
    assert [(r["kind"], r["task"], r["counts"]["todo"]) for r in lines] == [
        ("task", "aggregator.refresh_feed", 1)
    ]
    table = invoke(config, "workers", "--limit", "1")
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[1].split("\t")[:2] == ["refresh_feed", "1"]


def test_fetch_queue_feed_of_a_retired_feed_says_how_to_enable_it(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    site.route("/gone", Reply(410))
    config = make_config([{"name": "gone", "url": site.url("/gone")}], database_url=postgresql_url)
    assert invoke(config, "fetch", "--all", "--no-extract").exit_code == 0
    queued = invoke(config, "fetch", "--queue", "--feed", "gone")
    assert queued.exit_code == 1
    assert "`aggregator enable gone`" in queued.output
