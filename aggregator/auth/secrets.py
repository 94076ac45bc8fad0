"""The random secrets of sessions and tokens, and the hash of each that the store keeps.

A secret is 256 random bits (`secrets.token_urlsafe(32)`) after a prefix naming its kind, so a
leaked one is recognisable (`agg_api_...`, `agg_feed_...`, `agg_session_...`). Guessing one is
hopeless, so a plain SHA-256 is enough for the stored hash: no salt, no slow function.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "agg_"
KINDS = frozenset({"api", "feed", "session"})
SECRET_BYTES = 32


def new_secret(kind: str) -> str:
    """A fresh secret of `kind` ("api", "feed" or "session"): `agg_<kind>_<43 characters>`."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of secret {kind!r}: kinds are {', '.join(sorted(KINDS))}")
    return f"{PREFIX}{kind}_{secrets.token_urlsafe(SECRET_BYTES)}"


def secret_hash(secret: str) -> str:
    """The SHA-256 (hex) of `secret`: what the store keeps and looks it up by."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
