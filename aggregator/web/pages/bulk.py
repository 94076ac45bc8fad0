"""Bulk state changes from the list: the checked stubs moved to one state, each by the same rules
and in its own transaction as one moved from its page (`actions.move_stub`: its transitions,
its version, one history event per stub), with a line saying how many moved and which could not.

The list's form names each checked stub as a field `stub-<id>` whose value is the version the
list showed, so a stub changed since the list was read is not moved (it is named, as stale).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aggregator.auth.model import Principal
from aggregator.stub_records import STATES
from aggregator.web.actions import INVALID, Refusal, Stale, acting, move_stub
from aggregator.web.context import WebContext
from aggregator.web.filters import BadQuery, filter_params, read_filter
from aggregator.web.identity import asking
from aggregator.web.pages.render import Form, form_post, form_text, see_other

FIELD_PREFIX = "stub-"
MAX_NAMED = 5
"""Refused stubs named in the result line; the rest are counted."""
ACTIONS = {
    "reviewed": "Marked reviewed",
    "approved": "Approved",
    "rejected": "Rejected",
}


@dataclass(frozen=True, slots=True)
class BulkResult:
    state: str
    moved: tuple[int, ...]
    refused: tuple[tuple[int, str], ...]
    """Each stub that did not move, with why."""

    def line(self) -> str:
        done = ACTIONS.get(self.state, f"Moved to {self.state}:")
        text = f"{done} {_stubs(len(self.moved))}."
        if self.refused:
            named = "; ".join(f"#{i}: {why}" for i, why in self.refused[:MAX_NAMED])
            more = len(self.refused) - MAX_NAMED
            text += f" {_stubs(len(self.refused))} could not be moved: {named}"
            text += f"; and {more} more." if more > 0 else "."
        return text


def checked(form: Form) -> dict[int, int]:
    """The checked stubs of the list's form: item id -> the version the list showed."""
    found: dict[int, int] = {}
    for name, value in form.items():
        if not name.startswith(FIELD_PREFIX):
            continue
        item_id, version = name.removeprefix(FIELD_PREFIX), value.strip()
        if not (_number(item_id) and _number(version)):
            raise Refusal(INVALID, f"{name}: a stub id and its version, not {value[:20]!r}")
        found[int(item_id)] = int(version)
    return found


async def bulk_move(
    ctx: WebContext, versions: Mapping[int, int], state: str, who: Principal
) -> BulkResult:
    """Move every stub of `versions` to `state` as `move_stub` moves one (`who`'s role
    allowing); refusals are collected, not raised, except those of the whole request (no
    name, no stub, no state)."""
    if not who.name:
        raise Refusal(INVALID, "say who you are: an editor's name is required")
    if state not in STATES:
        raise Refusal(INVALID, f"unknown state {state!r}; states are {', '.join(STATES)}")
    if not versions:
        raise Refusal(INVALID, "no stub is checked: check the stubs to move first")
    moved: list[int] = []
    refused: list[tuple[int, str]] = []
    for item_id, version in versions.items():
        try:
            await move_stub(ctx, item_id, state, who, version)
        except Stale as stale:
            now = stale.current.version
            refused.append(
                (
                    item_id,
                    f"changed since the list was read (version {version}, now {now})",
                )
            )
        except Refusal as refusal:
            refused.append((item_id, refusal.message))
        else:
            moved.append(item_id)
    return BulkResult(state, tuple(moved), tuple(refused))


def routes(ctx: WebContext) -> list[Route]:
    async def bulk(request: Request, form: Form) -> Response:
        back = _back(form_text(form, "back"))
        editor = form_text(form, "editor")
        try:
            who = acting(asking(request), editor)
            result = await bulk_move(ctx, checked(form), form_text(form, "state"), who)
        except Refusal as refusal:
            return see_other(request, back, f"Nothing was moved: {refusal.message}")
        return see_other(request, back, result.line(), editor if who.anonymous else None)

    return [Route("/stubs/bulk", form_post(ctx, bulk), methods=["POST"])]


def _back(query: str) -> str:
    """The list the form was sent from, its filters read again (anything else dropped)."""
    pairs = parse_qsl(query[:2000], keep_blank_values=False)
    try:
        where = read_filter(lambda name: [v for k, v in pairs if k == name])
    except BadQuery:
        return "/stubs"
    page = next((v for k, v in pairs if k == "page" and _number(v)), None)
    params = filter_params(where) + ([("page", page)] if page and page != "1" else [])
    return "/stubs?" + urlencode(params) if params else "/stubs"


def _number(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 12


def _stubs(n: int) -> str:
    return f"{n} stub" if n == 1 else f"{n} stubs"
