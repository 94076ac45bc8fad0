"""Structured logging: our events and the libraries' standard-library records alike."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from aggregator.logs import configure_logging, get_logger


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("trafilatura").setLevel(logging.NOTSET)
    structlog.reset_defaults()


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_our_events_are_json_lines_at_or_above_the_level() -> None:
    out = io.StringIO()
    configure_logging("info", json=True, stream=out)
    get_logger("aggregator.test").info("feed_refreshed", feed="a", items=3)
    get_logger("aggregator.test").debug("not_shown")
    [event] = lines(out)
    assert event["event"] == "feed_refreshed"
    assert event["level"] == "info"
    assert event["items"] == 3
    assert "timestamp" in event


def test_a_librarys_warning_is_one_structured_event_not_a_bare_line() -> None:
    out = io.StringIO()
    configure_logging("info", json=True, stream=out)
    logging.getLogger("apscheduler.executors.default").warning(
        'Run time of job "tick" was missed by %s', "0:00:02"
    )
    [event] = lines(out)
    assert event["event"] == 'Run time of job "tick" was missed by 0:00:02'
    assert event["level"] == "warning"
    assert event["logger"] == "apscheduler.executors.default"


def test_routine_library_lines_stay_out_below_warning() -> None:
    out = io.StringIO()
    configure_logging("info", json=True, stream=out)
    logging.getLogger("apscheduler.executors.default").info('Running job "tick"')
    logging.getLogger("uvicorn.error").info("Started server process")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade")
    assert out.getvalue() == ""


def test_at_debug_the_libraries_routine_lines_come_through() -> None:
    out = io.StringIO()
    configure_logging("debug", json=True, stream=out)
    logging.getLogger("alembic.runtime.migration").info("Running upgrade")
    assert [e["logger"] for e in lines(out)] == ["alembic.runtime.migration"]


def test_configuring_twice_leaves_one_handler() -> None:
    configure_logging("info", json=True, stream=io.StringIO())
    out = io.StringIO()
    configure_logging("warning", json=True, stream=out)
    logging.getLogger("procrastinate").warning("once")
    assert [e["event"] for e in lines(out)] == ["once"]


def test_readable_format_names_the_library() -> None:
    out = io.StringIO()
    configure_logging("info", json=False, stream=out)
    logging.getLogger("apscheduler.scheduler").warning("skipped")
    assert "skipped" in out.getvalue()
    assert "apscheduler.scheduler" in out.getvalue()
