"""The stub's records as the store keeps them (`stub_records.py`): a part and its provenance
read back from their JSON exactly, through a real JSON encoding, for any text; a part stored
before the `edited` kind is read as edited."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from aggregator.stub_records import (
    EDITED,
    HEADINGS,
    KINDS,
    MACHINE_DRAFT,
    PART_NAMES,
    PREPARED,
    TO_WRITE,
    Entry,
    Part,
    Provenance,
    Stub,
)

TEXT = st.text(max_size=40)
MAYBE = st.none() | TEXT
ENTRIES = st.builds(
    Entry,
    text=TEXT,
    start=st.none() | st.integers(0, 10**6),
    end=st.none() | st.integers(0, 10**6),
    url=MAYBE,
    title=MAYBE,
    published=MAYBE,
    source=MAYBE,
    score=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    original=MAYBE,
    credit=MAYBE,
    licence=MAYBE,
    licence_url=MAYBE,
    licence_from=MAYBE,
    found_at=MAYBE,
)
PARTS = st.builds(
    Part,
    name=st.sampled_from(PART_NAMES),
    kind=st.sampled_from(KINDS),
    content=TEXT,
    prompt=MAYBE,
    original=MAYBE,
    pending=MAYBE,
    by=MAYBE,
    flags=st.lists(TEXT, max_size=3).map(tuple),
    entries=st.lists(ENTRIES, max_size=3).map(tuple),
)


def stored(part: Part) -> Part:
    return Part.from_json(json.loads(json.dumps(part.to_json())))


@given(PARTS)
def test_a_part_reads_back_from_its_json(part: Part) -> None:
    if part.kind == EDITED:
        # An editor's text: what was about the replaced text is not kept.
        part = dataclasses.replace(part, prompt=None, pending=None, flags=())
    assert stored(part) == part


@given(PARTS)
def test_the_json_leaves_out_what_is_unset(part: Part) -> None:
    data = part.to_json()
    assert None not in data.values()
    assert ("flags" in data) == bool(part.flags)
    assert ("entries" in data) == bool(part.entries)
    assert data.get("edited", False) is part.edited
    for entry in data.get("entries", ()):
        assert None not in entry.values()


def test_a_part_stored_before_the_edited_kind_is_edited() -> None:
    old = {
        "name": "summary",
        "kind": MACHINE_DRAFT,
        "content": "The editor's text.",
        "prompt": "Check it.",
        "pending": "translation pending",
        "flags": ["3,500 hectares"],
        "by": "editor",
        "edited": True,
    }
    part = Part.from_json(old)
    assert part == Part("summary", EDITED, "The editor's text.", by="editor")
    assert part.edited


def test_a_minimal_part_reads_with_defaults() -> None:
    assert Part.from_json({"name": "title", "kind": TO_WRITE}) == Part("title", TO_WRITE, "")


PROVENANCES = st.builds(
    Provenance,
    feed=TEXT,
    fetched_at=MAYBE,
    extraction_method=MAYBE,
    content_hash=MAYBE,
    source_language=MAYBE,
    target_language=TEXT,
    backends=st.lists(TEXT, max_size=3).map(tuple),
    prompt_version=MAYBE,
    drafted_at=MAYBE,
    usage=st.dictionaries(TEXT, st.floats(allow_nan=False, allow_infinity=False), max_size=3),
    text_cut=MAYBE,
)


@given(PROVENANCES)
def test_provenance_reads_back_from_its_json(provenance: Provenance) -> None:
    assert Provenance.from_json(json.loads(json.dumps(provenance.to_json()))) == provenance


def test_every_part_name_has_a_heading_in_page_order() -> None:
    assert list(HEADINGS) == list(PART_NAMES)


def test_a_stub_finds_its_parts_and_title() -> None:
    moment = datetime(2026, 11, 2, tzinfo=UTC)
    provenance = Provenance("city", None, None, None, "en", "ja")
    stub = Stub(
        item_id=1,
        feed="city",
        guid=None,
        url=None,
        state="draft",
        stale=False,
        stale_reason=None,
        category=None,
        parts=(Part("title", PREPARED, "Floods"), Part("summary", TO_WRITE, "")),
        provenance=provenance,
        pending=None,
        errors=(),
        drafted_at=moment,
        updated_at=moment,
    )
    assert stub.title == "Floods"
    assert stub.part("summary") == Part("summary", TO_WRITE, "")
    assert stub.part("background") is None
    assert dataclasses.replace(stub, parts=()).title == ""
