"""Password hashes (argon2id) and the rule for a new password."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from aggregator.auth import passwords
from aggregator.auth.passwords import (
    DUMMY_HASH,
    check_new_password,
    hash_password,
    needs_rehash,
    password_matches,
)

PASSWORD = "correct horse battery"


def test_the_right_password_matches_and_a_wrong_one_does_not() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert password_matches(stored, PASSWORD)
    assert not password_matches(stored, PASSWORD + " ")
    assert not password_matches(stored, "")


def test_each_hash_has_its_own_salt() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


def test_a_hash_that_cannot_be_read_matches_nothing() -> None:
    for stored in ("", "plain text", "$argon2id$v=19$broken", PASSWORD):
        assert not password_matches(stored, PASSWORD)
        assert needs_rehash(stored)


def test_hashes_with_other_parameters_need_rehashing() -> None:
    assert not needs_rehash(hash_password(PASSWORD))
    weaker = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    assert password_matches(weaker, PASSWORD)
    assert needs_rehash(weaker)


def test_the_dummy_hash_is_made_on_first_use_and_matches_nothing() -> None:
    passwords.dummy_hash.cache_clear()
    assert passwords.dummy_hash.cache_info().currsize == 0
    assert not password_matches(DUMMY_HASH, PASSWORD)
    assert passwords.dummy_hash.cache_info().currsize == 1
    assert str(DUMMY_HASH).startswith("$argon2id$")
    assert DUMMY_HASH.value == str(DUMMY_HASH)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("", "empty"),
        (" " * 12, "only spaces"),
        ("short", "5 characters; choose at least 10"),
        ("x" * 1025, "more than 1024"),
        ("a long one\nwith a break", "line break"),
    ],
)
def test_weak_or_odd_new_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_new_password(password)


def test_good_new_passwords_pass() -> None:
    for password in ("x" * 10, "x" * 1024, "mot de passe très long", "пароль-пароль"):
        check_new_password(password)
