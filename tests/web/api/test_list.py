"""`/api/stubs` answers summaries (no parts) unless asked for `parts=yes`: the same stubs, the
fields the full stub has, and a fraction of the bytes."""

from __future__ import annotations

import sqlalchemy as sa

from aggregator.storage.desk import StubFilter
from aggregator.storage.tables import articles, items, stubs
from tests.web.conftest import Web

SUMMARY_KEYS = {
    "item_id",
    "feed",
    "url",
    "title",
    "state",
    "stale",
    "category",
    "source_language",
    "target_language",
    "quality",
    "published",
    "drafted_at",
    "updated_at",
    "to_write",
    "version",
}


def copy_stubs(web: Web, total: int) -> None:
    """Copies of the drafted stubs (their items, articles and parts) until there are `total`."""
    store = web.ctx.app.store
    with store.writing() as conn:
        originals = [
            (
                conn.execute(sa.select(items).where(items.c.id == s.item_id)).one()._asdict(),
                conn.execute(sa.select(articles).where(articles.c.item_id == s.item_id))
                .one()
                ._asdict(),
                conn.execute(sa.select(stubs).where(stubs.c.item_id == s.item_id)).one()._asdict(),
            )
            for s in web.ctx.desk.find_summaries(StubFilter())
        ]
        next_id = max(o[0]["id"] for o in originals) + 1
        for n in range(total - len(originals)):
            item, article, stub = originals[n % len(originals)]
            new_id = next_id + n
            conn.execute(
                items.insert().values(
                    {**item, "id": new_id, "identity_hash": f"{new_id:064x}"},
                )
            )
            conn.execute(articles.insert().values({**article, "item_id": new_id}))
            conn.execute(
                stubs.insert().values(
                    {**stub, "item_id": new_id, "title": None, "to_write": 0},
                )
            )


def test_the_list_answers_summaries_that_say_what_the_stubs_say(web: Web) -> None:
    body = web.client.get("/api/stubs").json()
    assert body["total"] == 2
    for item in body["items"]:
        assert set(item) == SUMMARY_KEYS
        stub = web.ctx.desk.get(item["item_id"])
        assert item["title"] == stub.title
        assert item["state"] == stub.state
        assert item["category"] == stub.category
        assert item["source_language"] == stub.provenance.source_language
        assert item["target_language"] == stub.provenance.target_language
        assert item["drafted_at"] == stub.drafted_at.isoformat()
        assert item["updated_at"] == stub.updated_at.isoformat()
        assert item["version"] == stub.version
        assert item["to_write"] == sum(1 for p in stub.parts if p.kind == "to_write")
    full = web.client.get("/api/stubs?parts=yes").json()
    assert [i["item_id"] for i in full["items"]] == [i["item_id"] for i in body["items"]]
    assert all("parts" in i for i in full["items"])


def test_fifty_summaries_are_a_fraction_of_fifty_full_stubs(web: Web) -> None:
    copy_stubs(web, 50)
    summaries = web.client.get("/api/stubs?limit=50")
    full = web.client.get("/api/stubs?limit=50&parts=1")
    assert summaries.status_code == full.status_code == 200
    assert len(summaries.json()["items"]) == len(full.json()["items"]) == 50
    assert {i["title"] for i in summaries.json()["items"]} == {
        i["title"] for i in full.json()["items"]
    }, "the copies' titles come from their parts (the database's triggers)"
    assert len(summaries.content) * 5 < len(full.content), (
        len(summaries.content),
        len(full.content),
    )


def test_parts_takes_yes_or_no(web: Web) -> None:
    for value in ("yes", "true", "1"):
        assert "parts" in web.client.get(f"/api/stubs?parts={value}").json()["items"][0]
    for value in ("no", "false", "0"):
        assert "parts" not in web.client.get(f"/api/stubs?parts={value}").json()["items"][0]
    response = web.client.get("/api/stubs?parts=maybe")
    assert response.status_code == 400
    assert "parts" in response.json()["error"]
