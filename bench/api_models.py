"""What the API's pydantic models cost against the hand-written code they replaced, in one run.

Run by hand: `.venv/bin/python bench/api_models.py [--quick] [--stubs N] [--rounds R]`.

Serialising: a page of `--stubs` synthetic stubs (12 parts each, a few with entries, 4 KB of
JSON a stub as on the desk) answered as `/api/stubs` answers them: `StubList` of `Stub.of` with
`model_dump_json`, against the dict-building and `json.dumps` of the former `api_json.py`
(copied below as the baseline; `ensure_ascii=False` and compact separators, as starlette's
JSONResponse wrote it). Validating: a part edit's body, `PartEdit.model_validate` with the
category context, against the former `isinstance` checks and the same rule calls. Each figure
is the median of `--rounds` timings; the ratio is what to quote (the machine may be busy).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aggregator.stub_records import (
    EDITED,
    MACHINE_DRAFT,
    PART_NAMES,
    PREPARED,
    TO_WRITE,
    Entry,
    Part,
    Provenance,
    Stub,
)
from aggregator.web import rules
from aggregator.web.api.answers import Stub as StubAnswer
from aggregator.web.api.answers import StubList
from aggregator.web.api.bodies import PartEdit


def synthetic_stub(item_id: int, now: datetime) -> Stub:
    kinds = (PREPARED, MACHINE_DRAFT, TO_WRITE, EDITED)
    parts = []
    for number, name in enumerate(PART_NAMES):
        entries = ()
        if name in ("key_points", "related_news"):
            entries = tuple(
                Entry(f"Point {k} of story {item_id}.", start=k * 40, end=k * 40 + 30)
                if name == "key_points"
                else Entry(f"Story {k}", url=f"https://example.org/{k}", score=0.5, source="wire")
                for k in range(4)
            )
        parts.append(
            Part(
                name=name,
                kind=kinds[number % 4],
                content=f"{name} of story {item_id}: " + "text of the part " * 12,
                prompt="What belongs here." if kinds[number % 4] == TO_WRITE else None,
                by="extractive summary",
                entries=entries,
            )
        )
    provenance = Provenance(
        feed="wire",
        fetched_at=now.isoformat(),
        extraction_method="generic",
        content_hash="0" * 64,
        source_language="en",
        target_language="ja",
        backends=("deepl",),
        usage={"characters": 1200.0},
    )
    return Stub(
        item_id=item_id,
        feed="wire",
        guid=f"urn:{item_id}",
        url=f"https://example.org/story/{item_id}",
        state="draft",
        stale=False,
        stale_reason=None,
        category="General",
        parts=tuple(parts),
        provenance=provenance,
        pending=None,
        errors=(),
        drafted_at=now - timedelta(minutes=item_id),
        updated_at=now,
        published=now - timedelta(hours=1),
        quality=0.8,
    )


def former_stub_json(stub: Stub) -> dict[str, Any]:
    """The baseline: the former `api_json.stub_json`, as it was."""
    return {
        "item_id": stub.item_id,
        "feed": stub.feed,
        "guid": stub.guid,
        "url": stub.url,
        "title": stub.title,
        "state": stub.state,
        "state_changed_at": _time(stub.state_changed_at),
        "state_changed_by": stub.state_changed_by,
        "stale": stub.stale,
        "stale_reason": stub.stale_reason,
        "category": stub.category,
        "source_language": stub.provenance.source_language,
        "target_language": stub.provenance.target_language,
        "quality": stub.quality,
        "published": _time(stub.published),
        "author": stub.author,
        "pending": stub.pending,
        "errors": list(stub.errors),
        "drafted_at": _time(stub.drafted_at),
        "updated_at": _time(stub.updated_at),
        "version": stub.version,
        "provenance": stub.provenance.to_json(),
        "parts": [part.to_json() for part in stub.parts],
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def former_list(found: list[Stub]) -> bytes:
    body = {
        "total": len(found),
        "limit": 50,
        "offset": 0,
        "items": [former_stub_json(s) for s in found],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def model_list(found: list[Stub]) -> bytes:
    items = [StubAnswer.of(s) for s in found]
    return StubList(total=len(found), limit=50, offset=0, items=items).model_dump_json().encode()


def former_edit(body: Any) -> tuple[str, str]:
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    content, editor = body.get("content"), body.get("editor")
    if not isinstance(content, str) or not isinstance(editor, str):
        raise ValueError("required: a string")
    return rules.category_name(content, ("General", "Politics")), rules.editor_name(editor)


def model_edit(body: Any) -> tuple[str, str]:
    edit = PartEdit.model_validate(body, context={"part": "category", "categories": ("General",)})
    return edit.content, edit.editor


def timed(fn: Callable[[], object], rounds: int, repeat: int) -> float:
    """Median seconds of one call of `fn` over `rounds` rounds of `repeat` calls."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        samples.append((time.perf_counter() - start) / repeat)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stubs", type=int, default=50, help="stubs in a page (50)")
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds (15)")
    parser.add_argument("--quick", action="store_true", help="5 rounds, for a smoke run")
    args = parser.parse_args(argv)
    rounds = 5 if args.quick else args.rounds
    now = datetime(2026, 12, 7, tzinfo=UTC)
    found = [synthetic_stub(i, now) for i in range(1, args.stubs + 1)]
    assert json.loads(former_list(found)) == json.loads(model_list(found)), "not the same JSON"
    body = {"content": "General", "editor": "Ana Kovač"}
    assert former_edit(body) == model_edit(body)
    page_bytes = len(model_list(found))
    before = timed(lambda: former_list(found), rounds, 5)
    after = timed(lambda: model_list(found), rounds, 5)
    edit_before = timed(lambda: former_edit(body), rounds, 2000)
    edit_after = timed(lambda: model_edit(body), rounds, 2000)
    print(f"a page of {args.stubs} stubs ({page_bytes:,} bytes of JSON), median of {rounds}:")
    print(f"  hand-written dicts + json.dumps  {before * 1e3:7.2f} ms")
    print(f"  pydantic models, model_dump_json {after * 1e3:7.2f} ms  ({after / before:.2f}x)")
    print("a part edit's body, validated:")
    print(f"  isinstance checks + rules        {edit_before * 1e6:7.1f} us")
    ratio = edit_after / edit_before
    print(f"  PartEdit.model_validate          {edit_after * 1e6:7.1f} us  ({ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
