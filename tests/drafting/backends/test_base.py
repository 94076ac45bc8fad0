"""The records every backend shares: usage, replies, errors."""

from __future__ import annotations

from aggregator.drafting.backends import (
    BackendError,
    BackendReply,
    PartResult,
    Usage,
)


def test_usage_adds_up() -> None:
    first = Usage(input_tokens=10, output_tokens=2, requests=1)
    second = Usage(input_tokens=5, output_tokens=1, characters=7, cost=0.5, requests=2)
    assert first.plus(second) == Usage(15, 3, 7, 0.5, 3)
    assert first.plus(first).cost is None


def test_error_names_backend_and_status() -> None:
    error = BackendError("deepl", "Quota exceeded", retryable=False, status=456)
    assert str(error) == "deepl (HTTP 456): Quota exceeded"
    assert (error.backend, error.detail, error.status, error.retryable) == (
        "deepl",
        "Quota exceeded",
        456,
        False,
    )


def test_reply_text_by_name() -> None:
    reply = BackendReply((PartResult("a", "x"), PartResult("b", None, "empty")), Usage(), None)
    assert (reply.text("a"), reply.text("b"), reply.text("c")) == ("x", None, None)
