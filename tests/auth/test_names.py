"""The rule for account names and the key they are compared by."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.auth.names import MAX_NAME_CHARS, account_name, name_key


@pytest.mark.parametrize(
    "name", ["ana", "Ana.Horvat", "ana_b-1", "ana@desk.example", "José", "मनोज", "x" * 64]
)
def test_names_of_letters_digits_and_the_allowed_marks_pass(name: str) -> None:
    assert account_name(name) == name


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "cannot be empty"),
        ("\u202eevil", "U+202E (character 1)"),
        ("ana bob", "U+0020 (character 4)"),
        ("ana\u200b", "U+200B (character 4)"),
        ("a\x00", "U+0000 (character 2)"),
        ("\u0301a", "U+0301 (character 1)"),
        ("ana/bob", "U+002F (character 4)"),
        ("x" * 65, f"at most {MAX_NAME_CHARS} characters"),
    ],
)
def test_names_breaking_the_rule_are_refused_with_the_character(name: str, problem: str) -> None:
    with pytest.raises(ValueError, match="account name") as raised:
        account_name(name)
    assert problem in str(raised.value)


def test_names_are_kept_in_nfc() -> None:
    assert account_name("Jose\u0301") == "José"


def test_names_are_compared_without_case_or_width() -> None:
    assert name_key("Ana") == name_key("ANA") == name_key("ana")
    assert name_key("\uff21\uff2e\uff21") == name_key("ana")
    assert name_key("STRASSE") == name_key("straße")
    assert name_key("ana") != name_key("anna")


@given(st.text(min_size=1, max_size=80))
def test_an_accepted_name_holds_no_control_format_or_space_character(text: str) -> None:
    try:
        name = account_name(text)
    except ValueError:
        return
    assert 1 <= len(name) <= MAX_NAME_CHARS
    kinds = {unicodedata.category(c) for c in name if c not in "._-@"}
    assert all(k[0] in "LM" or k == "Nd" for k in kinds), kinds
    assert unicodedata.category(name[0])[0] != "M"
