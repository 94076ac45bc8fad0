"""Reading a chat completion: which requested parts came back usable, and what it cost.

Servers and models differ in how cleanly they follow "reply with JSON": some wrap it in
```json fences, some think aloud in <think> blocks first, some nest the object one level
down. Those are unwrapped; anything else wrong with a part (missing, not a string, empty,
cut off by the token limit) marks that part as failed so it can be asked for again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_FENCE = re.compile(r"^```[A-Za-z0-9_-]*[ \t]*\n?(.*?)\n?```$", re.DOTALL)
_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Completion:
    texts: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0


def read_completion(data: Any, names: Sequence[str]) -> Completion:
    """The usable parts among `names` in a chat completion reply, and why the others are not."""
    model = data.get("model") if isinstance(data, dict) else None
    usage = data.get("usage") if isinstance(data, dict) else None
    tokens = _tokens(usage)
    found, problem = _object(data)
    found = _nested(found, names)
    texts: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in names:
        if problem is not None:
            errors[name] = problem
            continue
        value = found.get(name)
        if value is None:
            errors[name] = "missing from the reply"
        elif not isinstance(value, str):
            errors[name] = f"not a string but {type(value).__name__}"
        elif not value.strip():
            errors[name] = "empty"
        else:
            texts[name] = value.strip()
    return Completion(
        texts=texts,
        errors=errors,
        model=model if isinstance(model, str) else None,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
    )


def unwrap(content: str) -> str:
    """The JSON text inside a message: thinking blocks and Markdown code fences removed."""
    text = _THINKING.sub("", content).strip()
    fenced = _FENCE.match(text)
    return fenced.group(1).strip() if fenced else text


def parse_object(content: str) -> dict[str, Any] | None:
    """The JSON object a message holds, tolerating prose around it; None if there is none."""
    text = unwrap(content)
    candidates = [text]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _object(data: Any) -> tuple[dict[str, Any], str | None]:
    """The reply's JSON object, or the reason there is none."""
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return {}, "the reply has no choices"
    choice = choices[0]
    if choice.get("finish_reason") == "length":
        return {}, "the reply was cut off at the token limit"
    message = choice.get("message")
    if not isinstance(message, dict):
        return {}, "the reply has no message"
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        refusal = message.get("refusal")
        if isinstance(refusal, str) and refusal:
            return {}, f"the model refused: {refusal[:200]}"
        return {}, "the reply is empty"
    found = parse_object(content)
    if found is None:
        return {}, "the reply is not a JSON object"
    return found, None


def _nested(found: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    if any(name in found for name in names) or len(found) != 1:
        return found
    inner = next(iter(found.values()))
    return inner if isinstance(inner, dict) else found


def _tokens(usage: Any) -> tuple[int, int]:
    if not isinstance(usage, dict):
        return 0, 0
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return (
        prompt if isinstance(prompt, int) and prompt >= 0 else 0,
        completion if isinstance(completion, int) and completion >= 0 else 0,
    )
