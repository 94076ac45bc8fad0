from __future__ import annotations

import pytest

from aggregator.net.robots import _site


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://Example.org/a/b?c", "https://example.org"),
        ("http://example.org:8080/x", "http://example.org:8080"),
        ("http://[::FFFF:127.0.0.1]:81/page", "http://[::ffff:127.0.0.1]:81"),
        ("http://[2001:db8::1]/", "http://[2001:db8::1]"),
    ],
)
def test_a_site_is_scheme_host_and_port_with_ipv6_in_brackets(url: str, site: str) -> None:
    assert _site(url) == site
