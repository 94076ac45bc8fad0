"""The stub list's filters as query parameters, read the same way by the page and the API.

`state`, `feed`, `category` and `language` may repeat; `stale` is yes/no; `min_quality` is a
number from 0 to 1; `q` searches titles, parts and article text (`storage/search.py`); `sort`
is one of `storage/ordering.SORTS` (the API refuses another, the page says it was ignored).
Empty values mean "any", so the page's GET form can send
every field; the API, which has no form, refuses an empty `state` (its schema lists four
states, and an empty one is none of them). A value that cannot be a filter is an error, not
silently ignored: an editor who asked for something must not be shown something else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from aggregator.storage.desk import StubFilter
from aggregator.storage.ordering import DEFAULT_SORT, SORTS
from aggregator.stub_records import STATES

MAX_SEARCH_CHARS = 200
_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})


class BadQuery(ValueError):
    """A query parameter that cannot be read; the message says which and why."""


GetList = Callable[[str], Sequence[str]]
"""`QueryParams.getlist`: every value given for a name."""


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def read_filter(
    getlist: GetList, *, empty_values: bool = True, strict_sort: bool = True
) -> StubFilter:
    """The filter the query asks for; `empty_values=False` refuses an empty `state`, and
    `strict_sort=False` takes an unknown `sort` as the default (see `sort_problem`)."""
    if not empty_values and any(not v.strip() for v in getlist("state")):
        raise BadQuery(f"state: empty; states are {', '.join(STATES)}")
    states = _values(getlist, "state")
    unknown = [s for s in states if s not in STATES]
    if unknown:
        raise BadQuery(f"unknown state {unknown[0]!r}; states are {', '.join(STATES)}")
    search = " ".join(_last(getlist, "q").split())
    if len(search) > MAX_SEARCH_CHARS:
        raise BadQuery(f"q: at most {MAX_SEARCH_CHARS} characters")
    return StubFilter(
        states=states,
        feeds=_values(getlist, "feed"),
        categories=_values(getlist, "category"),
        languages=_values(getlist, "language"),
        stale=_yes_no(_last(getlist, "stale")),
        min_quality=_quality(_last(getlist, "min_quality")),
        search=search or None,
        sort=read_sort(getlist) if strict_sort or sort_problem(getlist) is None else DEFAULT_SORT,
    )


def read_sort(getlist: GetList) -> str:
    value = _last(getlist, "sort")
    if not value:
        return DEFAULT_SORT
    if value not in SORTS:
        raise BadQuery(f"sort: one of {', '.join(SORTS)}, not {value[:40]!r}")
    return value


def sort_problem(getlist: GetList) -> str | None:
    """Why the query's `sort` cannot be used, or None."""
    try:
        read_sort(getlist)
    except BadQuery as exc:
        return str(exc)
    return None


def filter_params(where: StubFilter) -> list[tuple[str, str]]:
    """`where` as query parameters again (for the page's links), read back by read_filter."""
    params = [("state", s) for s in where.states]
    params += [("feed", f) for f in where.feeds]
    params += [("category", c) for c in where.categories]
    params += [("language", lang) for lang in where.languages]
    if where.stale is not None:
        params.append(("stale", "yes" if where.stale else "no"))
    if where.min_quality is not None:
        params.append(("min_quality", f"{where.min_quality:g}"))
    if where.search:
        params.append(("q", where.search))
    if where.sort != DEFAULT_SORT:
        params.append(("sort", where.sort))
    return params


def list_query(where: StubFilter) -> str:
    """`where` as a query string ("" for the whole list in its usual order)."""
    return urlencode(filter_params(where))


def carried_query(getlist: GetList) -> str:
    """The list a stub's page or form was opened from, as `list_query` gives it ("" when the
    query holds no list or one that cannot be read)."""
    try:
        return list_query(read_filter(getlist, strict_sort=False))
    except BadQuery:
        return ""


def stub_url(item_id: int, query: str = "") -> str:
    """A stub's page, opened from the list whose query string is `query`."""
    return f"/stubs/{item_id}" + (f"?{query}" if query else "")


def read_paging(getlist: GetList, *, default_limit: int, max_limit: int) -> Paging:
    limit = _integer(getlist, "limit", default_limit)
    offset = _integer(getlist, "offset", 0)
    if not 1 <= limit <= max_limit:
        raise BadQuery(f"limit: from 1 to {max_limit}")
    if offset < 0:
        raise BadQuery("offset: 0 or more")
    return Paging(limit, offset)


def read_page_number(getlist: GetList) -> int:
    page = _integer(getlist, "page", 1)
    if page < 1:
        raise BadQuery("page: 1 or more")
    return page


def _values(getlist: GetList, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in getlist(name) if v.strip()))


def _last(getlist: GetList, name: str) -> str:
    values = getlist(name)
    return values[-1].strip() if values else ""


def _yes_no(value: str) -> bool | None:
    if not value:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise BadQuery(f"stale: yes or no, not {value!r}")


def _quality(value: str) -> float | None:
    if not value:
        return None
    try:
        quality = float(value)
    except ValueError:
        raise BadQuery(f"min_quality: a number from 0 to 1, not {value!r}") from None
    if not (math.isfinite(quality) and 0 <= quality <= 1):
        raise BadQuery(f"min_quality: a number from 0 to 1, not {value!r}")
    return quality


def _integer(getlist: GetList, name: str, default: int) -> int:
    value = _last(getlist, name)
    if not value:
        return default
    if not value.isascii() or not value.lstrip("-").isdigit() or len(value) > 9:
        raise BadQuery(f"{name}: a whole number, not {value!r}")
    return int(value)
