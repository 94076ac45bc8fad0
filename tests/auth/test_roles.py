"""What each role may do: the table the pages, the API and the CLI all ask."""

from __future__ import annotations

import itertools

import pytest

from aggregator.auth.model import Principal, Role
from aggregator.auth.roles import (
    may_edit,
    may_manage_accounts,
    may_manage_feeds,
    may_move,
    why_not_admin,
    why_not_move,
)
from aggregator.storage.desk import TRANSITIONS

MOVES = [(current, target) for current, targets in TRANSITIONS.items() for target in targets]


def test_an_editor_may_only_send_a_draft_to_review() -> None:
    allowed = [move for move in MOVES if may_move(Role.EDITOR, *move)]
    assert allowed == [("draft", "reviewed")]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMIN])
def test_reviewers_and_admins_may_make_every_move_the_desk_allows(role: Role) -> None:
    assert all(may_move(role, *move) for move in MOVES)


def test_each_role_may_do_what_the_ones_before_it_may() -> None:
    ranked = [Role.EDITOR, Role.REVIEWER, Role.ADMIN]
    checks = [may_edit, may_manage_feeds, may_manage_accounts]
    for lower, higher in itertools.pairwise(ranked):
        for check in checks:
            assert check(higher) >= check(lower)
        for move in MOVES:
            assert may_move(higher, *move) >= may_move(lower, *move)


def test_only_admins_manage_feeds_and_accounts_and_everyone_edits() -> None:
    assert [may_manage_feeds(r) for r in Role] == [False, False, True]
    assert [may_manage_accounts(r) for r in Role] == [False, False, True]
    assert all(may_edit(r) for r in Role)


def test_a_refused_move_says_which_role_it_needs_and_who_asked() -> None:
    ana = Principal("ana", Role.EDITOR, "session", 1)
    reason = why_not_move(ana, "reviewed", "approved")
    assert reason == "moving a reviewed stub to approved needs the reviewer role; ana is an editor"
    assert why_not_move(ana, "draft", "reviewed") is None
    assert (
        why_not_move(Principal("rita", Role.REVIEWER, "token", 2), "reviewed", "approved") is None
    )


def test_an_admins_action_refused_to_a_reviewer_names_the_role() -> None:
    rita = Principal("rita", Role.REVIEWER, "proxy", 2)
    assert why_not_admin(rita, "fetch feeds") == (
        "to fetch feeds needs the admin role; rita has the reviewer role"
    )
    assert why_not_admin(Principal("root", Role.ADMIN, "session", 3), "fetch feeds") is None
