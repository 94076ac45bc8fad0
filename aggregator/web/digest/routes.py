"""The digest feeds over HTTP: `/digest.atom`, `/digest.json` and `/digest/{category}.atom`
(and `.json`), paged with `?page=N`.

A request first asks the store for the selection's state (a count and the newest change): the
entity tag and Last-Modified come from it, so a reader that has the current digest gets its 304
without the document being built. Otherwise the document comes from the cache of recent builds
or is built: the page is read on the database thread, the document written in a worker thread
with the entries of unchanged stubs taken from earlier builds. A client that accepts gzip gets
the document gzipped (kept in a cache of its own), with its own entity tag and
`Vary: Accept-Encoding` on every answer (`digest/encoding.py`).

Once people sign in (`[web].auth` builtin or proxy), the digest, which carries unpublished
drafts, is theirs only: a feed reader, which cannot sign in, adds `?token=<feed token>` (made
by `aggregator tokens create NAME --feed`); a session or an API token does too. Without one the
answer is 401, with an unknown or revoked one 404 (a guesser learns nothing about which), and
a document served to a token is `Cache-Control: private`. The links inside it (self, next,
previous) carry the same token, so a reader pages through; documents are cached per token, so
one reader's token never appears in another's document. In `none` mode the digest is open.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from aggregator.auth.model import AuthMode, TokenKind
from aggregator.digest.build import DigestMaker, matching_categories
from aggregator.digest.cache import DocumentCache, EntryCache, Rendered
from aggregator.digest.conditional import http_date, not_modified
from aggregator.digest.encoding import GZIP, accepts_gzip, gzip_etag, gzipped
from aggregator.digest.views import ATOM, JSON, DigestView, last_page
from aggregator.storage.digest import digest_page, digest_state, stub_categories
from aggregator.web.context import WebContext
from aggregator.web.gate import principal_or_none
from aggregator.web.identity import FEED_TOKEN_PARAM, Identity

MAX_PAGE = 1_000_000
NO_TOKEN = (
    "This digest is for the desk's people only. Add your personal feed address to your "
    "reader: make it with `aggregator tokens create NAME --feed` (it ends in ?token=...)."
)
UNKNOWN_TOKEN = "no such digest"


def routes(ctx: WebContext, identity: Identity) -> list[Route]:
    maker = DigestMaker.of(ctx.app.config)
    cache = DocumentCache()
    compressed = DocumentCache()
    entries = EntryCache()
    store = ctx.app.store

    def headers(
        etag: str, last_modified: datetime | None, coded: bool, private: bool
    ) -> dict[str, str]:
        values = {
            "ETag": etag,
            "Cache-Control": f"{'private' if private else 'public'}, "
            f"max-age={maker.settings.cache_seconds}",
            "Vary": "Accept-Encoding",
        }
        if coded:
            values["Content-Encoding"] = GZIP
        if last_modified is not None:
            values["Last-Modified"] = http_date(last_modified)
        return values

    async def categories_of(slug: str) -> tuple[str, ...]:
        names = matching_categories(slug, maker.categories)
        return names or matching_categories(slug, await ctx.read(stub_categories, store))

    async def serve(request: Request, view_format: str, slug: str | None) -> Response:
        token = await feed_token(request, identity)
        if isinstance(token, Response):
            return token
        private = getattr(request.state, "auth_mode", AuthMode.NONE) is not AuthMode.NONE
        page = _page_number(request.query_params.get("page"))
        if page is None:
            return PlainTextResponse(f"page must be a number from 1 to {MAX_PAGE}", status_code=400)
        categories: tuple[str, ...] = ()
        if slug is not None:
            categories = await categories_of(slug)
            if not categories:
                return PlainTextResponse(f"no category {slug!r} in the digest", status_code=404)
        view = DigestView(view_format, slug, categories, page, token)
        now = ctx.app.clock()
        query = maker.query(view, now)
        state = await ctx.read(digest_state, store, query)
        if page > last_page(state.count, maker.settings.limit):
            return PlainTextResponse(f"the digest has no page {page}", status_code=404)
        coded = accepts_gzip(request.headers.get("accept-encoding"))
        etag = maker.etag(view, state)
        if coded:
            etag = gzip_etag(etag)
        if not_modified(
            request.headers.get("if-none-match"),
            request.headers.get("if-modified-since"),
            etag,
            state.newest,
            now,
        ):
            return Response(status_code=304, headers=headers(etag, state.newest, coded, private))

        async def build() -> Rendered:
            selected = await ctx.read(digest_page, store, query)
            return await run_in_threadpool(maker.render, selected, view, entries)

        async def build_gzipped() -> Rendered:
            plain = await cache.get_or_build(maker.etag(view, state), build)
            body = await run_in_threadpool(gzipped, plain.body)
            return dataclasses.replace(plain, body=body, etag=gzip_etag(plain.etag))

        rendered = await (
            compressed.get_or_build(etag, build_gzipped)
            if coded
            else cache.get_or_build(etag, build)
        )
        return Response(
            rendered.body,
            media_type=rendered.media_type,
            headers=headers(rendered.etag, rendered.last_modified, coded, private),
        )

    async def atom(request: Request) -> Response:
        return await serve(request, ATOM, None)

    async def json_feed(request: Request) -> Response:
        return await serve(request, JSON, None)

    async def category_atom(request: Request) -> Response:
        return await serve(request, ATOM, request.path_params["slug"])

    async def category_json(request: Request) -> Response:
        return await serve(request, JSON, request.path_params["slug"])

    methods = ["GET", "HEAD"]
    return [
        Route("/digest.atom", atom, methods=methods),
        Route("/digest.json", json_feed, methods=methods),
        Route("/digest/{slug}.atom", category_atom, methods=methods),
        Route("/digest/{slug}.json", category_json, methods=methods),
    ]


async def feed_token(request: Request, identity: Identity) -> str | Response:
    """The feed token to carry in the document's links ("" for none), or the refusal."""
    if getattr(request.state, "auth_mode", AuthMode.NONE) is AuthMode.NONE:
        return ""
    if principal_or_none(request) is not None:  # a session or an API token
        return ""
    given = request.query_params.get(FEED_TOKEN_PARAM, "")
    if not given:
        return PlainTextResponse(NO_TOKEN, status_code=401)
    if await identity.token(given, TokenKind.FEED) is None:
        return PlainTextResponse(UNKNOWN_TOKEN, status_code=404)
    return given


def _page_number(value: str | None) -> int | None:
    """`?page=N` as a number from 1 to MAX_PAGE (1 when absent); None when it is not one."""
    if value is None:
        return 1
    if not value.isascii() or not value.isdigit() or len(value) > 7:
        return None
    page = int(value)
    return page if 1 <= page <= MAX_PAGE else None
