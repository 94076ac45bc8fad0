"""Slowing repeated sign-in failures: credential stuffing and password guessing made slow.

Failures are counted per key: one per account ("account:<name folded>", also for names
that have no account, so the delay does not tell which exist) and one per address
("address:<client ip>", so one address cannot try many accounts quickly). Once a key has
`failures_before_delay` failures, each next try must wait since the last failure 1 s, then
2 s, 4 s ... doubling with each further failure up to `max_delay_seconds`. A try made too early
is refused without the password being checked (it neither counts nor resets anything); a
success clears the account's key, not the address's.

Pure: the counts and times come from the store (`storage/accounts.py`), `now` from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from aggregator.auth.names import name_key
from aggregator.auth.settings import WebSettings

MAX_DOUBLINGS = 60
"""2**60 s is beyond any cap: the exponent stops growing there (no float overflow)."""


def account_key(name: str) -> str:
    """The account's key: its name compared as the store compares names (NFKC, case-folded),
    so "Ana", "ANA" and the full-width "\uff41\uff4e\uff41" share one count."""
    return f"account:{name_key(name.strip())}"


def address_key(address: str) -> str:
    return f"address:{address}"


def delay_seconds(count: int, settings: WebSettings) -> float:
    """How long after its last failure a key with `count` failures must wait: 0 before
    `failures_before_delay`, then 1 s doubling with each failure, at most `max_delay_seconds`."""
    beyond = count - settings.failures_before_delay
    if beyond < 0:
        return 0.0
    return float(min(2.0 ** min(beyond, MAX_DOUBLINGS), settings.max_delay_seconds))


def wait_seconds(
    count: int, last_at: datetime | None, now: datetime, settings: WebSettings
) -> float:
    """How long a key with `count` failures, the last at `last_at`, must still wait at `now`
    before its next try is checked; 0 when it may try now."""
    if last_at is None:
        return 0.0
    waited = (now - last_at).total_seconds()
    return max(0.0, delay_seconds(count, settings) - max(0.0, waited))


def longest_wait(
    failures: Iterable[tuple[int, datetime | None]], now: datetime, settings: WebSettings
) -> float:
    """The wait of the slowest key among `failures` (count, last failure) at `now`."""
    return max((wait_seconds(c, last, now, settings) for c, last in failures), default=0.0)


def refusal(wait: float) -> str:
    """The sentence refusing a try made `wait` seconds too early (whole seconds, rounded up)."""
    seconds = max(1, int(-(-wait // 1)))
    return f"too many failed sign-ins for this account or address: try again in {seconds} s"
