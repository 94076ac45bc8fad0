"""The feeds of one refresh task, fetched as politeness allows: different hosts at once, the
feeds of one host in turn, so that no host ever has two of the task's requests in flight."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

from aggregator.net.hosts import host_of
from aggregator.records import FeedToFetch, RefreshReport


class Refreshes(Protocol):
    async def refresh(self, feed: FeedToFetch) -> RefreshReport: ...


def by_host(feeds: Sequence[FeedToFetch]) -> list[list[FeedToFetch]]:
    """The feeds grouped by host, in the order given within a host."""
    groups: defaultdict[str | None, list[FeedToFetch]] = defaultdict(list)
    for feed in feeds:
        groups[host_of(feed.url)].append(feed)
    return list(groups.values())


async def refresh_batch(refresher: Refreshes, feeds: Sequence[FeedToFetch]) -> list[RefreshReport]:
    """A report for every feed refreshed. A refresh never raises for a problem of its feed (it
    is the stored error and the report), so one bad feed stops neither its host's next feeds
    nor the other hosts. What does raise (an ImportError: the installation, not a feed) is
    raised once every host's turn has ended, after the reports of the others were kept."""

    reports: list[RefreshReport] = []

    async def in_turn(group: list[FeedToFetch]) -> None:
        for feed in group:
            reports.append(await refresher.refresh(feed))

    results = await asyncio.gather(*(in_turn(g) for g in by_host(feeds)), return_exceptions=True)
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        raise BatchFailed(reports) from failures[0]
    return reports


class BatchFailed(Exception):
    """A host's turn ended on an exception; `reports` are the feeds refreshed meanwhile, whose
    new items still need their extraction queued."""

    def __init__(self, reports: list[RefreshReport]) -> None:
        super().__init__("a refresh of the batch raised; see the cause")
        self.reports = reports
