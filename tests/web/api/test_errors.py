"""What a body its model refuses is answered with: the input rules' own reason as 400, anything
else as 422 naming the field, checked on the models without a server."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from aggregator.web.api.bodies import Empty, PartEdit, StateMove
from aggregator.web.api.errors import refusal

CATEGORY = {"part": "category", "categories": ("General", "Politics")}


def refused(model: type[BaseModel], body: Any, **context: Any) -> tuple[int, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body, context=context)
    return refusal(caught.value)


@pytest.mark.parametrize(
    ("model", "body", "context", "status", "says"),
    [
        (StateMove, {"state": "reviewed", "editor": "Ana\u202eokvaK"}, {}, 400, "bidirectional"),
        (StateMove, {"state": "reviewed", "editor": "A" * 81}, {}, 400, "at most 80"),
        (PartEdit, {"content": "Sport\n", "editor": "Ana"}, CATEGORY, 400, "not a category"),
        (StateMove, {"state": "reviewed", "editor": "   "}, {}, 422, "name is required"),
        (StateMove, {"editor": "Ana"}, {}, 422, "'state' is required"),
        (StateMove, {"state": "published", "editor": "Ana"}, {}, 422, "unknown state"),
        (PartEdit, {"content": 5, "editor": "Ana"}, {}, 422, "'content' is required: a string"),
        (PartEdit, {"content": "x" * 50_001, "editor": "A"}, {}, 422, "at most 50000 characters"),
        (PartEdit, ["content", "editor"], {}, 422, "the body must be a JSON object"),
        (Empty, [], {}, 422, "the body must be a JSON object"),
    ],
)
def test_a_refusal_names_what_was_wrong_with_its_status(
    model: type[BaseModel], body: Any, context: dict[str, Any], status: int, says: str
) -> None:
    found_status, message = refused(model, body, **context)
    assert found_status == status
    assert says in message


def test_a_rule_breaks_first_even_beside_a_missing_field() -> None:
    status, message = refused(StateMove, {"editor": "Ana\x00"})
    assert (status, "control character" in message) == (400, True)


def test_what_the_models_take_is_tidied_by_the_rules() -> None:
    move = StateMove.model_validate({"state": "approved", "editor": " Ana   Kovač ", "x": [1]})
    assert (move.state, move.editor) == ("approved", "Ana Kovač")
    edit = PartEdit.model_validate({"content": " Politics ", "editor": "Ana"}, context=CATEGORY)
    assert edit.content == "Politics"
    other = PartEdit.model_validate({"content": " Politics ", "editor": "Ana"})
    assert other.content == " Politics ", "only the category part is a category"
    assert PartEdit.model_validate({"content": "", "editor": "Ana"}, context=CATEGORY).content == ""
