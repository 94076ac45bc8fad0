"""Hostile inputs of issue 15 and the two ways the tests send a body to the running app: as
JSON the client encodes, or as raw bytes the server must read itself."""

from __future__ import annotations

from typing import Any

import httpx

from tests.web.conftest import Web
from tests.web.editing import if_match

LONG_CATEGORY = ("Breaking\nnews " * 60)[:746]
BAD_NAMES = {
    "nul": "Ana\x00Kovač",
    "rtl-override": "Ana\u202eokvaK",
    "c1-next-line": "Ana\x85Kovač",
    "c1-csi": "Ana\x9b31m",
    "bidi-isolate": "\u2067Ana",
    "zero-width-space": "A\u200bna",
}


def send_raw(web: Web, method: str, path: str, body: bytes) -> httpx.Response:
    headers = {"Origin": web.base_url, "Content-Type": "application/json", **if_match(web, path)}
    return web.client.request(method, path, content=body, headers=headers)


def send(web: Web, method: str, path: str, body: Any) -> httpx.Response:
    headers = {"Origin": web.base_url, **if_match(web, path)}
    return web.client.request(method, path, json=body, headers=headers)
