"""Hostile XML: external entities, entity expansion bombs, and the same hidden in UTF-16.

Every document must come back parsed without any entity expanded, or refused with ParseError,
within seconds, from a sandboxed worker whose memory budget is far below what expansion needs.
Being refused for exceeding the budget does not count as a pass: the hardening must stop the
expansion, the budget only backs it up.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aggregator.errors import ParseBudgetExceeded, ParseError
from aggregator.feeds.parse import parse_feed
from aggregator.feeds.sandbox import ParserPool
from aggregator.records import ParsedFeed
from tests.loopback import Loopback, Reply

MARKER = "LEAKED-7f3a9c"
FEED_URL = "https://attacker.example/feed.xml"
SECONDS = 5.0


@pytest.fixture(scope="module")
def pool() -> Iterator[ParserPool]:
    parser = ParserPool(workers=1, time_budget=3.0, memory_budget_bytes=96 * 1024 * 1024)
    try:
        yield parser
    finally:
        parser.close()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(MARKER)
    return path


def feed(doctype: str, ref: str, *, declaration: str = '<?xml version="1.0"?>') -> str:
    return (
        f"{declaration}\n{doctype}\n"
        f'<rss version="2.0"><channel><title>{ref}</title><link>https://a.example/</link>'
        f"<item><title>t {ref}</title><guid isPermaLink='false'>g{ref}</guid>"
        f"<description>d {ref}</description><author>{ref}</author></item></channel></rss>"
    )


def utf16(document: str) -> bytes:
    return document.replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>', 1
    ).encode("utf-16")


def billion_laughs() -> str:
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return "<!DOCTYPE rss [\n" + "\n".join(lines) + "\n]>"


def quadratic() -> tuple[str, str]:
    return f'<!DOCTYPE rss [\n<!ENTITY a "{"B" * 50_000}">\n]>', "&a;" * 10_000


def parse_sandboxed(pool: ParserPool, body: bytes) -> ParsedFeed | ParseError:
    async def run() -> ParsedFeed:
        return await pool.parse(body, url=FEED_URL, content_type="application/rss+xml")

    start = time.monotonic()
    try:
        result: ParsedFeed | ParseError = asyncio.run(run())
    except ParseBudgetExceeded as exc:
        pytest.fail(f"not stopped by the hardening, only by the budget: {exc}")
    except ParseError as exc:
        result = exc
    assert time.monotonic() - start < SECONDS
    return result


def texts(feed: ParsedFeed) -> list[str]:
    values = [feed.title, feed.link, feed.language, feed.problem]
    for item in feed.items:
        values += [item.guid, item.link, item.title, item.author, item.summary, item.content]
    return [value for value in values if value]


def assert_not_expanded(result: ParsedFeed | ParseError, body_size: int) -> None:
    if isinstance(result, ParseError):
        assert MARKER not in str(result)
        return
    for text in texts(result):
        assert MARKER not in text
        assert "lollol" not in text
        assert "BBBB" not in text
        assert len(text) < max(body_size, 1000)


def xxe_documents(secret: Path, site: Loopback) -> dict[str, str]:
    site.route("/evil.dtd", Reply(body=f'<!ENTITY xxe SYSTEM "file://{secret}">'.encode()))
    site.route("/entity", Reply(body=MARKER.encode()))
    dtd, entity = site.url("/evil.dtd"), site.url("/entity")
    return {
        "file entity": feed(
            f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file://{secret}">\n]>', "&xxe;"
        ),
        "http entity": feed(f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{entity}">\n]>', "&xxe;"),
        "one line": feed(f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>', "&xxe;"),
        "parameter entity": feed(
            f'<!DOCTYPE rss [\n<!ENTITY % dtd SYSTEM "{dtd}">\n%dtd;\n]>', "&xxe;"
        ),
        "external dtd": feed(f'<!DOCTYPE rss SYSTEM "{dtd}">', "&xxe;"),
        "public dtd": feed(f'<!DOCTYPE rss PUBLIC "-//X//DTD X//EN" "{dtd}">', "&xxe;"),
        "lowercase doctype": feed(
            f'<!doctype rss [<!ENTITY xxe SYSTEM "file://{secret}">]>', "&xxe;"
        ),
        "after a comment": feed(
            f'<!-- ] > -->\n<!DOCTYPE rss [<!-- ] --><!ENTITY xxe SYSTEM "file://{secret}">]>',
            "&xxe;",
        ),
        "entity outside doctype": feed(
            f'<!DOCTYPE rss>\n<!ENTITY xxe SYSTEM "file://{secret}">', "&xxe;"
        ),
    }


def bomb_documents() -> dict[str, str]:
    doctype, refs = quadratic()
    one_line = doctype.replace("\n", "")
    return {
        "billion laughs": feed(billion_laughs(), "&lol9;"),
        "quadratic blowup": feed(doctype, refs),
        "quadratic, one line": feed(one_line, refs),
        "quadratic, indented": feed(doctype.replace("<!ENTITY", "   <!ENTITY"), refs),
        "quadratic, two subsets": feed(one_line.replace("[", "[] [", 1), refs),
    }


DocumentsFactory = Callable[[Path, Loopback], dict[str, str]]


@pytest.mark.parametrize("encode", [str.encode, utf16], ids=["utf-8", "utf-16"])
def test_external_entities_are_never_resolved(
    pool: ParserPool, secret: Path, site: Loopback, encode: Callable[[str], bytes]
) -> None:
    for name, document in xxe_documents(secret, site).items():
        body = encode(document)
        assert_not_expanded(parse_sandboxed(pool, body), len(body))
        in_process: ParsedFeed | ParseError
        try:
            in_process = parse_feed(body, url=FEED_URL)
        except ParseError as exc:
            in_process = exc
        assert_not_expanded(in_process, len(body))
        assert site.requests == [], name


@pytest.mark.parametrize("encode", [str.encode, utf16], ids=["utf-8", "utf-16"])
def test_entity_bombs_are_not_expanded(pool: ParserPool, encode: Callable[[str], bytes]) -> None:
    for name, document in bomb_documents().items():
        body = encode(document)
        result = parse_sandboxed(pool, body)
        assert_not_expanded(result, len(body))
        assert isinstance(result, ParsedFeed), name


def test_local_file_name_as_body_is_not_opened(pool: ParserPool, secret: Path) -> None:
    result = parse_sandboxed(pool, str(secret).encode())
    assert isinstance(result, ParseError)
    assert MARKER not in str(result)
