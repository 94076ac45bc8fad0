"""Password hashes: argon2id with argon2-cffi's default parameters (RFC 9106's low-memory
profile: 64 MiB, 3 passes, 4 lanes), each hash carrying its own salt and parameters.

Only the hash is stored; a password is never logged, echoed or kept in clear.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
"""Long enough for any passphrase, short enough that hashing it costs nothing extra."""


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of `password`, with a fresh random salt."""
    return _hasher().hash(password)


def password_matches(stored_hash: str | LazyHash, password: str) -> bool:
    """Whether `password` is the one `stored_hash` was made from; False, never an exception,
    for a wrong password or a hash that cannot be read. `DUMMY_HASH` never matches."""
    try:
        return _hasher().verify(str(stored_hash), password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether `stored_hash` was made with other parameters than today's (hash it again at the
    next sign-in)."""
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def check_new_password(password: str) -> None:
    """ValueError saying why `password` may not be chosen: 10 to 1024 characters, not only
    spaces, no line breaks (it is typed on one line)."""
    if not password.strip():
        raise ValueError("the password is empty or only spaces; choose at least 10 characters")
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(
            f"the password has {len(password)} characters; choose at least {MIN_PASSWORD_CHARS}"
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValueError(f"the password has more than {MAX_PASSWORD_CHARS} characters")
    if "\n" in password or "\r" in password or "\0" in password:
        raise ValueError("the password holds a line break or NUL; type it on one line")


@cache
def dummy_hash() -> str:
    """A hash of no one's password, made the first time it is needed: checking a password
    against it spends the time a real account's check does, so a sign-in as an unknown name
    takes as long as one with a wrong password."""
    return hash_password(secrets.token_urlsafe(32))  # nobody knows it: it never matches


class LazyHash:
    """`DUMMY_HASH`: the hash made on first use; `password_matches` takes it as it is, elsewhere
    read it as `str(DUMMY_HASH)` or `DUMMY_HASH.value`."""

    @property
    def value(self) -> str:
        return dummy_hash()

    def __str__(self) -> str:
        return dummy_hash()


DUMMY_HASH = LazyHash()
"""No work at import: the hash is made on first use (`dummy_hash()`)."""


def spend_check_time(password: str) -> None:
    """Check `password` against the dummy hash: the time of a sign-in with an unknown name."""
    password_matches(dummy_hash(), password)
