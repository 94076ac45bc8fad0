"""What the CLI shows: rich tables on a terminal, plain text when piped (progress: progress.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from aggregator.storage.store import FeedRow


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "-"
    seconds = (when - now).total_seconds()
    span = abs(seconds)
    text = (
        f"{span:.0f}s"
        if span < 90
        else f"{span / 60:.0f}m"
        if span < 5400
        else f"{span / 3600:.0f}h"
        if span < 172800
        else f"{span / 86400:.0f}d"
    )
    return f"in {text}" if seconds > 0 else f"{text} ago"


def feed_cells(row: FeedRow, now: datetime) -> dict[str, str]:
    status = row.last_status or "never fetched"
    if row.last_http_status and row.last_status != "not_modified":
        status += f" ({row.last_http_status})"
    if row.last_error:
        status += f": {row.last_error}"
    elif row.last_problem:
        status += f" [malformed: {row.last_problem}]"
    if row.in_config and row.config_url and row.config_url != row.url:
        status += f"; moved to {row.url}; run `aggregator feeds update-urls`"
    if row.retired_at is not None:
        next_check = "retired (enable by hand)"
    elif not row.enabled or not row.in_config:
        next_check = "disabled" if row.in_config else "not in config"
    else:
        next_check = f"{_ago(row.next_check_at, now) if row.next_check_at else 'now'}"
        if row.next_check_reason:
            next_check += f": {row.next_check_reason}"
    return {
        "name": row.name,
        "url": row.config_url or row.url,
        "status": status,
        "last success": _ago(row.last_success_at, now),
        "items": str(row.items),
        "errors": str(row.error_count),
        "next check": next_check,
    }


def feeds_table(rows: Iterable[FeedRow], out: TextIO) -> None:
    now = datetime.now(UTC)
    _table([feed_cells(r, now) for r in rows], out, title="feeds")


def items_table(rows: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    cells = [
        {
            "id": str(r["id"]),
            "feed": str(r["feed"]),
            "published": r["published"].isoformat(timespec="minutes") if r["published"] else "-",
            "title": (r["title"] or "")[:80],
            "article": _article_cell(r),
            "url": r["url"] or "",
        }
        for r in rows
    ]
    _table(cells, out, title="items")


def _article_cell(row: Mapping[str, Any]) -> str:
    """Method, quality and language, so that weak extractions stand out."""
    if row.get("extraction_method") is None:
        return row.get("extraction_state") or "-"
    quality = row.get("quality")
    return (
        f"{row['extraction_method']} q={quality:.2f} {row.get('language') or '?'}"
        if quality is not None
        else str(row["extraction_method"])
    )


def _table(cells: list[dict[str, str]], out: TextIO, title: str) -> None:
    if not cells:
        out.write(f"no {title}\n")
        return
    if not out.isatty():
        out.write("\t".join(cells[0]) + "\n")
        for row in cells:
            out.write(
                "\t".join(v.replace("\t", " ").replace("\n", " ") for v in row.values()) + "\n"
            )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*cells[0], title=None, expand=False)
    for row in cells:
        table.add_row(*row.values())
    Console(file=out).print(table)


def queue_table(view: Any, out: TextIO) -> None:
    """The `workers` command: tasks per kind and state, then the live workers."""
    now = datetime.now(UTC)
    cells = [
        {
            "task": t.task.removeprefix("aggregator."),
            "waiting": str(t.counts["todo"]),
            "running": str(t.counts["doing"]),
            "failed": str(t.counts["failed"]),
            "cancelled": str(t.counts["cancelled"] + t.counts["aborted"]),
            "oldest waiting": _ago(t.oldest_waiting, now),
        }
        for t in view.tasks
    ]
    _table(cells, out, title="tasks")
    workers = [
        {"worker": str(worker_id), "last heartbeat": _ago(beat, now)}
        for worker_id, beat in view.workers
    ]
    _table(workers, out, title="workers running")
