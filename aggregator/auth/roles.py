"""What each role may do: pure decisions that the pages, the API and the CLI all ask."""

from __future__ import annotations

from aggregator.auth.model import RANK, Principal, Role
from aggregator.stub_records import DRAFT, REVIEWED

EDITOR_MOVES = frozenset({(DRAFT, REVIEWED)})
"""The moves an editor may make; a reviewer may make every move the desk allows."""


def at_least(role: Role, needed: Role) -> bool:
    return RANK[role] >= RANK[needed]


def may_move(role: Role, current: str, target: str) -> bool:
    """Whether `role` may move a stub from `current` to `target` (the desk still checks that
    the move exists)."""
    return at_least(role, Role.REVIEWER) or (current, target) in EDITOR_MOVES


def why_not_move(who: Principal, current: str, target: str) -> str | None:
    """The sentence refusing the move to `who`, or None when it is theirs to make."""
    if may_move(who.role, current, target):
        return None
    return (
        f"moving a {current} stub to {target} needs the reviewer role; "
        f"{who.name or 'you'} {'is' if who.name else 'are'} {_article(who.role)} {who.role}"
    )


def may_edit(role: Role) -> bool:
    return at_least(role, Role.EDITOR)


def may_manage_feeds(role: Role) -> bool:
    """Fetch now, enable a feed."""
    return at_least(role, Role.ADMIN)


def may_manage_accounts(role: Role) -> bool:
    return at_least(role, Role.ADMIN)


def why_not_admin(who: Principal, what: str) -> str | None:
    """The sentence refusing an admin's action `what` ("fetch feeds") to `who`, or None."""
    if at_least(who.role, Role.ADMIN):
        return None
    return f"to {what} needs the admin role; {who.name or 'you'} has the {who.role} role"


def _article(role: Role) -> str:
    return "an" if role.value[0] in "aeiou" else "a"
