"""Which digest is asked for (format, category, page) and the absolute URLs of its pages.

`/digest.atom` and `/digest.json` hold every category, `/digest/{slug}.atom` (and `.json`) one;
`?page=N` pages them (RFC 5005), page 1 being the address without a query. A view read with a
feed token (`?token=`) carries it in every address, so a feed reader can follow them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aggregator.digest.model import Link

ATOM = "atom"
JSON = "json"
FORMATS = (ATOM, JSON)


@dataclass(frozen=True, slots=True)
class DigestView:
    format: str
    """ATOM or JSON."""
    slug: str | None = None
    """The category's slug; None for the digest of every category."""
    categories: tuple[str, ...] = ()
    """The category names the slug stands for (more than one only if two names share it)."""
    page: int = 1
    token: str = ""
    """The feed token the view was asked with, carried in its links ("" for none)."""


def last_page(count: int, limit: int) -> int:
    return max(1, -(-count // limit))


def view_url(base_url: str, view: DigestView, page: int | None = None) -> str:
    page = view.page if page is None else page
    path = "/digest" if view.slug is None else f"/digest/{view.slug}"
    url = f"{base_url}{path}.{view.format}"
    query = [] if page == 1 else [("page", str(page))]
    if view.token:
        query.append(("token", view.token))
    return f"{url}?{urlencode(query)}" if query else url


def paging_links(base_url: str, view: DigestView, count: int, limit: int) -> tuple[Link, ...]:
    """RFC 5005 links of `view`'s page: first and last always, previous and next when there."""
    last = last_page(count, limit)
    links = [Link("first", view_url(base_url, view, 1))]
    if view.page > 1:
        links.append(Link("previous", view_url(base_url, view, min(view.page - 1, last))))
    if view.page < last:
        links.append(Link("next", view_url(base_url, view, view.page + 1)))
    links.append(Link("last", view_url(base_url, view, last)))
    return tuple(links)
