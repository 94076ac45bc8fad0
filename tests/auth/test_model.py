"""The records of accounts and tokens: role names, ranks and who is anonymous."""

from __future__ import annotations

import pytest

from aggregator.auth.model import RANK, Principal, Role, role_named


@pytest.mark.parametrize(
    ("text", "role"),
    [("editor", Role.EDITOR), (" Reviewer ", Role.REVIEWER), ("ADMIN", Role.ADMIN)],
)
def test_a_role_is_read_from_its_name(text: str, role: Role) -> None:
    assert role_named(text) is role


@pytest.mark.parametrize("text", ["", "root", "editors", "admin\u202e"])
def test_an_unknown_role_names_the_roles_there_are(text: str) -> None:
    with pytest.raises(ValueError, match="roles are editor, reviewer, admin"):
        role_named(text)


def test_ranks_follow_the_roles_order() -> None:
    assert sorted(Role, key=RANK.__getitem__) == list(Role)


def test_a_principal_without_an_account_is_anonymous() -> None:
    assert Principal("", Role.ADMIN, "anonymous").anonymous
    assert not Principal("ana", Role.EDITOR, "session", 7).anonymous
