"""Article extraction end to end: a loopback site, its feed, its pages and its robots.txt."""

from __future__ import annotations

import asyncio
import html as html_lib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from aggregator.app import App
from aggregator.articles.worker import ExtractionReport, retry_delay
from aggregator.config import Config
from aggregator.records import Extracted, ExtractionMethod, ExtractionOutcome, GivenBack, Retry
from aggregator.storage.tables import articles, items
from tests.helpers.feeds import Clock
from tests.loopback import Loopback, Reply
from tests.shared_data import require_shared

ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1><p>{body}</p><p>{body} Again, with more words to read.</p>
<p>A third paragraph closes the story, as stories do.</p></article>
<footer>Copyright Example News. All rights reserved.</footer></body></html>"""


def feed_of(site: Loopback, entries: list[tuple[str, str, str]]) -> bytes:
    parts = [
        f"<item><guid>urn:{path}</guid><title>{html_lib.escape(title)}</title>"
        f"<link>{site.url(path)}</link><description>{html_lib.escape(summary)}</description></item>"
        for path, title, summary in entries
    ]
    return (
        '<rss version="2.0"><channel><title>Site</title><link>http://example.org/</link>'
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def run(config: Config, clock: Clock, rounds: int = 1) -> list[ExtractionReport]:
    async def go() -> list[ExtractionReport]:
        async with App(config, clock=clock) as app:
            await app.fetch(due_only=False)
            reports = []
            for _ in range(rounds):
                reports.append(await app.extract())
                clock.advance(hours=1)
            return reports

    return asyncio.run(go())


def stored(config: Config) -> dict[str, dict[str, Any]]:
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(items.c.url, articles).join(articles, articles.c.item_id == items.c.id)
            ).all()
    finally:
        engine.dispose()
    return {row.url.rsplit("/", 1)[1]: row._asdict() for row in rows}


def test_every_item_ends_with_an_article_or_a_reason(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    body = "The river rose by two metres overnight, and the town council met at dawn."
    site.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private\n"))
    site.route("/good", Reply(body=ARTICLE.format(title="Flood", body=body).encode()))
    site.route("/private", Reply(body=ARTICLE.format(title="Secret", body=body).encode()))
    site.route("/missing", Reply(404))
    flaky = [Reply(503), Reply(body=ARTICLE.format(title="Late", body=body).encode())]
    site.route("/flaky", lambda _r: flaky.pop(0))
    entries = [
        ("/good", "Flood", "Summary of the flood."),
        ("/private", "Secret", "Summary of the secret."),
        ("/missing", "Gone", "Summary of the missing page."),
        ("/flaky", "Late", "Summary of the late page."),
    ]
    site.route("/feed", Reply(body=feed_of(site, entries)))
    config = make_config([{"name": "site", "url": site.url("/feed")}])
    first, second = run(config, Clock(), rounds=2)
    assert first.retrying == 1
    assert second.stored == 1
    rows = stored(config)
    assert rows["good"]["method"] == "generic"
    assert "two metres overnight" in rows["good"]["text"]
    assert "All rights reserved" not in rows["good"]["text"]
    assert rows["private"]["method"] == "feed"
    assert "robots.txt" in rows["private"]["reason"]
    assert rows["private"]["text"] == "Summary of the secret."
    assert rows["missing"]["method"] == "feed"
    assert rows["missing"]["reason"] == "HTTP 404"
    assert rows["flaky"]["method"] == "generic"
    assert rows["flaky"]["attempts"] == 1
    assert all(row["state"] == "done" for row in rows.values())
    assert len(site.hits("/robots.txt")) == 1
    assert site.hits("/private") == []


def test_a_site_rule_from_the_config_wins(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    page = (
        "<html><body><div class='story'><p>Rule-picked paragraph with enough words in it to "
        "count as an article body for this test, which wants a real sentence or two.</p>"
        "<p class='share'>Share this on every network</p></div>"
        "<div class='other'><p>Something else entirely that a generic extractor might like "
        "just as much, since it is also written in full sentences.</p></div></body></html>"
    )
    site.route("/a", Reply(body=page.encode()))
    site.route("/feed", Reply(body=feed_of(site, [("/a", "A", "Summary.")])))
    rule = {"body": "div.story", "drop": [".share"]}
    config = make_config([{"name": "site", "url": site.url("/feed"), "rule": rule}])
    run(config, Clock())
    row = stored(config)["a"]
    assert row["method"] == "rule"
    assert "Rule-picked paragraph" in row["text"]
    assert "Share this" not in row["text"]
    assert "Something else" not in row["text"]


def test_retries_back_off_and_then_keep_the_feed_content(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/down", Reply(503))
    site.route("/feed", Reply(body=feed_of(site, [("/down", "Down", "Feed text.")])))
    config = make_config([{"name": "site", "url": site.url("/feed")}], extract_attempts=3)
    reports = run(config, Clock(), rounds=4)
    assert [r.retrying for r in reports] == [1, 1, 0, 0]
    assert [r.stored for r in reports] == [0, 0, 1, 0]
    row = stored(config)["down"]
    assert (row["method"], row["text"]) == ("feed", "Feed text.")
    assert "gave up after 3 attempts" in row["reason"]
    assert retry_delay(1) == timedelta(minutes=1)
    assert retry_delay(30) == timedelta(hours=6)


@pytest.mark.shared
def test_real_pages_served_by_a_loopback_site_are_extracted(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    pages = require_shared("articles/globalvoices-2009")
    files = sorted(pages.glob("index_*.html"))
    for path in files:
        site.route(
            f"/{path.stem}", Reply(body=path.read_bytes(), headers={"Content-Type": "text/html"})
        )
    entries = [(f"/{p.stem}", p.stem, "Feed summary.") for p in files]
    site.route("/feed", Reply(body=feed_of(site, entries)))
    config = make_config([{"name": "gv", "url": site.url("/feed")}])
    (report,) = run(config, Clock())
    rows = stored(config)
    assert report.stored == len(files) == len(rows)
    for name, row in rows.items():
        assert row["method"] == "generic", name
        assert len(row["text"]) > 500, name
    # English reports; one quotes French at greater length than its own narrative.
    languages = [row["language"] for row in rows.values()]
    assert languages.count("en") >= len(files) - 1, languages


def test_each_article_is_heard_as_extracted_or_to_retry(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    body = "The harbour reopened on Monday after three weeks of repairs to the sea wall."
    site.route("/good", Reply(body=ARTICLE.format(title="Harbour", body=body).encode()))
    site.route("/missing", Reply(404))
    site.route("/busy", Reply(503))
    entries = [
        ("/good", "Harbour", "Summary of the harbour."),
        ("/missing", "Gone", "Summary of the missing page."),
        ("/busy", "Busy", "Summary of the busy page."),
    ]
    site.route("/feed", Reply(body=feed_of(site, entries)))
    config = make_config([{"name": "site", "url": site.url("/feed")}])
    heard: list[ExtractionOutcome] = []

    async def go() -> ExtractionReport:
        async with App(config, clock=Clock()) as app:
            await app.fetch(due_only=False)
            return await app.extract(heard.append)

    report = asyncio.run(go())
    assert sorted(heard, key=repr) == [
        Extracted(ExtractionMethod.FEED),
        Extracted(ExtractionMethod.GENERIC),
        Retry("HTTP 503"),
    ]
    assert report.methods == {ExtractionMethod.GENERIC: 1, ExtractionMethod.FEED: 1}
    assert report.retrying == 1
    rows = stored(config)
    assert (rows["good"]["method"], rows["missing"]["method"]) == ("generic", "feed")
    assert (rows["busy"]["state"], rows["busy"]["last_error"]) == ("pending", "HTTP 503")


def test_a_report_counts_methods_and_retries_and_not_what_was_given_back() -> None:
    report = ExtractionReport()
    outcomes: list[ExtractionOutcome] = [
        Extracted(ExtractionMethod.RULE),
        Extracted(ExtractionMethod.RULE),
        Retry("HTTP 503"),
        GivenBack(),
    ]
    for outcome in outcomes:
        report.add(outcome)
    assert (dict(report.methods), report.retrying, report.stored) == (
        {ExtractionMethod.RULE: 2},
        1,
        2,
    )


def test_the_methods_are_the_stored_strings() -> None:
    assert [m.value for m in ExtractionMethod] == ["rule", "generic", "feed"]
