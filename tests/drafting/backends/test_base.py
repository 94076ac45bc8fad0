"""Choosing a backend, and the shared records."""

from __future__ import annotations

import pytest

from aggregator.drafting.backends import (
    BackendError,
    BackendReply,
    BackendSettings,
    PartResult,
    Translator,
    Usage,
    Writer,
    open_backend,
)
from aggregator.drafting.backends.deepl import DeepL
from aggregator.drafting.backends.libretranslate import LibreTranslate
from aggregator.drafting.backends.openai import OpenAICompatible


def test_none_means_no_backend() -> None:
    assert open_backend(BackendSettings("none")) is None


@pytest.mark.parametrize(
    ("name", "kind", "writes"),
    [
        ("openai", OpenAICompatible, True),
        ("deepl", DeepL, False),
        ("libretranslate", LibreTranslate, False),
    ],
)
def test_each_backend_by_name(name: str, kind: type, writes: bool) -> None:
    backend = open_backend(BackendSettings(name, model="m"))
    assert isinstance(backend, kind)
    assert isinstance(backend, Translator)
    assert isinstance(backend, Writer) is writes
    assert backend.name == name


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(BackendError, match="unknown backend") as caught:
        open_backend(BackendSettings("babelfish"))
    assert not caught.value.retryable


def test_openai_needs_a_model() -> None:
    with pytest.raises(BackendError, match="model"):
        open_backend(BackendSettings("openai"))


def test_usage_adds_up() -> None:
    first = Usage(input_tokens=10, output_tokens=2, requests=1)
    second = Usage(input_tokens=5, output_tokens=1, characters=7, cost=0.5, requests=2)
    assert first.plus(second) == Usage(15, 3, 7, 0.5, 3)
    assert first.plus(first).cost is None


def test_error_names_backend_and_status() -> None:
    error = BackendError("deepl", "Quota exceeded", retryable=False, status=456)
    assert str(error) == "deepl (HTTP 456): Quota exceeded"
    assert (error.backend, error.detail, error.status, error.retryable) == (
        "deepl",
        "Quota exceeded",
        456,
        False,
    )


def test_reply_text_by_name() -> None:
    reply = BackendReply((PartResult("a", "x"), PartResult("b", None, "empty")), Usage(), None)
    assert (reply.text("a"), reply.text("b"), reply.text("c")) == ("x", None, None)
