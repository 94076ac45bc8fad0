from __future__ import annotations

import ipaddress

import pytest

from aggregator.net.addresses import (
    is_allowed,
    is_refused_literal,
    literal_address,
    parse_allowlist,
)

LOOPBACK_ONLY = parse_allowlist(["127.0.0.1/32"])


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::",
        "::1",
        "fe80::1",
        "fc00::1",
        "224.0.0.1",
        "240.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "64:ff9b::7f00:1",
        "2002:7f00:1::",
        "2002:a00:1::",
        "::127.0.0.1",
        "::10.0.0.1",
        "198.18.0.1",
    ],
)
def test_private_and_encoded_private_addresses_are_refused(address: str) -> None:
    assert not is_allowed(ipaddress.ip_address(address), False)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_allowed(ipaddress.ip_address(address), False)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.2", "::1", "::ffff:127.0.0.1", "10.0.0.1", "0.0.0.0", "::", "64:ff9b::7f00:1"],
)
def test_an_allowlist_lets_through_exactly_what_it_names(address: str) -> None:
    assert is_allowed(ipaddress.ip_address("127.0.0.1"), LOOPBACK_ONLY)
    assert not is_allowed(ipaddress.ip_address(address), LOOPBACK_ONLY)


def test_unspecified_is_refused_even_when_everything_private_is_allowed() -> None:
    assert is_allowed(ipaddress.ip_address("10.0.0.1"), True)
    assert not is_allowed(ipaddress.ip_address("0.0.0.0"), True)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("0", "0.0.0.0"),
        ("example.org", None),
        ("cafe.be", None),
    ],
)
def test_legacy_literal_spellings_are_recognised(host: str, expected: str | None) -> None:
    address = literal_address(host)
    assert (str(address) if address else None) == expected


def test_refused_literal() -> None:
    assert is_refused_literal("2130706433", LOOPBACK_ONLY) is False
    assert is_refused_literal("0177.0.0.2", LOOPBACK_ONLY) is True
    assert is_refused_literal("example.org", False) is False


def test_bad_allowlist_entry_is_explained() -> None:
    with pytest.raises(ValueError, match="not an address or CIDR range"):
        parse_allowlist(["10.0.0.1/8"])
