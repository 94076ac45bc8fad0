from __future__ import annotations

from datetime import UTC, datetime

from aggregator.feeds.identity import normalise_link
from aggregator.feeds.plan import keyed
from aggregator.records import ParsedItem


def item(
    guid: str | None = None, link: str | None = None, title: str = "t", body: str = "b"
) -> ParsedItem:
    return ParsedItem(guid=guid, link=link, title=title, content=body)


def test_identity_prefers_guid_then_link_then_content() -> None:
    records = keyed(
        [
            item(guid="g1", link="http://a/1"),
            item(link="http://A/1#x"),
            item(title="only", body="x"),
        ]
    )
    assert records[0].identity == "guid:g1"
    assert records[1].identity == "link:http://a/1"
    assert records[2].identity.startswith("hash:")


def test_dates_alone_do_not_change_the_hash() -> None:
    a = ParsedItem(guid="g", link=None, title="t", content="c")
    b = ParsedItem(guid="g", link=None, title="t", content="c", updated=datetime.now(UTC))
    assert keyed([a])[0].content_hash == keyed([b])[0].content_hash


def test_link_normalisation_drops_tracking_and_fragment() -> None:
    assert (
        normalise_link("HTTPS://Example.org:443/a?utm_source=x&id=3&fbclid=y#top")
        == "https://example.org/a?id=3"
    )
    assert normalise_link("http://example.org:8080") == "http://example.org:8080/"
