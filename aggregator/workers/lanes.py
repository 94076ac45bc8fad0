"""Lanes: the hosts of the feeds and pages, hashed into `[workers].lanes` groups.

A refresh task carries the due feeds of one lane (several hosts) and holds the lock of that
lane, so two tasks sending requests to one host never run at once on any worker, while one task
still fetches several hosts' feeds at the same time. Every host maps to exactly one lane.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence

from aggregator.storage.work import Due


def lane_of(host: str | None, lanes: int) -> int:
    """The lane of `host`: a stable hash (blake2b; Python's `hash` of a string differs from
    process to process), the same on every worker. A URL without a host goes to lane 0."""
    if not host:
        return 0
    digest = hashlib.blake2b(host.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % lanes


def lane_batches(work: Sequence[Due], lanes: int, size: int) -> Iterator[tuple[int, list[int]]]:
    """Ids grouped by the lane of their host, at most `size` to a group, in the order given
    within a lane (the longest waiting first, as `due_work` reads them)."""
    by_lane: defaultdict[int, list[int]] = defaultdict(list)
    for due in work:
        by_lane[lane_of(due.host, lanes)].append(due.id)
    for lane, ids in by_lane.items():
        for start in range(0, len(ids), size):
            yield lane, ids[start : start + size]
