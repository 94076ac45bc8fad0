"""The stub records, under the name drafting's modules know them by: they live in
`aggregator/stub_records.py`, below the store, which reads and writes them."""

from __future__ import annotations

from aggregator.stub_records import (
    APPROVED,
    DRAFT,
    EDITED,
    HEADINGS,
    KINDS,
    MACHINE_DRAFT,
    PART_NAMES,
    PREPARED,
    REJECTED,
    REVIEWED,
    STATES,
    TO_WRITE,
    Entry,
    Part,
    PartKind,
    PartName,
    Provenance,
    Stub,
)

__all__ = [
    "APPROVED",
    "DRAFT",
    "EDITED",
    "HEADINGS",
    "KINDS",
    "MACHINE_DRAFT",
    "PART_NAMES",
    "PREPARED",
    "REJECTED",
    "REVIEWED",
    "STATES",
    "TO_WRITE",
    "Entry",
    "Part",
    "PartKind",
    "PartName",
    "Provenance",
    "Stub",
]
