"""What every editors' page shares: templates, the anti-forgery token, the editor's name and the
one-line message shown after a change.

Templates escape every value (autoescape on, undefined names are errors); the only markup passed
through is the stub's own sanitised rendering, wrapped in `Markup` by the page that shows it.
A change is a POST that answers 303 to the page to show next (Post/Redirect/Get), carrying its
message in a short-lived cookie, so reloading never repeats it and links cannot fake messages.
Cookie values are percent-encoded: editors' names need not be ASCII.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from aggregator.auth.model import AuthMode, Principal, Role
from aggregator.auth.roles import may_manage_feeds, may_move
from aggregator.auth.settings import AUTO
from aggregator.net.headers import media_type
from aggregator.storage.desk import TRANSITIONS
from aggregator.stub_records import EDITED, HEADINGS, MACHINE_DRAFT, PREPARED, TO_WRITE
from aggregator.web import csrf, rules
from aggregator.web.context import WebContext
from aggregator.web.identity import ANONYMOUS
from aggregator.web.incoming import BodyTooLarge, cross_site_reason, read_body

EDITOR_COOKIE = "editor"
FLASH_COOKIE = "flash"
EDITOR_COOKIE_SECONDS = 365 * 24 * 3600
FLASH_COOKIE_SECONDS = 60
MAX_FORM_BYTES = 1 << 20
"""A part's largest content (50,000 characters) percent-encoded, with room to spare."""
FORM_TYPE = "application/x-www-form-urlencoded"
FORM_ONLY = "send this page's form as it is (UTF-8, application/x-www-form-urlencoded)"
KIND_LABELS = {
    PREPARED: "prepared",
    MACHINE_DRAFT: "machine draft: check before publishing",
    TO_WRITE: "to write",
    EDITED: "edited",
}

NOBODY = Principal(name="", role=Role.EDITOR, via="nobody")
"""Who a page is shown to when nobody is signed in although people sign in here (the login
page, a refusal): no button beyond the least role's."""

Form = Mapping[str, str]
"""A submitted form's fields (the last value of a repeated one)."""
FormHandler = Callable[[Request, Form], Awaitable[Response]]


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("aggregator.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package: no file checks per request
    )
    env.filters["when"] = when
    env.filters["score"] = score
    env.filters["path_part"] = path_part
    env.globals["HEADINGS"] = HEADINGS
    env.globals["KIND_LABELS"] = KIND_LABELS
    return env


def when(value: datetime | None) -> str:
    """A stored time as editors read it: `2026-11-02 10:00 UTC`; an em dash when unknown."""
    return "—" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def path_part(value: str) -> str:
    """`value` as one segment of a URL path: every reserved character escaped, `/` too."""
    return quote(value, safe="")


def render(
    request: Request, ctx: WebContext, template: str, status: int = 200, **values: Any
) -> HTMLResponse:
    """A page from `template`, with the form token, who is asking and what they may do, the
    editor's name (`none` mode) and any pending message."""
    token = csrf.usable_browser_token(request.cookies.get(csrf.COOKIE))
    fresh = token is None
    token = token or csrf.new_browser_token()
    flash = request.cookies.get(FLASH_COOKIE)
    page = (
        environment()
        .get_template(template)
        .render(
            csrf_field=csrf.FIELD,
            csrf_token=csrf.form_token(ctx.secret, token),
            editor=values.pop("editor", None) or cookie_text(request.cookies.get(EDITOR_COOKIE)),
            flash=cookie_text(flash),
            error=values.pop("error", None),
            **_viewer(request, ctx),
            **values,
        )
    )
    response = HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})
    if fresh:
        response.set_cookie(
            csrf.COOKIE, token, httponly=True, samesite="strict", secure=_https(request)
        )
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, httponly=True, samesite="lax")
    return response


