"""Choosing a backend by its name."""

from __future__ import annotations

import pytest

from aggregator.drafting.backends import (
    Backend,
    BackendError,
    BackendSettings,
    Translator,
    Writer,
    open_backend,
)
from aggregator.drafting.backends.deepl import DeepL
from aggregator.drafting.backends.libretranslate import LibreTranslate
from aggregator.drafting.backends.openai import OpenAICompatible


def test_none_means_no_backend() -> None:
    assert open_backend(BackendSettings(Backend.NONE)) is None


@pytest.mark.parametrize(
    ("name", "kind", "writes"),
    [
        (Backend.OPENAI, OpenAICompatible, True),
        (Backend.DEEPL, DeepL, False),
        (Backend.LIBRETRANSLATE, LibreTranslate, False),
    ],
)
def test_each_backend_by_name(name: Backend, kind: type, writes: bool) -> None:
    backend = open_backend(BackendSettings(name, model="m"))
    assert isinstance(backend, kind)
    assert isinstance(backend, Translator)
    assert isinstance(backend, Writer) is writes
    assert backend.name == name


def test_every_name_opens_a_backend_or_none() -> None:
    opened = {name: open_backend(BackendSettings(name, model="m")) for name in Backend}
    assert {name for name, backend in opened.items() if backend is None} == {Backend.NONE}
    assert [backend.name for backend in opened.values() if backend is not None] == [
        name.value for name in Backend if name is not Backend.NONE
    ]


def test_the_names_are_the_stored_strings() -> None:
    assert [name.value for name in Backend] == ["none", "openai", "deepl", "libretranslate"]
    assert Backend("deepl") is Backend.DEEPL


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(BackendError, match="unknown backend; expected one of none, ") as caught:
        open_backend(BackendSettings("babelfish"))  # type: ignore[arg-type]
    assert not caught.value.retryable


def test_openai_needs_a_model() -> None:
    with pytest.raises(BackendError, match="model"):
        open_backend(BackendSettings(Backend.OPENAI))
