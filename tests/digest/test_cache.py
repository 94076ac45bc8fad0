"""Recent documents by entity tag (readers at the same moment share one build; old ones go)
and entries by stub version."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest

from aggregator.digest.cache import DocumentCache, EntryCache, Rendered
from aggregator.digest.model import DigestEntry
from aggregator.digest.views import DigestView
from aggregator.stub_records import Stub
from tests.digest.helpers import maker, page, stubs


def rendered(etag: str) -> Rendered:
    return Rendered(etag.encode(), "application/atom+xml", etag, None, 0)


def test_one_build_for_readers_at_the_same_moment() -> None:
    builds: list[str] = []

    async def build() -> Rendered:
        builds.append("x")
        await asyncio.sleep(0.01)
        return rendered('"a"')

    async def run() -> list[Rendered]:
        cache = DocumentCache()
        together = await asyncio.gather(*(cache.get_or_build('"a"', build) for _ in range(5)))
        later = await cache.get_or_build('"a"', build)
        return [*together, later]

    results = asyncio.run(run())
    assert builds == ["x"]
    assert {r.body for r in results} == {b'"a"'}


def test_a_failed_build_is_not_kept() -> None:
    calls = 0

    async def build() -> Rendered:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database gone")
        return rendered('"a"')

    async def run() -> Rendered:
        cache = DocumentCache()
        with pytest.raises(RuntimeError):
            await cache.get_or_build('"a"', build)
        return await cache.get_or_build('"a"', build)

    assert asyncio.run(run()).etag == '"a"'
    assert calls == 2


def test_only_the_latest_documents_are_kept() -> None:
    cache = DocumentCache(documents=2)
    for tag in ('"a"', '"b"', '"c"'):
        cache.keep(rendered(tag))
    assert cache.get('"a"') is None
    assert cache.get('"b"') is not None
    cache.keep(rendered('"d"'))  # "b" was used more recently than "c"
    assert cache.get('"c"') is None
    assert cache.get('"b"') is not None


def test_entries_are_reused_until_their_stub_changes() -> None:
    made: list[int] = []
    m = maker()

    def make(stub: Stub) -> DigestEntry:
        made.append(stub.item_id)
        return m.entry(stub)

    cache = EntryCache(entries=3)
    found = stubs(3)
    first = [cache.get_or_make(s, make) for s in found]
    again = [cache.get_or_make(s, make) for s in found]
    assert made == [100, 101, 102]
    assert all(a is b for a, b in zip(first, again, strict=True))
    changed = dataclasses.replace(found[0], updated_at=found[0].updated_at + timedelta(seconds=1))
    assert cache.get_or_make(changed, make).updated == changed.updated_at
    assert made == [100, 101, 102, 100]
    cache.get_or_make(found[1], make)  # still kept; found[0]'s old version was the oldest used
    assert made == [100, 101, 102, 100]
    cache.get_or_make(found[0], make)
    assert made == [100, 101, 102, 100, 100]


def test_a_render_with_the_entry_cache_is_the_same_document() -> None:
    cache = EntryCache()
    m, view = maker(), DigestView("atom")
    plain = m.render(page(stubs(3)), view).body
    assert m.render(page(stubs(3)), view, cache).body == plain
    assert m.render(page(stubs(3)), view, cache).body == plain
