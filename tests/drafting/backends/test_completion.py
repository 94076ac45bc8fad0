"""Reading parts out of chat completions, as servers and models really shape them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aggregator.drafting.backends.completion import parse_object, read_completion, unwrap

NAMES = ("title", "summary")


def completion(content: Any, finish_reason: str = "stop", **message: Any) -> dict[str, Any]:
    return {
        "model": "m-1",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, **message},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
    }


def test_a_clean_reply() -> None:
    read = read_completion(completion(json.dumps({"title": "T", "summary": " S "})), NAMES)
    assert read.texts == {"title": "T", "summary": "S"}
    assert read.errors == {}
    assert (read.model, read.input_tokens, read.output_tokens) == ("m-1", 120, 30)


@pytest.mark.parametrize(
    "content",
    [
        '```json\n{"title": "T", "summary": "S"}\n```',
        '```\n{"title": "T", "summary": "S"}```',
        '<think>\nthe user wants {"title"}\n</think>\n\n{"title": "T", "summary": "S"}',
        'Here is the JSON:\n{"title": "T", "summary": "S"}\nHope this helps.',
        '{"translations": {"title": "T", "summary": "S"}}',
    ],
)
def test_wrapped_replies_are_unwrapped(content: str) -> None:
    assert read_completion(completion(content), NAMES).texts == {"title": "T", "summary": "S"}


def test_bad_parts_fail_alone() -> None:
    content = json.dumps({"title": "T", "summary": "  ", "extra": "ignored"})
    read = read_completion(completion(content), (*NAMES, "body", "lead"))
    assert read.texts == {"title": "T"}
    assert read.errors == {
        "summary": "empty",
        "body": "missing from the reply",
        "lead": "missing from the reply",
    }


def test_a_part_that_is_not_a_string_fails() -> None:
    read = read_completion(completion(json.dumps({"title": ["a"], "summary": "S"})), NAMES)
    assert read.errors == {"title": "not a string but list"}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (completion('{"title": "T", "summary": "S"}', "length"), "cut off"),
        ({"model": "m", "choices": []}, "no choices"),
        ({"error": "oops"}, "no choices"),
        (completion(None), "empty"),
        (completion(None, refusal="I can't help with that."), "refused"),
        (completion("Sorry, I cannot do that."), "not a JSON object"),
        (completion('["T", "S"]'), "not a JSON object"),
    ],
)
def test_unusable_replies_fail_every_part(data: Any, problem: str) -> None:
    read = read_completion(data, NAMES)
    assert read.texts == {}
    assert set(read.errors) == set(NAMES)
    assert all(problem in error for error in read.errors.values())


def test_missing_usage_counts_nothing() -> None:
    data = completion('{"title": "T", "summary": "S"}')
    del data["usage"]
    read = read_completion(data, NAMES)
    assert (read.input_tokens, read.output_tokens) == (0, 0)


def test_unwrap_leaves_plain_json_alone() -> None:
    assert unwrap(' {"a": "```"} ') == '{"a": "```"}'


def test_parse_object_needs_an_object() -> None:
    assert parse_object('{"a": 1}') == {"a": 1}
    assert parse_object("no braces") is None
    assert parse_object("} backwards {") is None
