"""The HTTP client against a real loopback server: one test per fetching rule."""

from __future__ import annotations

import asyncio
import itertools
import time
import tracemalloc
import zlib

import pytest

from aggregator import __version__
from aggregator.errors import (
    BlockedAddress,
    BlockedScheme,
    DeadlineExceeded,
    TooLarge,
    TooManyRedirects,
)
from aggregator.net.client import HttpClient
from tests.helpers.net import get, run, settings
from tests.loopback import Loopback, Reply, gzipped


def test_identity_user_agent_has_version_and_contact(site: Loopback) -> None:
    site.route("/f", Reply(body=b"x"))
    run(get(site.url("/f")))
    agent = site.hits("/f")[0].headers["user-agent"]
    assert agent == f"aggregator/{__version__} (+https://example.org/contact)"


def test_no_cookies_and_no_referer_are_sent(site: Loopback) -> None:
    site.route("/a", Reply(302, {"Set-Cookie": "session=abc; Path=/", "Location": "/b"}))
    site.route("/b", Reply(body=b"ok", headers={"Set-Cookie": "more=1"}))

    async def twice() -> None:
        async with HttpClient(settings()) as client:
            await client.get(site.url("/a"))
            await client.get(site.url("/b"))

    run(twice())
    for request in site.requests:
        assert "cookie" not in request.headers
        assert "referer" not in request.headers


def test_validators_are_echoed_byte_for_byte(site: Loopback) -> None:
    etag = 'W/"5f3-\xe9t\xe9  x"'
    modified = "Tue,  3 Jun 2008 11:05:30 +0000"
    site.route("/f", Reply(body=b"x"))
    run(get(site.url("/f"), {"If-None-Match": etag, "If-Modified-Since": modified}))
    raw = dict(site.hits("/f")[0].raw_headers)
    assert raw["If-None-Match"] == etag
    assert raw["If-Modified-Since"] == modified


def test_response_validators_are_returned_exactly(site: Loopback) -> None:
    site.route("/f", Reply(body=b"x", headers={"ETag": '"a\xe9b"', "Last-Modified": "whenever"}))
    response = run(get(site.url("/f")))
    assert response.headers["etag"] == '"a\xe9b"'
    assert response.headers["last-modified"] == "whenever"


def test_gzip_is_asked_for_and_decoded(site: Loopback) -> None:
    body = b"<rss>" + b"a" * 10_000 + b"</rss>"
    site.route("/f", Reply(body=gzipped(body), headers={"Content-Encoding": "gzip"}))
    response = run(get(site.url("/f")))
    assert response.body == body
    assert "gzip" in site.hits("/f")[0].headers["accept-encoding"]


def test_stacked_and_deflate_encodings_are_decoded(site: Loopback) -> None:
    body = b"hello " * 1000
    twice = gzipped(gzipped(body))
    site.route("/gz2", Reply(body=twice, headers={"Content-Encoding": "gzip, gzip"}))
    site.route("/deflate", Reply(body=zlib.compress(body), headers={"Content-Encoding": "deflate"}))
    raw = zlib.compressobj(wbits=-15)
    raw_body = raw.compress(body) + raw.flush()
    site.route("/raw", Reply(body=raw_body, headers={"Content-Encoding": "deflate"}))
    for path in ("/gz2", "/deflate", "/raw"):
        assert run(get(site.url(path))).body == body


