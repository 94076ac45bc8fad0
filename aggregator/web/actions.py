"""What an editor can do from the page or the API, checked the same way for both.

Each action first says precisely why it cannot be done, as a `Refusal` with the HTTP status that
fits: no such stub, part or feed (404), a request that can never work as sent (422), or one that
conflicts with the stub's or feed's current state (409), or one the role of who asks does not
allow (403: `auth.roles`). A value that breaks one of the input
rules (`rules.py`: an editor's name with control characters, a category the config does not
have) is 400 with the rule's reason. The desk checks again inside its
transaction; what it refuses then (the stub changed meanwhile) is a conflict.

Who makes a change is a `Principal` (`web/identity.py`): the history names its account. Only
in `none` mode, where nobody signs in, is the name typed on the page or sent in the body used
(`acting`), by the rules of `rules.editor_name`.

Every write names the version of the stub it was based on; one based on another version than
the stored one is `Stale` (412), checked here first and again by the write's compare-and-set.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from aggregator.app import stubs_directory
from aggregator.auth.model import Principal
from aggregator.auth.roles import may_edit, why_not_admin, why_not_move
from aggregator.drafting.files import write_stub_file
from aggregator.storage.desk import MAX_PART_CHARS, TRANSITIONS, DeskError
from aggregator.storage.versions import StaleVersion
from aggregator.stub_records import STATES, Stub
from aggregator.web import rules
from aggregator.web.context import WebContext

BAD_INPUT = 400
FORBIDDEN = 403
NOT_FOUND = 404
CONFLICT = 409
PRECONDITION_FAILED = 412
INVALID = 422


class Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Stale(Refusal):
    """A write based on another version of the stub than the stored one: nothing was written.
    `current` is the stub as it is now, to show what changed (the API answers 412, the page
    shows both texts)."""

    def __init__(self, current: Stub, expected_version: int) -> None:
        super().__init__(
            PRECONDITION_FAILED,
            f"stub {current.item_id} changed since version {expected_version} was read: it is "
            f"at version {current.version} now, and nothing was saved. Read it again and send "
            "your change based on the new version (for the API: the new ETag in If-Match)",
        )
        self.current = current
        self.expected_version = expected_version


def editor_name(value: str | None) -> str:
    """The editor's name with its spaces tidied; refused when there is none, and when it
    breaks the rules of `rules.editor_name`."""
    try:
        name = rules.editor_name(value or "")
    except rules.BadInput as exc:
        raise Refusal(BAD_INPUT, str(exc)) from None
    if not name:
        raise Refusal(INVALID, "say who you are: an editor's name is required")
    return name


def acting(who: Principal, typed: str | None) -> Principal:
    """Who a change is recorded under: the signed-in account; in `none` mode (anonymous)
    the name the editor typed, checked by `editor_name` (a typed name is otherwise ignored)."""
    if not who.anonymous:
        return who
    if typed is None:  # an API body without the key
        raise Refusal(INVALID, "'editor' is required: the editor's name, as nobody signs in here")
    return dataclasses.replace(who, name=editor_name(typed))


def allowed_categories(ctx: WebContext) -> tuple[str, ...]:
    """The categories a stub may be given: the config's `[[categories]]` and its default."""
    drafting = ctx.app.config.drafting
    return tuple(dict.fromkeys([*(c.name for c in drafting.categories), drafting.default_category]))


async def load_stub(ctx: WebContext, item_id: int) -> Stub:
    try:
        stub: Stub = await ctx.db(ctx.desk.get, item_id)
    except DeskError as exc:
        raise Refusal(NOT_FOUND, str(exc)) from None
    return stub


async def edit_part(
    ctx: WebContext, item_id: int, name: str, content: str, who: Principal, expected_version: int
) -> Stub:
    """Save one part over `expected_version` of the stub (see `edit_parts`)."""
    return await edit_parts(ctx, item_id, {name: content}, who, expected_version)


