"""Backends that translate texts and draft paragraphs: OpenAI-compatible, DeepL, LibreTranslate."""

from aggregator.drafting.backends.base import (
    BackendError,
    BackendReply,
    BackendSettings,
    PartResult,
    Translator,
    Usage,
    Writer,
)
from aggregator.drafting.backends.prompts import PROMPT_VERSION
from aggregator.drafting.backends.registry import open_backend
from aggregator.drafting.backends.retry import RetryPolicy
from aggregator.drafting.settings import Backend

__all__ = [
    "PROMPT_VERSION",
    "Backend",
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