def principal_of(request: Request) -> Principal:
    """Who the request comes from, as the gate decided (`web/gate.py`); when it names nobody,
    the anonymous admin of `none` mode there (also when no gate ran), else NOBODY."""
    found = getattr(request.state, "principal", None)
    if isinstance(found, Principal):
        return found
    return ANONYMOUS if auth_mode_of(request) == AuthMode.NONE else NOBODY


def auth_mode_of(request: Request, default: AuthMode = AuthMode.NONE) -> AuthMode:
    found = getattr(request.state, "auth_mode", None)
    return found if isinstance(found, AuthMode) else default


def _viewer(request: Request, ctx: WebContext) -> dict[str, Any]:
    """What the pages show of who is asking: the header's name and Sign out button, the
    editor's-name field (`none` mode only), the buttons their role may use, and the first-run
    banner (`none` mode only because no account exists yet)."""
    who = principal_of(request)
    mode = auth_mode_of(request)

    def can_move(current: str, target: str) -> bool:
        return may_move(who.role, current, target)

    def can_move_to(target: str) -> bool:
        """Whether some stub may be moved to `target` by `who` (the list's bulk buttons)."""
        return any(target in moves and can_move(s, target) for s, moves in TRANSITIONS.items())

    return {
        "who": who,
        "auth_mode": mode.value,
        "names_typed": mode == AuthMode.NONE,
        "first_run": mode == AuthMode.NONE and ctx.app.config.web.auth == AUTO,
        "can_move": can_move,
        "can_move_to": can_move_to,
        "manage_feeds": may_manage_feeds(who.role),
    }


def see_other(request: Request, url: str, message: str, editor: str | None = None) -> Response:
    """303 to `url`, which shows `message` once; remembers the editor's name when given."""
    response = RedirectResponse(url, status_code=303)
    secure = _https(request)
    response.set_cookie(
        FLASH_COOKIE,
        quote(message, safe=""),
        max_age=FLASH_COOKIE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    if editor:
        remember_editor(response, request, editor)
    return response


def remember_editor(response: Response, request: Request, editor: str) -> None:
    response.set_cookie(
        EDITOR_COOKIE,
        quote(editor, safe=""),
        max_age=EDITOR_COOKIE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=_https(request),
    )


def cookie_text(value: str | None) -> str:
    return unquote(value) if value else ""


def form_text(form: Form, name: str) -> str:
    return form.get(name, "")


def form_post(ctx: WebContext, handler: FormHandler) -> Callable[[Request], Awaitable[Response]]:
    """`handler` behind both anti-forgery checks: refuses requests another site started, then
    forms without this browser's signed token (403 with the reason; the handler never runs).
    Only this site's forms are read: UTF-8, urlencoded, at most MAX_FORM_BYTES."""

    async def endpoint(request: Request) -> Response:
        reason = cross_site_reason(request)
        if reason is not None:
            return refused(request, ctx, reason)
        if media_type(request.headers.get("content-type")) != FORM_TYPE:
            return render(request, ctx, "message.html", 415, heading="Not a form", error=FORM_ONLY)
        try:
            raw = await read_body(request, MAX_FORM_BYTES)
            fields = rules.form_fields(raw)
        except BodyTooLarge as exc:
            return render(request, ctx, "message.html", 413, heading="Too large", error=str(exc))
        except rules.BadInput as exc:  # not UTF-8 (before or after %-decoding), too many fields
            return render(
                request, ctx, "message.html", 400, heading="Unreadable form", error=str(exc)
            )
        form = dict(fields)
        if not csrf.form_token_matches(
            ctx.secret, request.cookies.get(csrf.COOKIE), form_text(form, csrf.FIELD)
        ):
            return refused(
                request,
                ctx,
                "refused: this form's security token is missing or out of date. "
                "Reload the page and send it again.",
            )
        return await handler(request, form)

    return endpoint


def refused(request: Request, ctx: WebContext, reason: str) -> HTMLResponse:
    return render(request, ctx, "message.html", 403, heading="Request refused", error=reason)


def _https(request: Request) -> bool:
    return request.url.scheme == "https"
