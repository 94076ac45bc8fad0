from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aggregator.net.headers import cache_hints, http_date, retry_after

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_retry_after_seconds_and_http_date() -> None:
    assert retry_after("120", NOW) == NOW + timedelta(seconds=120)
    assert retry_after("Sun, 29 Nov 2026 14:00:00 GMT", NOW) == NOW + timedelta(hours=2)
    assert retry_after("soon", NOW) is None
    assert retry_after(None, NOW) is None


def test_obsolete_http_date_forms() -> None:
    expected = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    assert http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected
    assert http_date("Sun Nov  6 08:49:37 1994") == expected


def test_cache_hints() -> None:
    assert cache_hints("public, max-age=3600", None, NOW).max_age_seconds == 3600
    assert cache_hints("no-cache, max-age=3600", None, NOW).max_age_seconds is None
    later = "Sun, 29 Nov 2026 13:00:00 GMT"
    assert cache_hints(None, later, NOW).expires == NOW + timedelta(hours=1)
    assert cache_hints(None, "Sat, 01 Jan 2000 00:00:00 GMT", NOW).expires is None
    assert cache_hints(None, "0", NOW).expires is None


def test_content_type_parts() -> None:
    from aggregator.net.headers import charset, media_type

    assert media_type("Text/HTML; charset=UTF-8") == "text/html"
    assert media_type(None) == ""
    assert charset('text/xml; Charset="iso-8859-1"') == "iso-8859-1"
    assert charset("application/rss+xml; charset=") is None
    assert charset("text/html") is None
