"""A body its model refused, as the status and the one line the API answers with.

A value that breaks an input rule of `rules.py` (an editor's name, a category) is 400 with the
rule's own reason (the validators let its `BadInput` through); anything else the model refuses
is 422, naming the first field that is missing or wrong and what it must be.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from aggregator.web.api.bodies import NoEditor, State
from aggregator.web.rules import BadInput

BAD_INPUT = 400
INVALID = 422
_EXPECTED = {
    "string_type": "a string",
    "missing": "a string",
    "bool_type": "true or false",
    "int_type": "a whole number",
}


def refusal(exc: ValidationError) -> tuple[int, str]:
    errors = exc.errors(include_url=False)
    for found in errors:
        if isinstance(_cause(found), BadInput):
            return BAD_INPUT, str(_cause(found))
    return INVALID, _message(errors[0])


def _cause(found: Mapping[str, object]) -> object:
    context = found.get("ctx")
    return context.get("error") if isinstance(context, dict) else None


def _message(found: Mapping[str, object]) -> str:
    kind, where = found["type"], found["loc"]
    if isinstance(_cause(found), NoEditor):
        return str(_cause(found))
    if kind == "model_type" or not isinstance(where, tuple) or not where:
        return "the body must be a JSON object"
    name = str(where[0])
    if kind in _EXPECTED:
        return f"{name!r} is required: {_EXPECTED[str(kind)]}"
    if kind == "enum" and name == "state":
        return f"unknown state {found['input']!r}; states are {', '.join(State)}"
    context = found.get("ctx")
    if kind == "string_too_long" and name == "content" and isinstance(context, dict):
        return f"a part holds at most {context['max_length']} characters"
    return f"{name}: {found['msg']}"
