"""Hostile servers and hostile addresses, over real loopback connections.

The loopback site listens on 127.0.0.1 and the client may reach exactly 127.0.0.1/32: every
other spelling of "this machine" below (0.0.0.0, ::, IPv4-mapped, legacy decimal and octal
forms) would reach the site if it were let through, so a request recorded by the site is a
refusal that failed. Bombs and lying servers must end in a clear error within a small memory
budget and the total deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.errors import (
    BlockedAddress,
    BlockedScheme,
    DeadlineExceeded,
    FetchError,
    TooLarge,
)
from aggregator.net.addresses import is_allowed, literal_address, parse_allowlist
from aggregator.storage.tables import articles, feeds, items
from tests.helpers.net import get, run
from tests.loopback import Loopback, Reply, gzipped

MEMORY_BUDGET = 20_000_000
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture(autouse=True)
def numeric_hosts_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Address literals are read without any lookup (AI_NUMERICHOST), as the resolver does;
    names still go through the loopback-only guard of tests/conftest.py."""
    guarded = socket.getaddrinfo

    def numeric_or_guarded(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if literal_address(name) is not None:
            return REAL_GETADDRINFO(name.strip("[]"), port, 0, socket.SOCK_STREAM)
        return guarded(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_or_guarded)


ENCODED_LOOPBACK = [
    "0",
    "0.0.0.0",
    "[::]",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "127.0.0.2",
    "2130706434",
    "0x7f.2",
    "127.2",
    "[64:ff9b::7f00:1]",
    "[2002:7f00:1::]",
    "[::127.0.0.1]",
]


@pytest.mark.parametrize(
    "address",
    [
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64
        "64:ff9b:1:a00:1::",
    ],
)
def test_teredo_and_local_nat64_forms_are_refused_even_with_loopback_allowed(
    address: str,
) -> None:
    parsed = ipaddress.ip_address(address)
    assert not is_allowed(parsed, False)
    assert not is_allowed(parsed, parse_allowlist(["127.0.0.1/32"]))


@pytest.mark.parametrize("host", ENCODED_LOOPBACK)
def test_every_other_spelling_of_this_machine_is_refused(site: Loopback, host: str) -> None:
    site.route("/f", Reply(body=b"secret"))
    with pytest.raises(BlockedAddress):
        run(get(f"http://{host}:{site.port}/f"))
    assert site.requests == []


def test_an_octal_address_is_refused_before_any_connection(site: Loopback) -> None:
    site.route("/f", Reply(body=b"secret"))
    with pytest.raises(FetchError, match=r"0177\.0\.0\.2"):
        run(get(f"http://0177.0.0.2:{site.port}/f"))
    assert site.requests == []


@pytest.mark.parametrize("host", ["[::ffff:127.0.0.1]", "0.0.0.0", "2130706434", "0177.0.0.1"])
def test_a_redirect_to_an_encoded_loopback_address_is_refused_on_that_hop(
    site: Loopback, host: str
) -> None:
    site.route("/a", Reply(302, {"Location": f"http://{host}:{site.port}/b"}))
    site.route("/b", Reply(body=b"secret"))
    with pytest.raises((FetchError, httpx.HTTPError)):
        run(get(site.url("/a")))
    assert [r.path for r in site.requests] == ["/a"]


@pytest.mark.parametrize(
    "location",
    [
        "ftp://127.0.0.1/feed",
        "gopher://127.0.0.1:70/",
        "data:text/xml,<rss/>",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "dict://127.0.0.1:11211/",
    ],
)
def test_a_redirect_to_any_scheme_but_http_is_refused(site: Loopback, location: str) -> None:
    """Refused as another scheme, or (data:, javascript:) as an unusable URL: a fetch error,
    never an internal one."""
    site.route("/a", Reply(302, {"Location": location}))
    with pytest.raises((BlockedScheme, FetchError)):
        run(get(site.url("/a")))
    assert [r.path for r in site.requests] == ["/a"]


def test_item_links_to_refused_addresses_are_never_fetched(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    hosts = ["0.0.0.0", "[::ffff:127.0.0.1]", "2130706434"]
    site.route("/page", Reply(body=b"<html><body><p>inside</p></body></html>"))
    entries = "".join(
        f"<item><guid>g{i}</guid><title>T{i}</title><description>Feed text {i}</description>"
        f"<link>http://{host}:{site.port}/page</link></item>"
        for i, host in enumerate(hosts)
    )
    body = f"<rss version='2.0'><channel><title>t</title>{entries}</channel></rss>".encode()
    site.route("/feed", Reply(body=body))
    config = make_config([{"name": "f", "url": site.url("/feed")}])
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    assert site.requests == [site.hits("/feed")[0]]
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            reasons = conn.execute(
                sa.select(articles.c.state, articles.c.reason, articles.c.text)
            ).all()
    finally:
        engine.dispose()
    assert len(reasons) == len(hosts)
    assert all("inside" not in (row.text or "") for row in reasons)
    # Kept with the feed's text at once, with the refusal as the reason: not retried.
    assert all(
        row.state == "done" and "private, loopback or reserved" in (row.reason or "")
        for row in reasons
    ), reasons


def test_a_refused_feed_is_recorded_and_the_others_are_served(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route(
        "/good",
        Reply(
            body=b"<rss version='2.0'><channel><title>ok</title>"
            b"<item><guid>a</guid><title>A</title></item></channel></rss>"
        ),
    )
    site.route("/bad", Reply(301, {"Location": f"http://[::ffff:127.0.0.1]:{site.port}/good"}))
    site.route("/octal", Reply(301, {"Location": f"http://0177.0.0.1:{site.port}/good"}))
    site.route("/js", Reply(302, {"Location": "javascript:alert(1)"}))
    names = ("good", "bad", "octal", "js")
    config = make_config([{"name": name, "url": site.url(f"/{name}")} for name in names])
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            errors = dict(conn.execute(sa.select(feeds.c.name, feeds.c.last_error)).all())
            stored = conn.execute(sa.select(sa.func.count()).select_from(items)).scalar()
    finally:
        engine.dispose()
    assert errors["good"] is None
    assert "::ffff:127.0.0.1" in (errors["bad"] or "")
    assert "0177.0.0.1" in (errors["octal"] or "")
    assert "unusable URL" in (errors["js"] or "")
    assert not any("internal error" in (error or "") for error in errors.values())
    assert stored == 1
    assert len(site.hits("/good")) == 1


def peak_memory(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def deflate(data: bytes) -> bytes:
    return zlib.compress(data, 9)


@pytest.mark.parametrize(
    ("encoding", "wrap"),
    [
        ("deflate", deflate),
        ("gzip, gzip", lambda data: gzipped(gzipped(data))),
        ("deflate, gzip", lambda data: gzipped(deflate(data))),
    ],
    ids=["deflate", "gzip-gzip", "deflate-gzip"],
)
def test_deflate_and_stacked_bombs_stop_at_the_cap_in_little_memory(
    site: Loopback, encoding: str, wrap: Callable[[bytes], bytes]
) -> None:
    site.route(
        "/bomb", Reply(body=wrap(b"\0" * 100_000_000), headers={"Content-Encoding": encoding})
    )

    def fetch() -> None:
        with pytest.raises(TooLarge):
            run(get(site.url("/bomb"), max_body_bytes=1_000_000))

    assert peak_memory(fetch) < MEMORY_BUDGET


def test_a_huge_content_length_is_read_only_to_the_cap(site: Loopback) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\nConnection: close\r\n\r\n"
    site.route("/huge", Reply(raw=head + b"x" * 3_000_000))
    with pytest.raises(TooLarge):
        run(get(site.url("/huge"), max_body_bytes=1_000_000))


def test_a_huge_content_length_that_never_comes_ends_at_the_deadline(site: Loopback) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n"
    site.route("/huge", Reply(raw=head + b"x" * 1000))
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        run(get(site.url("/huge"), deadline=1.0))
    assert time.monotonic() - started < 3


def test_a_content_length_smaller_than_the_body_is_all_that_is_read(site: Loopback) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n"
    site.route("/short", Reply(raw=head + b"0123456789" + b"x" * 3_000_000))
    assert run(get(site.url("/short"), max_body_bytes=1_000_000)).body == b"0123456789"


def test_a_body_shorter_than_its_content_length_is_an_error(site: Loopback) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n"
    site.route("/cut", Reply(raw=head + b"only this", hang_up=True))
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError, match="without sending complete message body"):
        run(get(site.url("/cut"), deadline=3.0))
    assert time.monotonic() - started < 1


def test_a_literal_refused_address_fails_check_config_but_not_the_other_feeds(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route(
        "/good",
        Reply(
            body=b"<rss version='2.0'><channel><title>ok</title>"
            b"<item><guid>a</guid><title>A</title></item></channel></rss>"
        ),
    )
    config = make_config(
        [
            {"name": "good", "url": site.url("/good")},
            {"name": "intranet", "url": f"http://127.0.0.2:{site.port}/good"},
        ]
    )
    checked = CliRunner().invoke(cli, ["--config", str(config.path), "check-config"])
    assert checked.exit_code != 0
    assert 'feeds[2] "intranet".url: 127.0.0.2 is a private, loopback or reserved' in (
        checked.output
    )
    fetched = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert fetched.exit_code == 0, fetched.output
    assert "1 ok" in fetched.output
    assert "intranet" in fetched.output
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            errors = dict(conn.execute(sa.select(feeds.c.name, feeds.c.last_error)).all())
    finally:
        engine.dispose()
    assert errors["good"] is None
    assert "127.0.0.2" in (errors["intranet"] or "")
    assert len(site.hits("/good")) == 1  # the refused feed never reached the server
