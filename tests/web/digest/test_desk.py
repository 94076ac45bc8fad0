"""The digest as the desk's readers get it, served by uvicorn over a real store: gzip when
asked (with its own entity tag, `Vary` and 304s), each entry linked to its desk page with the
stub's state in our scheme, and `/favicon.ico`."""

from __future__ import annotations

import gzip
import json
import struct

from lxml import etree

from aggregator.digest.atom import STATE_SCHEME
from aggregator.digest.encoding import accepts_gzip, gzip_etag
from tests.digest.checks import ATOM, check_atom, entries
from tests.web.conftest import Web
from tests.web.editing import DAM, stub_id

PLAIN = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}


def raw_body(web: Web, path: str, headers: dict[str, str]) -> tuple[dict[str, str], bytes]:
    """The answer's headers and its bytes as sent, not decoded."""
    with web.client.stream("GET", path, headers=headers) as response:
        assert response.status_code == 200
        return dict(response.headers), b"".join(response.iter_raw())


def test_replay_digest_gzipped_when_asked_with_vary_and_its_own_etag(web: Web) -> None:
    plain_headers, plain = raw_body(web, "/digest.atom", PLAIN)
    coded_headers, coded = raw_body(web, "/digest.atom", GZIP)
    assert "content-encoding" not in plain_headers
    assert coded_headers["content-encoding"] == "gzip"
    assert plain_headers["vary"] == coded_headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(coded) == plain
    assert len(coded) < len(plain)
    assert coded_headers["etag"] == gzip_etag(plain_headers["etag"])
    assert coded_headers["etag"] != plain_headers["etag"]


def test_304_is_right_for_each_representation(web: Web) -> None:
    plain_tag = web.client.get("/digest.atom", headers=PLAIN).headers["etag"]
    coded_tag = web.client.get("/digest.atom", headers=GZIP).headers["etag"]
    again = web.client.get("/digest.atom", headers={**GZIP, "If-None-Match": coded_tag})
    assert again.status_code == 304
    assert again.headers["etag"] == coded_tag
    assert again.headers["vary"] == "Accept-Encoding"
    plain_again = web.client.get("/digest.atom", headers={**PLAIN, "If-None-Match": plain_tag})
    assert plain_again.status_code == 304
    # A reader holding the gzipped copy that now asks for identity gets the document.
    switched = web.client.get("/digest.atom", headers={**PLAIN, "If-None-Match": coded_tag})
    assert switched.status_code == 200
    assert "content-encoding" not in switched.headers
    # A change to a stub changes both tags.
    web.ctx.desk.move(stub_id(web, DAM), "reviewed", "Ana", web.ctx.app.clock())
    changed = web.client.get("/digest.atom", headers={**GZIP, "If-None-Match": coded_tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != coded_tag


def test_each_entry_links_to_its_desk_page_and_says_its_state(web: Web) -> None:
    item_id = stub_id(web, DAM)
    web.ctx.desk.move(item_id, "reviewed", "Ana", web.ctx.app.clock())
    body = web.client.get("/digest.atom").content
    check_atom(body)
    root = etree.fromstring(body)
    base = web.ctx.app.config.digest.base_url  # from [settings].listen in these tests
    found: dict[str, str] = {}
    for entry in entries(root):
        (related,) = entry.iterfind(f"{ATOM}link[@rel='related']")
        (state,) = entry.iterfind(f"{ATOM}category[@scheme='{STATE_SCHEME}']")
        assert related.get("type") == "text/html"
        found[related.get("href")] = state.get("term")
    assert found[f"{base}/stubs/{item_id}"] == "reviewed"
    assert sorted(found.values()) == ["draft", "reviewed"]
    for href in found:
        assert web.client.get(href.removeprefix(base)).status_code == 200
    items = json.loads(web.client.get("/digest.json").content)["items"]
    assert {i["_aggregator"]["url"]: i["_aggregator"]["state"] for i in items} == found


def test_favicon_is_a_small_cacheable_icon(web: Web) -> None:
    response = web.client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.headers["cache-control"] == "public, max-age=604800"
    icon = response.content
    reserved, kind, count = struct.unpack_from("<HHH", icon)
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, _, _, _, bits, size, offset = struct.unpack_from("<BBBBHHII", icon, 6)
    assert (width, height, bits) == (16, 16, 32)
    assert offset + size == len(icon) < 2048
    assert struct.unpack_from("<I", icon, offset)[0] == 40  # a BITMAPINFOHEADER follows


def test_accept_encoding_is_read_with_its_qualities() -> None:
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.8")
    assert accepts_gzip("*")
    assert not accepts_gzip(None)
    assert not accepts_gzip("identity")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("*, gzip;q=0")
    assert not accepts_gzip("gzip;q=nonsense")