def test_byte_cap_applies_to_decoded_body_of_a_gzip_bomb(site: Loopback) -> None:
    bomb = gzipped(b"\0" * 200_000_000)  # about 200 KB on the wire
    site.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            run(get(site.url("/bomb"), max_body_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_byte_cap_applies_without_content_length(site: Loopback) -> None:
    head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
    site.route("/huge", Reply(raw=head + b"x" * 3_000_000))
    with pytest.raises(TooLarge):
        run(get(site.url("/huge"), max_body_bytes=1_000_000))


def test_total_deadline_stops_a_dripping_server(site: Loopback) -> None:
    site.route("/drip", Reply(body=b"x" * 100, drip=0.2))
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        run(get(site.url("/drip"), deadline=1.0))
    assert time.monotonic() - started < 3


def test_total_deadline_stops_a_body_that_drips_after_quick_headers(site: Loopback) -> None:
    site.route("/slow-body", Reply(body=b"x" * 100, drip_body=0.2))
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        run(get(site.url("/slow-body"), deadline=1.0))
    assert time.monotonic() - started < 3
    assert len(site.hits("/slow-body")) == 1


def test_redirect_chain_longer_than_allowed_is_refused(site: Loopback) -> None:
    for i in range(10):
        site.route(f"/r{i}", Reply(302, {"Location": f"/r{i + 1}"}))
    with pytest.raises(TooManyRedirects):
        run(get(site.url("/r0"), max_redirects=3))
    assert len(site.requests) == 4


def test_redirect_loop_is_refused(site: Loopback) -> None:
    site.route("/a", Reply(302, {"Location": "/b"}))
    site.route("/b", Reply(302, {"Location": "/a"}))
    with pytest.raises(TooManyRedirects):
        run(get(site.url("/a")))


def test_redirect_to_another_scheme_is_refused(site: Loopback) -> None:
    site.route("/a", Reply(302, {"Location": "file:///etc/passwd"}))
    with pytest.raises(BlockedScheme):
        run(get(site.url("/a")))


@pytest.mark.parametrize(
    ("chain", "permanent"),
    [
        ([301], "/end"),
        ([308], "/end"),
        ([302], None),
        ([303], None),
        ([307], None),
        ([301, 302], "/hop1"),
        ([302, 301], None),
    ],
)
def test_only_permanent_redirects_give_a_new_url(
    site: Loopback, chain: list[int], permanent: str | None
) -> None:
    for i, status in enumerate(chain):
        target = "/end" if i == len(chain) - 1 else f"/hop{i + 1}"
        site.route("/start" if i == 0 else f"/hop{i}", Reply(status, {"Location": target}))
    site.route("/end", Reply(body=b"feed"))
    response = run(get(site.url("/start")))
    assert response.body == b"feed"
    assert response.permanent_url == (site.url(permanent) if permanent else None)


def test_loopback_address_outside_the_allowlist_is_refused(site: Loopback) -> None:
    site.route("/f", Reply(body=b"x"))
    with pytest.raises(BlockedAddress):
        run(get(site.url("/f"), allow_private_networks=False))
    assert site.requests == []


def test_redirect_to_a_refused_address_is_refused_on_that_hop(site: Loopback) -> None:
    site.route("/a", Reply(302, {"Location": f"http://127.0.0.2:{site.port}/b"}))
    site.route("/b", Reply(body=b"secret"))
    with pytest.raises(BlockedAddress):
        run(get(site.url("/a")))
    assert [r.path for r in site.requests] == ["/a"]


def test_hostname_resolving_to_a_refused_address_is_refused(site: Loopback) -> None:
    site.route("/f", Reply(body=b"x"))
    with pytest.raises(BlockedAddress, match="localhost"):
        run(get(site.url("/f", host="localhost"), allow_private_networks=()))


def test_per_host_connection_limit(site: Loopback) -> None:
    site.route("/slow", Reply(body=b"x", delay=0.2))

    async def many() -> None:
        async with HttpClient(settings(per_host_connections=2)) as client:
            await asyncio.gather(*(client.get(site.url("/slow")) for _ in range(6)))

    run(many())
    assert len(site.hits("/slow")) == 6
    assert site.max_active == 2


def test_per_host_minimum_gap_between_requests(site: Loopback) -> None:
    site.route("/f", Reply(body=b"x"))

    async def many() -> None:
        async with HttpClient(settings(per_host_connections=4, per_host_gap=0.3)) as client:
            await asyncio.gather(*(client.get(site.url("/f")) for _ in range(3)))

    run(many())
    starts = sorted(r.at for r in site.hits("/f"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.25 for gap in gaps), gaps


def test_a_shared_booking_spaces_requests_across_clients(site: Loopback) -> None:
    """Two clients (two workers) that book their starts in one place keep the gap between
    them, as each alone keeps it between its own requests."""
    site.route("/f", Reply(body=b"x"))
    booked: list[float] = []

    async def book(host: str) -> float:
        now = time.monotonic()
        start = max(now, booked[-1] + 0.3) if booked else now
        booked.append(start)
        return start - now

    async def both() -> None:
        async with (
            HttpClient(settings(per_host_gap=0.3), shared_turns=book) as one,
            HttpClient(settings(per_host_gap=0.3), shared_turns=book) as two,
        ):
            await asyncio.gather(one.get(site.url("/f")), two.get(site.url("/f")))
            await asyncio.gather(one.get(site.url("/f")), two.get(site.url("/f")))

    run(both())
    starts = sorted(r.at for r in site.hits("/f"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 4
    assert all(gap >= 0.25 for gap in gaps), gaps
