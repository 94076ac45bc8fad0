"""The message catalogues: every language says everything English says, with the same blanks."""

from __future__ import annotations

import re

import pytest

from aggregator.drafting.messages import available, english, messages, placeholders
from aggregator.stub_records import HEADINGS, PART_NAMES

_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


def test_there_are_english_and_japanese_catalogues() -> None:
    assert {"en", "ja"} <= set(available())


@pytest.mark.parametrize("language", available())
def test_every_language_has_every_key_with_the_same_placeholders(language: str) -> None:
    found = messages(language).texts
    assert set(found) == set(english().texts), set(found) ^ set(english().texts)
    for key, text in english().texts.items():
        assert placeholders(found[key]) == placeholders(text), key
        assert found[key].strip(), key


def test_japanese_texts_are_japanese() -> None:
    """Nothing in ja.toml is left in English, apart from names, commands and placeholders."""
    for key, text in messages("ja").texts.items():
        bare = re.sub(r"\{[a-z_]+\}", "", text)
        for kept in ("URL", "UTC", "draft --redo"):  # a name, a time zone, a command
            bare = bare.replace(kept, "")
        assert not _LATIN_WORD.search(bare), (key, text)


def test_every_part_has_a_heading_and_the_keys_others_use_exist() -> None:
    ja = messages("ja")
    for name in PART_NAMES:
        assert ja.heading(name) != name
    assert ja.heading("something_new") == "something_new"
    assert ja("also_reported_by", feeds="NHK") == "NHKも報道"
    for key in ("heading.illustration", "label.illustration", "label.credit", "label.licence"):
        assert ja(key) != english()(key)


def test_a_regional_tag_or_an_unknown_language_falls_back() -> None:
    assert messages("ja-JP").language == "ja"
    assert messages("xx").language == "en"
    assert messages(None).language == "en"


def test_the_desks_english_headings_are_the_catalogues() -> None:
    """records.HEADINGS (the desk's history and messages) says what en.toml says."""
    for name, heading in HEADINGS.items():
        assert english().heading(name) == heading, name
