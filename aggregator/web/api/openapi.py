"""The API's OpenAPI 3.1 document, generated from the operations the routes are built from
(`operations.py`) and the pydantic models the handlers validate and answer with.

Nothing here is written twice: a body's schema is its model's validation schema, an answer's is
its model's serialisation schema (pydantic's `models_json_schema`, references pointed into
`components/schemas`), and the query parameters of the stub list are the fields of its query
model. Paths, statuses and headers are listed once, in the operation beside its route.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from aggregator.web.api.answers import Error, HealthReport, StaleStub

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "The query or body cannot be read, or a value breaks an input rule; the error says "
    "which: a body that is not UTF-8, not JSON, nested more than 32 arrays and objects deep or "
    "holding a lone surrogate; an editor's name with control characters or bidirectional "
    "controls; a category that is not one of the config's; an empty or unknown filter value.",
    401: "Nobody signed in: send `Authorization: Bearer <API token>` (`aggregator tokens "
    "create NAME`) or sign in on the desk; never answered when `[web].auth` is `none`.",
    403: "Refused: the request was started by a page on another site, or the role of the token "
    "or account does not allow it (an editor approving; fetch now, which needs an admin), or "
    "the proxy names someone without an account.",
    404: "No such stub, part, item, feed or endpoint.",
    409: "Not allowed in the current state (a transition that is not allowed, a disabled feed).",
    412: "The stub changed since the version named in If-Match; read it again.",
    413: "The body is too large.",
    415: "The body is not sent as application/json.",
    422: "The JSON does not say what is needed (not an object, a field missing or of the wrong "
    "type, an unknown state, an empty editor's name, a part longer than 50,000 characters).",
    428: "If-Match is required: send the ETag of the stub as read.",
    503: "The database cannot serve the desk; the answer says why.",
}
ERROR_ANSWERS: dict[int, type[BaseModel]] = {412: StaleStub, 503: HealthReport}
"""The statuses whose answer says more than `Error`."""


@dataclass(frozen=True, slots=True)
class Param:
    """A path or header parameter; query parameters come from the operation's query model."""

    name: str
    where: Literal["path", "header"]
    description: str
    schema: dict[str, Any]
    required: bool = True


@dataclass(frozen=True, slots=True)
class Header:
    """A header of the operation's successful answer."""

    name: str
    description: str
    schema: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Operation:
    """One route of the API and everything the document says about it."""

    method: str
    path: str
    """As the route is written (`{name:path}` included); the document drops the converter."""
    summary: str
    answer: type[BaseModel] | None
    """The model of the successful answer; None for a free-form JSON object."""
    status: int = 200
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    params: tuple[Param, ...] = ()
    headers: tuple[Header, ...] = ()
    description: str = ""
    names_categories: bool = False
    """The description lists the config's categories (the category part takes only those)."""
    public: bool = False
    """Served to anyone; every other operation needs a principal (401) whose role may do it
    (403), unless nobody signs in (`[web].auth` none)."""

    @property
    def document_path(self) -> str:
        return re.sub(r"\{(\w+):\w+\}", r"{\1}", self.path)


def openapi_document(
    operations: Sequence[Operation], categories: Sequence[str] = ()
) -> dict[str, Any]:
    """The document for `operations`; `categories`, the config's, are named where the category
    part is edited."""
    refs, schemas = _schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.document_path, {})[op.method.lower()] = _operation(
            op, refs, schemas, categories
        )
    for op in operations:  # a query model is spelled out as parameters, not referenced
        if op.query is not None:
            schemas.pop(_name(refs[(op.query, "validation")]), None)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "aggregator desk API",
            "version": "1",
            "description": (
                "Drafted stubs for a newsroom's editors, and the feeds they come from. Writes "
                "take Content-Type: application/json and are refused when another site's page "
                "starts them. Who makes a change is the account of the API token sent as "
                "`Authorization: Bearer` (or of the signed-in session); only when nobody signs "
                "in (`[web].auth` none) does `editor` in the body name them."
            ),
        },
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
        "security": [{BEARER: []}],
    }


Refs = dict[tuple[type[BaseModel], JsonSchemaMode], dict[str, Any]]
BEARER = "bearer"
SECURITY_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token (`aggregator tokens create NAME --role ...`), "
        "which acts with its own role under its account's name. A signed-in browser's session "
        'cookie works too. With `[web].auth = "none"` nothing is needed.',
    }
}
SIGNED_IN_ERRORS = (401, 403)
"""What every operation but the public ones may answer: nobody signed in, a role too low."""


def _schemas(operations: Sequence[Operation]) -> tuple[Refs, dict[str, Any]]:
    """Each model's reference, and the schemas they refer to."""
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {(Error, "serialization"): None}
    for op in operations:
        if op.answer is not None:
            wanted[(op.answer, "serialization")] = None
        for status in _errors(op):
            wanted[(ERROR_ANSWERS.get(status, Error), "serialization")] = None
        for model in (op.body, op.query):
            if model is not None:
                wanted[(model, "validation")] = None
    found, top = models_json_schema(list(wanted), ref_template=REF)
    refs: Refs = {}
    for (kind, mode), ref in found.items():
        if issubclass(kind, BaseModel):
            refs[(kind, mode)] = ref
    return refs, dict(top.get("$defs", {}))


def _operation(
    op: Operation, refs: Refs, schemas: dict[str, Any], categories: Sequence[str]
) -> dict[str, Any]:
    found: dict[str, Any] = {"summary": op.summary}
    description = op.description
    if op.names_categories and categories:
        description += f" The category part takes only one of: {', '.join(categories)} (else 400)."
    if description:
        found["description"] = description.strip()
    parameters = [_param(p) for p in op.params]
    if op.query is not None:
        parameters += _query(schemas[_name(refs[(op.query, "validation")])])
    if parameters:
        found["parameters"] = parameters
    if op.body is not None:
        found["requestBody"] = {"required": True, "content": _json(refs[(op.body, "validation")])}
    answer = refs[(op.answer, "serialization")] if op.answer is not None else {"type": "object"}
    ok: dict[str, Any] = {"description": op.summary, "content": _json(answer)}
    if op.headers:
        ok["headers"] = {
            h.name: {"description": h.description, "schema": h.schema} for h in op.headers
        }
    found["responses"] = {str(op.status): ok} | {
        str(status): {
            "description": ERRORS[status],
            "content": _json(refs[(ERROR_ANSWERS.get(status, Error), "serialization")]),
        }
        for status in _errors(op)
    }
    if op.public:
        found["security"] = []
    return found


def _errors(op: Operation) -> tuple[int, ...]:
    """The operation's error statuses, with those of signing in unless it is public."""
    if op.public:
        return op.errors
    return tuple(sorted({*op.errors, *SIGNED_IN_ERRORS}))


def _param(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": param.where,
        "required": param.required,
        "description": param.description,
        "schema": param.schema,
    }


def _query(model_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of a query model as query parameters; a list field repeats (`?a=1&a=2`)."""
    required = set(model_schema.get("required", ()))
    parameters = []
    for name, field in model_schema["properties"].items():
        schema = {k: v for k, v in field.items() if k not in ("title", "description")}
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": field.get("description", ""),
                "schema": schema,
                **({"style": "form", "explode": True} if schema.get("type") == "array" else {}),
            }
        )
    return parameters


def _name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).rsplit("/", 1)[-1]


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}
