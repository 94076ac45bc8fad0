from __future__ import annotations

from aggregator.text.changes import describe_change


def test_what_changed_is_said_in_a_line() -> None:
    assert describe_change("A", "one\ntwo", "A", "one\nthree\nfour") == (
        "2 paragraphs added, 1 removed, 1 kept"
    )
    assert describe_change("A", "x", "B", "x") == "title changed from 'A' to 'B'"
    assert describe_change("A", "one\ntwo", "A", "two\none") == "paragraphs reordered"
    assert "whitespace" in describe_change("A", "one  two", "A", "one two")