async def edit_parts(
    ctx: WebContext,
    item_id: int,
    contents: Mapping[str, str],
    who: Principal,
    expected_version: int,
) -> Stub:
    """Save parts in one change of the stub, if it is still at `expected_version` (Stale if
    not, with the stub as it is now, and nothing saved)."""
    name_of(who)
    if not may_edit(who.role):
        raise Refusal(FORBIDDEN, f"editing needs the editor role; {who.name} has none")
    stub = await load_stub(ctx, item_id)
    checked = {}
    for name, content in contents.items():
        if stub.part(name) is None:
            raise Refusal(NOT_FOUND, f"stub {item_id} has no part {name!r}")
        if len(content) > MAX_PART_CHARS:
            raise Refusal(INVALID, f"a part holds at most {MAX_PART_CHARS} characters")
        checked[name] = content
        if name == "category" and content.strip():  # empty: the part is to write again
            try:
                checked[name] = rules.category_name(content, allowed_categories(ctx))
            except rules.BadInput as exc:
                raise Refusal(BAD_INPUT, str(exc)) from None
    if stub.version != expected_version:
        raise Stale(stub, expected_version)
    write = functools.partial(ctx.desk.edit_parts, expected_version=expected_version)
    return await _desk(ctx, write, item_id, checked, name_of(who), _now(ctx))


async def move_stub(
    ctx: WebContext, item_id: int, state: str, who: Principal, expected_version: int
) -> Stub:
    """Move the stub, if it is still at `expected_version` (Stale if not: nothing moves)
    and `who`'s role allows the move (403 if not: an editor moves a draft to reviewed only)."""
    name = name_of(who)
    if state not in STATES:
        raise Refusal(INVALID, f"unknown state {state!r}; states are {', '.join(STATES)}")
    stub = await load_stub(ctx, item_id)
    refused = why_not_move(who, stub.state, state)
    if refused is not None:
        raise Refusal(FORBIDDEN, refused)
    if stub.version != expected_version:
        raise Stale(stub, expected_version)
    allowed = TRANSITIONS[stub.state]
    if state not in allowed:
        raise Refusal(
            CONFLICT, f"a {stub.state} stub can go to {', '.join(sorted(allowed))}, not {state}"
        )
    write = functools.partial(ctx.desk.move, expected_version=expected_version)
    return await _desk(ctx, write, item_id, state, name, _now(ctx))


async def start_fetch(ctx: WebContext, names: Sequence[str], who: Principal) -> tuple[str, ...]:
    """Start fetching the named feeds (every fetchable feed when none are named); returns the
    feeds being fetched. The fetch runs in the background. Admins only (403)."""
    refused = why_not_admin(who, "fetch feeds now")
    if refused is not None:
        raise Refusal(FORBIDDEN, refused)
    known: dict[str, bool] = await ctx.db(ctx.app.store.feed_names)
    for name in names:
        if name not in known:
            raise Refusal(NOT_FOUND, f"no feed named {name!r}")
        if not known[name]:
            raise Refusal(
                CONFLICT, f"feed {name!r} is disabled, retired or no longer in the config"
            )
    queued = ctx.fetch_now(tuple(names))
    if queued is not None:
        await queued
    return tuple(names) if names else tuple(sorted(n for n, ok in known.items() if ok))


def name_of(who: Principal) -> str:
    """The name the history records for `who` (422 when there is none: `acting` was not
    asked for an anonymous editor's typed name)."""
    if not who.name:
        raise Refusal(INVALID, "say who you are: an editor's name is required")
    return who.name


async def _desk(ctx: WebContext, fn: Callable[..., Stub], *args: object) -> Stub:
    try:
        stub: Stub = await ctx.db(fn, *args)
    except StaleVersion as exc:  # changed between our read and the write
        raise Stale(await load_stub(ctx, exc.item_id), exc.expected) from None
    except DeskError as exc:
        raise Refusal(CONFLICT, str(exc)) from None
    directory = stubs_directory(ctx.app.config)
    if directory is not None:  # the Markdown file follows the store
        await ctx.db(write_stub_file, directory, stub)
    return stub


def _now(ctx: WebContext) -> datetime:
    return ctx.app.clock()
