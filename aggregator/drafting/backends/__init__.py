"""Backends that translate texts and draft paragraphs: OpenAI-compatible, DeepL, LibreTranslate."""

from aggregator.drafting.backends.base import (
    BACKENDS,
    BackendError,
    BackendReply,
    BackendSettings,
    PartResult,
    Translator,
    Usage,
    Writer,
    open_backend,
)
from aggregator.drafting.backends.prompts import PROMPT_VERSION
from aggregator.drafting.backends.retry import RetryPolicy

__all__ = [
    "BACKENDS",
    "PROMPT_VERSION",
    "BackendError",
    "BackendReply",
    "BackendSettings",
    "PartResult",
    "RetryPolicy",
    "Translator",
    "Usage",
    "Writer",
    "open_backend",
]
