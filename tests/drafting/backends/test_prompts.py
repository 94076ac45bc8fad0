"""The messages and response formats sent to chat models."""

from __future__ import annotations

import json

import pytest

from aggregator.drafting.backends.prompts import (
    PROMPT_VERSION,
    language_label,
    response_format,
    translation_messages,
    writing_messages,
)


def test_prompt_version_is_a_name() -> None:
    assert isinstance(PROMPT_VERSION, str)
    assert PROMPT_VERSION


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("ja", "Japanese (ja)"),
        ("pt-BR", "Brazilian Portuguese (pt-BR)"),
        ("zh_Hant", "Traditional Chinese (zh_Hant)"),
        ("en-AU", "English (en-AU)"),
        ("xx", "the language with BCP 47 tag 'xx'"),
    ],
)
def test_language_labels(code: str, label: str) -> None:
    assert language_label(code) == label


def test_translation_messages_carry_the_parts_as_json() -> None:
    system, user = translation_messages({"title": "Storm hits 3 towns"}, "en", "ja")
    assert system["role"] == "system"
    assert "English (en)" in system["content"]
    assert "Japanese (ja)" in system["content"]
    assert "JSON" in system["content"]
    assert json.loads(user["content"]) == {"title": "Storm hits 3 towns"}


def test_translation_without_a_source_language() -> None:
    system, _ = translation_messages({"t": "x"}, None, "fr")
    assert "the language they are written in" in system["content"]


def test_writing_messages_keep_source_and_instructions_apart() -> None:
    system, user = writing_messages({"summary": "Two sentences."}, "Full article.", "en", "ja")
    assert "only facts stated in the source text" in system["content"]
    assert "Japanese (ja)" in system["content"]
    assert json.loads(user["content"]) == {
        "source_text": "Full article.",
        "parts": {"summary": "Two sentences."},
    }


def test_json_object_format() -> None:
    assert response_format("json_object", ["a"]) == {"type": "json_object"}


def test_json_schema_format_requires_every_part_as_a_string() -> None:
    found = response_format("json_schema", ["title", "summary"])
    assert found is not None
    assert found["type"] == "json_schema"
    spec = found["json_schema"]
    assert spec["strict"] is True
    assert spec["schema"] == {
        "type": "object",
        "properties": {"title": {"type": "string"}, "summary": {"type": "string"}},
        "required": ["title", "summary"],
        "additionalProperties": False,
    }


def test_no_format() -> None:
    assert response_format("none", ["a"]) is None


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="structured_output"):
        response_format("grammar", ["a"])
