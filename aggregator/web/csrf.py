"""Refusing requests forged by other sites.

A page on another site can make an editor's browser submit a form to us with the editor's
cookies. Two independent checks stop that:

- Where the request comes from: browsers say so in `Origin` (on every POST), else in
  `Sec-Fetch-Site`, else in `Referer`. Anything naming another host is refused. A request with
  none of them does not come from a modern browser page and passes this check (tools, scripts).
- What only our own pages know: each browser gets a random token in a cookie that scripts cannot
  read and other sites never receive (`SameSite=Strict`); our forms carry its HMAC under the
  process's secret in a hidden field. A forged form cannot know either.

The JSON API has no forms: its writes demand `Content-Type: application/json`, which another
site can only send after a CORS preflight that we never grant, and the same origin check.

Hosts are compared without the scheme: behind a proxy that ends TLS, the browser's origin is
https while the request reaching us is plain http, for the same host.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Collection
from urllib.parse import urlsplit

COOKIE = "csrf"
"""The browser's random token (HttpOnly, SameSite=Strict)."""
FIELD = "csrf_token"
"""The hidden form field carrying the token's signature."""
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_SAME = frozenset({"same-origin", "none"})
"""`Sec-Fetch-Site` values of a request that no other site started (`none`: typed by the user)."""


def new_browser_token() -> str:
    return secrets.token_urlsafe(32)


def usable_browser_token(value: str | None) -> str | None:
    """The cookie's token when it looks like one we issued, else None (issue a new one)."""
    if value is not None and _TOKEN.fullmatch(value):
        return value
    return None


def form_token(secret: bytes, browser_token: str) -> str:
    """What our forms carry for this browser: HMAC-SHA256 of its token under `secret`."""
    return hmac.new(secret, b"form:" + browser_token.encode("ascii"), hashlib.sha256).hexdigest()


def form_token_matches(secret: bytes, browser_token: str | None, submitted: str | None) -> bool:
    """True when the submitted field is the signature of the browser's token (constant time)."""
    token = usable_browser_token(browser_token)
    if token is None or not submitted:
        return False
    return hmac.compare_digest(form_token(secret, token), submitted)


def cross_site_reason(
    hosts: Collection[str],
    origin: str | None,
    fetch_site: str | None,
    referer: str | None,
) -> str | None:
    """Why a request addressed to `hosts` (lowercase host[:port]) must be refused as started by
    another site; None when it was not."""
    if origin is not None:
        if origin.strip().lower() == "null":
            return "refused: the request comes from a page without an origin"
        if _host_of(origin) not in hosts:
            return f"refused: a page on {_host_of(origin) or origin!r} may not change anything here"
    if fetch_site is not None and fetch_site.strip().lower() not in _SAME:
        return f"refused: the browser says this request is {fetch_site.strip().lower()}"
    if origin is None and fetch_site is None and referer:
        referer_host = _host_of(referer)
        if referer_host not in hosts:
            return f"refused: the request was sent from {referer_host or 'another page'!r}"
    return None


def _host_of(url: str) -> str:
    try:
        return urlsplit(url.strip()).netloc.lower()
    except ValueError:
        return ""
