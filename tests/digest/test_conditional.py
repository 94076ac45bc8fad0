"""Conditional requests: If-None-Match lists, `*` and weak tags; If-Modified-Since dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aggregator.digest.conditional import http_date, none_match, not_modified, strong_etag

TAG = strong_etag("a", 1)
CHANGED = datetime(2026, 11, 29, 12, 0, 30, 250_000, tzinfo=UTC)
NOW = CHANGED + timedelta(hours=1)


def test_strong_etags() -> None:
    assert TAG.startswith('"')
    assert TAG.endswith('"')
    assert len(TAG) == 34
    assert strong_etag("a", 1) == TAG != strong_etag("a", 2)


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        (TAG, True),
        (f"W/{TAG}", True),
        (f'"x", {TAG}', True),
        (f'"x",W/{TAG} , "y"', True),
        ("*", True),
        ('"x", "y"', False),
        (TAG[:-2] + '"', False),
        ("", False),
        (f"garbage, {TAG}", False),
    ],
)
def test_if_none_match(header: str, matches: bool) -> None:
    assert none_match(header, TAG) is matches


def test_http_date() -> None:
    assert http_date(CHANGED) == "Sun, 29 Nov 2026 12:00:30 GMT"


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("Sun, 29 Nov 2026 12:00:30 GMT", True),  # Last-Modified itself (to the second)
        ("Sun, 29 Nov 2026 12:05:00 GMT", True),
        ("Sun, 29 Nov 2026 12:00:29 GMT", False),
        ("Sun, 29 Nov 2026 18:00:00 GMT", False),  # in the future: invalid, ignored
        ("yesterday", False),
        ("Sunday, 29-Nov-26 12:00:30 GMT", True),  # RFC 850 form
    ],
)
def test_if_modified_since(since: str, expected: bool) -> None:
    assert not_modified(None, since, TAG, CHANGED, NOW) is expected


def test_if_none_match_takes_precedence() -> None:
    since = http_date(CHANGED)
    assert not_modified('"other"', since, TAG, CHANGED, NOW) is False
    assert not_modified(TAG, "Sun, 01 Jan 2000 00:00:00 GMT", TAG, CHANGED, NOW) is True
    assert not_modified(None, since, TAG, None, NOW) is False
    assert not_modified(None, None, TAG, CHANGED, NOW) is False
