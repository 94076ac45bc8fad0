"""The stub page's changes: one Save for every changed part, and the state buttons, each based
on the version of the stub the page showed (`stub_form`).

A Save or a move based on an older version than the stored one changes nothing: the page
comes back (409) saying what happened, with the editor's unsaved text kept and, for each part
both editors changed, the text saved meanwhile beside it. That page is based on the new
version, so saving again keeps the editor's text over it. Any other refusal (a name with
control characters, a category the config does not have) keeps the version and texts the
editor's page was based on, so a save after it still cannot overwrite unseen changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aggregator.storage.desk import Event
from aggregator.stub_records import HEADINGS, Stub
from aggregator.web.actions import (
    BAD_INPUT,
    CONFLICT,
    Refusal,
    Stale,
    acting,
    edit_parts,
    move_stub,
)
from aggregator.web.context import WebContext
from aggregator.web.filters import carried_query, stub_url
from aggregator.web.identity import asking
from aggregator.web.pages.render import Form, form_post, form_text, see_other
from aggregator.web.pages.stub_form import (
    Conflict,
    PartsForm,
    changes,
    conflicts,
    current_bases,
    read_parts_form,
    still_changed,
    version_of,
)

NO_VERSION = (
    "This form does not say which version of the stub it was made from (a page opened before "
    "an upgrade?), so it was not saved. Your text is below: reload the page in another tab, "
    "check what is there now, and save again."
)


class Show(Protocol):
    def __call__(
        self,
        request: Request,
        ctx: WebContext,
        item_id: int,
        refusal: Refusal | None = None,
        *,
        draft: dict[str, str] | None = None,
        editor: str | None = None,
        based_on: PartsForm | None = None,
        conflicts: Sequence[Conflict] = (),
    ) -> Awaitable[Response]: ...


class Missing(Protocol):
    def __call__(self, request: Request, ctx: WebContext, item_id: str) -> Response: ...


def routes(ctx: WebContext, show: Show, missing: Missing) -> list[Route]:
    async def save(request: Request, form: Form) -> Response:
        item_id = _item_id(request)
        if item_id is None:
            return missing(request, ctx, request.path_params["item_id"])
        sent, editor = read_parts_form(form), form_text(form, "editor")
        changed = changes(sent)
        if sent.version is None:
            refusal = Refusal(BAD_INPUT, NO_VERSION)
            return await show(request, ctx, item_id, refusal, draft=changed, editor=editor)
        if not changed:
            return see_other(request, f"/stubs/{item_id}", "Nothing to save: no part was changed.")
        try:
            await edit_parts(ctx, item_id, changed, acting(asking(request), editor), sent.version)
        except Stale as stale:
            current = stale.current
            found = conflicts(changed, sent.bases, current)
            refusal = Refusal(CONFLICT, _stale_save(sent.version, current, found))
            draft = still_changed(changed, current)
            return await show(
                request, ctx, item_id, refusal, draft=draft, editor=editor, conflicts=found
            )
        except Refusal as refusal:
            return await show(
                request, ctx, item_id, refusal, draft=changed, editor=editor, based_on=sent
            )
        names = [HEADINGS.get(name, name) for name in changed]
        message = f"Saved {_listed(names)}."
        back = stub_url(item_id, carried_query(request.query_params.getlist))
        return see_other(
            request, f"{back}#part-{next(iter(changed))}", message, typed(request, editor)
        )

    async def move(request: Request, form: Form) -> Response:
        item_id = _item_id(request)
        if item_id is None:
            return missing(request, ctx, request.path_params["item_id"])
        state, editor = form_text(form, "state"), form_text(form, "editor")
        version = version_of(form)
        try:
            if version is None:
                raise Refusal(BAD_INPUT, NO_VERSION.replace("saved", "moved", 1))
            stub = await move_stub(ctx, item_id, state, acting(asking(request), editor), version)
        except Stale as stale:
            refusal = Refusal(CONFLICT, _stale_move(stale.expected_version, stale.current, state))
            return await show(request, ctx, item_id, refusal, editor=editor)
        except Refusal as refusal:
            return await show(request, ctx, item_id, refusal, editor=editor)
        back = stub_url(item_id, carried_query(request.query_params.getlist))  # j/k go on
        return see_other(request, back, f"Moved to {stub.state}.", typed(request, editor))

    return [
        Route("/stubs/{item_id}/parts", form_post(ctx, save), methods=["POST"]),
        Route("/stubs/{item_id}/state", form_post(ctx, move), methods=["POST"]),
    ]


def typed(request: Request, editor: str) -> str | None:
    """The typed name to remember for the next form: `none` mode only (anonymous)."""
    return editor if asking(request).anonymous else None


def form_values(
    stub: Stub, events: Sequence[Event], based_on: PartsForm | None, found: Sequence[Conflict]
) -> dict[str, Any]:
    """What the stub page's form carries: the version and part digests it is based on (the
    stub's, or after a refusal those the editor's page had), and each conflict with who saved
    the other text, when the history says."""
    bases = current_bases(stub)
    version = stub.version
    if based_on is not None and based_on.version is not None:
        bases |= based_on.bases
        version = based_on.version
    last_edit = {e.detail: e for e in events if e.action == "edit"}
    return {
        "version": version,
        "bases": bases,
        "conflicts": {
            c.name: {"theirs": c.theirs, "yours": c.yours, "by": last_edit.get(c.name)}
            for c in found
        },
    }


def _stale_save(read: int, current: Stub, found: Sequence[Conflict]) -> str:
    opening = (
        f"Not saved: someone else changed this stub while you were editing it (you started "
        f"from version {read}; it is at version {current.version} now). Nothing was lost."
    )
    if not found:
        return (
            f"{opening} None of the parts you changed was changed by them: your text is still in "
            "the boxes below. Press Save again to save it over the new version."
        )
    names = _listed([HEADINGS.get(c.name, c.name) for c in found])
    return (
        f"{opening} {names} changed on both sides: each shows the text saved meanwhile beside "
        "yours, and yours is still in its box. To keep yours, press Save again: it saves over "
        "the new version. To keep theirs, copy it into the box (or reload the page) first."
    )


def _stale_move(read: int, current: Stub, state: str) -> str:
    return (
        f"Not moved to {state}: someone else changed this stub while you were looking at it "
        f"(you saw version {read}; it is at version {current.version} now, {current.state}). "
        "Check it below and its history, then press the button again."
    )


def _listed(names: Sequence[str]) -> str:
    if len(names) < 3:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _item_id(request: Request) -> int | None:
    value: str = request.path_params["item_id"]
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
