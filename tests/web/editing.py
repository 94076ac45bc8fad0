"""Helpers for the tests of the editors' pages and API: the two drafted stories by title,
forms submitted as a browser submits them, and stored rows changed behind the desk's back."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from bs4 import BeautifulSoup, Tag

from aggregator.storage import search
from aggregator.storage.desk import StubFilter
from aggregator.storage.tables import articles, items, stubs
from tests.web.conftest import Web

DAM = "Floods close the river port"
VOTE = "Council votes on flood defences"
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
VERSION = re.compile(r'name="version" value="(\d+)"')
API_WRITE = re.compile(r"/api/stubs/(\d+)/(?:parts/|state)")


def stub_id(web: Web, title: str) -> int:
    return next(s.item_id for s in web.ctx.desk.find(StubFilter()) if s.title == title)


def form_token(web: Web, page: str = "/feeds") -> str:
    """The hidden field of our forms, read from a page as a browser would (sets the cookie)."""
    found = TOKEN.search(web.client.get(page).text)
    assert found is not None
    return found.group(1)


def post_form(web: Web, path: str, data: dict[str, str], page: str = "/feeds") -> httpx.Response:
    """A same-origin form submission with this browser's token (and, from a stub's page, the
    version of the stub it shows, unless `data` says otherwise)."""
    html = web.client.get(page).text
    found = TOKEN.search(html)
    assert found is not None
    version = VERSION.search(html)
    fields = {"version": version.group(1)} if version is not None else {}
    return web.client.post(
        path,
        data={**fields, **data, "csrf_token": found.group(1)},
        headers={"Origin": web.base_url},
    )


def page_form(html: str, form_id: str = "parts") -> dict[str, str]:
    """The fields a browser sends for the form `form_id` of a page, as rendered: hidden and
    text inputs, textareas, the selected option of each select."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    assert isinstance(form, Tag), f"no form {form_id!r} on the page"
    fields: dict[str, str] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        assert isinstance(field, Tag)
        name = field.get("name")
        if not isinstance(name, str):
            continue
        if field.name == "textarea":
            fields[name] = field.get_text().removeprefix("\n")
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            fields[name] = str(chosen.get("value", "")) if isinstance(chosen, Tag) else ""
        elif field.get("type") != "submit":
            fields[name] = str(field.get("value", ""))
    return fields


def save_parts(
    web: Web, item_id: int, texts: dict[str, str], editor: str, html: str | None = None
) -> httpx.Response:
    """Fill parts of the stub page's form (as rendered in `html`, else as it is now) and press
    its one Save, as a browser does: every field of the form is sent."""
    page = f"/stubs/{item_id}"
    fields = page_form(html if html is not None else web.client.get(page).text)
    fields |= {f"content-{name}": text for name, text in texts.items()} | {"editor": editor}
    return web.client.post(f"{page}/parts", data=fields, headers={"Origin": web.base_url})


def if_match(web: Web, path: str) -> dict[str, str]:
    """For a write to a stub through the API, If-Match with the stub's ETag as a GET gives it
    now (no header when there is no such stub)."""
    found = API_WRITE.match(path)
    if found is None:
        return {}
    response = web.client.get(f"/api/stubs/{found.group(1)}")
    return {"If-Match": response.headers["ETag"]} if response.status_code == 200 else {}


def update(web: Web, table: sa.Table, item_id: int, **values: Any) -> None:
    key = table.c.id if table is items else table.c.item_id
    with web.ctx.app.store.writing() as conn:
        conn.execute(table.update().where(key == item_id).values(**values))


def diversify(web: Web) -> None:
    """Make the vote story differ from the dam story in every filtered column."""
    vote = stub_id(web, VOTE)
    web.ctx.desk.move(vote, "reviewed", "Ana", web.ctx.app.clock())
    provenance = {**web.ctx.desk.get(vote).provenance.to_json(), "source_language": "hr"}
    update(
        web,
        stubs,
        vote,
        stale=True,
        stale_reason="source changed",
        category="Politics",
        source_language="hr",
        provenance=provenance,
    )
    update(web, articles, vote, quality=0.3)


def clone_stubs(web: Web, item_id: int, count: int) -> None:
    """`count` more drafted stubs like `item_id`'s, drafted later, titled `Copy n`."""
    with web.ctx.app.store.writing() as conn:
        item = conn.execute(sa.select(items).where(items.c.id == item_id)).one()._asdict()
        article = conn.execute(sa.select(articles).where(articles.c.item_id == item_id)).one()
        stub = conn.execute(sa.select(stubs).where(stubs.c.item_id == item_id)).one()._asdict()
        del item["id"]
        for n in range(count):
            identity = f"{item['identity']}#{n}"
            new_id = conn.execute(
                items.insert().values(
                    **{
                        **item,
                        "identity": identity,
                        "identity_hash": hashlib.sha256(identity.encode()).hexdigest(),
                        "guid": f"urn:copy:{n}",
                        "title": f"Copy {n}",
                    }
                )
            ).inserted_primary_key[0]
            conn.execute(
                articles.insert().values(
                    **{**article._asdict(), "item_id": new_id, "title": f"Copy {n}"}
                )
            )
            parts = [
                {**p, "content": f"Copy {n}"} if p["name"] == "title" else p for p in stub["parts"]
            ]
            drafted_at = stub["drafted_at"] + timedelta(seconds=n + 1)
            conn.execute(
                stubs.insert().values(
                    **{**stub, "item_id": new_id, "parts": parts, "drafted_at": drafted_at}
                )
            )
            search.index(conn, new_id)  # as the store's own saves do
