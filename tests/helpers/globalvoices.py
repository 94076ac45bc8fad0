"""The June 2009 Global Voices feed and pages from ../shared, served as the web would."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.storage.tables import articles, items
from tests.loopback import Loopback, Reply
from tests.shared_data import require_shared

GV_SOURCE = {
    "source_name": "Global Voices",
    "licence": "CC BY 3.0",
    "licence_url": "https://creativecommons.org/licenses/by/3.0/",
    "attribution": "Global Voices",
    "attribution_url": "https://globalvoices.org/",
}


def serve_capture(site: Loopback) -> int:
    """The feed with each item's link rewritten to the loopback page the index maps it to."""
    feed = require_shared("feeds/real/globalvoices/gv-feature-2009-06.rss")
    pages = require_shared("articles/globalvoices-2009")
    index = require_shared("articles/index.csv")
    with index.open(encoding="utf-8") as f:
        mapped = {int(r["feed_item"]): r["path"] for r in csv.DictReader(f)}
    for number, path in mapped.items():
        body = (pages.parent / path).read_bytes()
        site.route(f"/gv/{number}/", Reply(body=body, headers={"Content-Type": "text/html"}))
    text = feed.read_text(encoding="utf-8")
    text = re.sub(
        r"http://admin\.mediacloud\.org/files/test/crawler/gv/index\.html\.(\d+)",
        lambda m: site.url(f"/gv/{m.group(1)}/"),
        text,
    )
    site.route("/feed", Reply(body=text.encode(), headers={"Content-Type": "application/rss+xml"}))
    return len(mapped)


def stubs_jsonl(config: Config) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["--config", str(config.path), "stubs", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def article_texts(config: Config) -> dict[str, str]:
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(items.c.url, articles.c.text).join(
                    articles, articles.c.item_id == items.c.id
                )
            ).all()
    finally:
        engine.dispose()
    return {row.url: row.text for row in rows}
