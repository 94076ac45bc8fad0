"""What the pages and the API read from a request in the same way: its body, never more than a
ceiling (a client cannot make the service hold an unbounded body in memory), and the hosts it
was addressed to, for the cross-site check.

The hosts are the Host header and, behind a proxy that rewrites Host, the X-Forwarded-Host it
sets. Trusting the latter is safe for that check: a page on another site cannot make a browser
send a custom header without a CORS preflight, which is never granted.
"""

from __future__ import annotations

from starlette.requests import Request

from aggregator.web import csrf


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the body may have at most {limit} bytes")
        self.limit = limit


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body; BodyTooLarge as soon as it is longer than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(limit)
    return bytes(body)


def own_hosts(request: Request) -> tuple[str, ...]:
    headers = request.headers
    hosts = [headers.get("host") or request.url.netloc]
    forwarded = headers.get("x-forwarded-host")
    if forwarded:
        hosts.append(forwarded.split(",")[0].strip())
    return tuple(h.lower() for h in hosts if h)


def cross_site_reason(request: Request) -> str | None:
    """Why `request` must be refused as started by another site; None when it was not."""
    headers = request.headers
    return csrf.cross_site_reason(
        own_hosts(request),
        headers.get("origin"),
        headers.get("sec-fetch-site"),
        headers.get("referer"),
    )
