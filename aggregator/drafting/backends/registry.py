"""The backends by name: which class serves each `Backend`, opened from its settings.

Kept apart from `base`, which every backend imports: this module imports the backends (when
one is opened, so that reading the config does not load their HTTP stack), and none of them
imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from aggregator.drafting.backends.base import BackendError, BackendSettings, Translator
from aggregator.drafting.settings import Backend

if TYPE_CHECKING:
    from aggregator.drafting.backends.retry import RetryPolicy


def open_backend(settings: BackendSettings, policy: RetryPolicy | None = None) -> Translator | None:
    """The backend the settings name, or None for "none". Use it as an async context manager."""
    try:
        backend = Backend(settings.backend)
    except ValueError:
        expected = ", ".join(b.value for b in Backend)
        raise BackendError(
            str(settings.backend), f"unknown backend; expected one of {expected}", retryable=False
        ) from None
    match backend:
        case Backend.NONE:
            return None
        case Backend.OPENAI:
            from aggregator.drafting.backends.openai import OpenAICompatible

            return OpenAICompatible(settings, policy)
        case Backend.DEEPL:
            from aggregator.drafting.backends.deepl import DeepL

            return DeepL(settings, policy)
        case Backend.LIBRETRANSLATE:
            from aggregator.drafting.backends.libretranslate import LibreTranslate

            return LibreTranslate(settings, policy)
        case _:
            assert_never(backend)
