"""Structured logging: one event per unit of work, as JSON lines or readable key=value pairs."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog


def configure_logging(
    level: str = "info", *, json: bool = False, stream: TextIO | None = None
) -> None:
    """Called once by the entry point; library code only asks for loggers."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False, pad_event_to=0)
    )
    number = logging.getLevelNamesMapping()[level.upper()]
    output = stream or sys.stderr
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(number),
        logger_factory=structlog.PrintLoggerFactory(output),
        cache_logger_on_first_use=False,
    )
    route_standard_logging(renderer, number, stream)
    # trafilatura warns through the standard library for every page without an article; the
    # article's own event already says so.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)


def route_standard_logging(renderer: Any, level: int, stream: TextIO | None) -> None:
    """What libraries log through the standard library (APScheduler, uvicorn, alembic,
    procrastinate) comes out as our own events, in the same format and stream, with the
    library's logger as `logger`; without this Python prints their warnings as bare lines on
    stderr. Their routine lines (every job run, every migration step) stay out unless the
    level is debug: our own events already say what happened."""
    handler = _Stream(stream)
    handler.setLevel(level if level <= logging.DEBUG else max(level, logging.WARNING))
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
            foreign_pre_chain=[
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.processors.format_exc_info,
            ],
        )
    )
    handler.set_name(_HANDLER)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


_HANDLER = "aggregator"


class _Stream(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to `stream`, or to whatever `sys.stderr` is at the time of each record (a
    command run under a test runner gets its stderr replaced and closed afterwards)."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__(stream)
        self.fixed = stream is not None

    def emit(self, record: logging.LogRecord) -> None:
        if not self.fixed:
            self.stream = sys.stderr
        super().emit(record)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
