"""The random secrets of sessions and tokens, and the hash the store keeps of each."""

from __future__ import annotations

import hashlib
import re

import pytest

from aggregator.auth.secrets import new_secret, secret_hash


@pytest.mark.parametrize("kind", ["api", "feed", "session"])
def test_a_secret_names_its_kind_and_holds_256_random_bits(kind: str) -> None:
    secrets = {new_secret(kind) for _ in range(200)}
    assert len(secrets) == 200
    for secret in secrets:
        assert re.fullmatch(rf"agg_{kind}_[A-Za-z0-9_-]{{43}}", secret)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind of secret 'password'"):
        new_secret("password")


def test_the_hash_is_the_sha256_of_the_secret() -> None:
    secret = new_secret("api")
    assert secret_hash(secret) == hashlib.sha256(secret.encode()).hexdigest()
    assert len(secret_hash(secret)) == 64
    assert secret_hash(secret) != secret_hash(new_secret("api"))
    assert secret not in secret_hash(secret)


def test_any_text_sent_as_a_secret_can_be_hashed() -> None:
    for sent in ("", "\ud800", "ünïcode", "x" * 10_000):
        assert len(secret_hash(sent)) == 64
