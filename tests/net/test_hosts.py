"""One reading of a URL's host, for politeness, feed names, rules and checks."""

from __future__ import annotations

import pytest

from aggregator.net.hosts import host_key, host_of, hostname, site_name


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://News.Example.org/a", "news.example.org"),
        ("http://[::1]:81/", "::1"),
        ("http://example.org:port/", "example.org"),
        ("http://[::1/", ""),
        ("mailto:someone", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_hostname(url: str | None, host: str) -> None:
    assert hostname(url) == host


def test_host_key_keeps_a_written_port_and_refuses_a_bad_one() -> None:
    assert host_key("http://127.0.0.1:8081/x") == "127.0.0.1:8081"
    assert host_key("https://Example.org/") == "example.org:"
    with pytest.raises(ValueError, match="port"):
        host_key("http://example.org:port/")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://News.Example.org/a", "news.example.org:"),
        ("http://127.0.0.1:8081/x", "127.0.0.1:8081"),
        ("http://[::1]:81/", "::1:81"),
        ("http://example.org:port/", None),
        ("http://[::1/", None),
        ("mailto:someone", None),
        ("", None),
        (None, None),
    ],
)
def test_host_of(url: str | None, host: str | None) -> None:
    assert host_of(url) == host


def test_site_name_drops_www_only_at_the_start() -> None:
    assert site_name("https://www.Example.org/feed") == "example.org"
    assert site_name("https://news.www.example.org/") == "news.www.example.org"
    assert site_name("not a url") == ""
