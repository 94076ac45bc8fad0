"""The records of accounts and tokens, passed between storage, the web and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """What an account may do; each role may do everything the ones before it may."""

    EDITOR = "editor"
    """Edits parts and moves a draft to reviewed."""
    REVIEWER = "reviewer"
    """Also approves and rejects."""
    ADMIN = "admin"
    """Also manages feeds ("Fetch now", enable) and accounts."""


RANK: dict[Role, int] = {Role.EDITOR: 1, Role.REVIEWER: 2, Role.ADMIN: 3}


def role_named(text: str) -> Role:
    """The role called `text`; ValueError naming the roles when there is none."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        names = ", ".join(role.value for role in Role)
        raise ValueError(f"unknown role {text!r}: roles are {names}") from None


class TokenKind(StrEnum):
    API = "api"
    """Sent as `Authorization: Bearer` to the JSON API."""
    FEED = "feed"
    """Carried in the address of the digest feeds, for feed readers that cannot sign in."""


class AuthMode(StrEnum):
    """How the web server learns who is asking (`[web].auth`)."""

    BUILTIN = "builtin"
    """Accounts sign in on the login page; machines send tokens."""
    PROXY = "proxy"
    """A reverse proxy signs people in and names the account in a header."""
    NONE = "none"
    """Nobody signs in; editors type their name (loopback only, unless allowed)."""


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str
    role: Role
    disabled: bool
    created_at: datetime
    password_changed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Token:
    """A personal token; its secret is never stored, only its hash."""

    id: int
    account: str
    kind: TokenKind
    label: str
    role: Role
    """What the token may do: at most its account's role."""
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just created, with its secret: shown once, then only its hash is kept."""

    token: Token
    secret: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request comes from, once the server has decided."""

    name: str
    """The account's name; empty when anonymous (`none` mode: the editor types a name)."""
    role: Role
    via: str
    """"session", "token", "feed-token", "proxy" or "anonymous"."""
    account_id: int | None = None

    @property
    def anonymous(self) -> bool:
        return self.account_id is None
