"""Loopback stand-ins for the translation and writing services, speaking their real protocols.

Each fake checks a request the way the real service does (authentication header, body
shape, supported languages) and answers with the real reply and error shapes. Tests queue
`faults` (whole replies: rate limits, outages, garbage, slow answers) to be sent instead of
the next answers, and the OpenAI fake takes `tweaks` that spoil its next good answer.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.loopback import Loopback, Reply, Request

JSON = {"Content-Type": "application/json"}


def json_reply(status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {**JSON, **(headers or {})}, json.dumps(data).encode())


class FakeService:
    path = "/"

    def __init__(self, site: Loopback) -> None:
        self.site = site
        self.faults: list[Reply | None] = []
        """Replies sent instead of the next answers; None lets one request be answered."""
        self.bodies: list[Any] = []
        """Parsed bodies of the requests that passed validation."""
        site.route(self.path, self._handle)

    @property
    def hits(self) -> list[Request]:
        return self.site.hits(self.path)

    def _handle(self, request: Request) -> Reply:
        if request.method != "POST":
            return json_reply(405, self.error("Method Not Allowed"))
        if "application/json" not in request.headers.get("content-type", ""):
            return json_reply(415, self.error("Content-Type must be application/json"))
        try:
            body = json.loads(request.body)
        except ValueError:
            return json_reply(400, self.error("could not parse the JSON body"))
        refused = self.authenticate(request.headers, body)
        if refused is not None:
            return refused
        invalid = self.validate(body)
        if invalid is not None:
            return json_reply(400, self.error(invalid))
        self.bodies.append(body)
        fault = self.faults.pop(0) if self.faults else None
        return self.answer(body) if fault is None else fault

    def error(self, message: str) -> Any:
        raise NotImplementedError

    def authenticate(self, headers: dict[str, str], body: Any) -> Reply | None:
        raise NotImplementedError

    def validate(self, body: Any) -> str | None:
        raise NotImplementedError

    def answer(self, body: Any) -> Reply:
        raise NotImplementedError


# --- OpenAI chat completions ------------------------------------------------------------------


@dataclass
class Answer:
    """The next good chat answer, for a tweak to spoil."""

    content: dict[str, Any]
    text: str | None = None
    """Raw message content replacing the JSON of `content`."""
    finish_reason: str = "stop"
    no_choices: bool = False


Tweak = Callable[[Answer], None]
_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def translated(text: str) -> str:
    return f"«{text}»"


class FakeOpenAI(FakeService):
    path = "/v1/chat/completions"

    def __init__(
        self,
        site: Loopback,
        key: str | None = "sk-test",
        model: str = "fake-model-2024",
        formats: frozenset[str] = frozenset({"text", "json_object", "json_schema"}),
    ) -> None:
        super().__init__(site)
        self.key = key
        self.model = model
        self.formats = formats
        self.tweaks: list[Tweak] = []
        self.usages: list[tuple[int, int]] = []
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return self.site.url("/v1")

    def error(self, message: str) -> Any:
        return {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        }

    def authenticate(self, headers: dict[str, str], body: Any) -> Reply | None:
        if self.key is None or headers.get("authorization") == f"Bearer {self.key}":
            return None
        given = headers.get("authorization", "").removeprefix("Bearer ")
        error = {
            "message": f"Incorrect API key provided: {given[:3]}***.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
        return json_reply(401, {"error": error})

    def validate(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "the body must be a JSON object"
        if not isinstance(body.get("model"), str) or not body["model"]:
            return "you must provide a model parameter"
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return "'messages' must be a non-empty array"
        for message in messages:
            if not isinstance(message, dict) or message.get("role") not in {
                "system",
                "user",
                "assistant",
            }:
                return "each message needs a role of system, user or assistant"
            if not isinstance(message.get("content"), str):
                return "each message needs string content"
        temperature = body.get("temperature", 1)
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
            return "temperature must be between 0 and 2"
        return self._validate_format(body.get("response_format"), messages)

    def _validate_format(self, requested: Any, messages: list[dict[str, str]]) -> str | None:
        if requested is None:
            return None
        kind = requested.get("type") if isinstance(requested, dict) else None
        if kind not in self.formats:
            return f"'response_format.type' must be one of {sorted(self.formats)}"
        if kind == "json_object" and not any("json" in m["content"].lower() for m in messages):
            return "'messages' must contain the word 'json' to use response_format json_object"
        if kind == "json_schema":
            spec = requested.get("json_schema")
            if not isinstance(spec, dict) or not _SCHEMA_NAME.match(str(spec.get("name", ""))):
                return "response_format.json_schema.name must match ^[a-zA-Z0-9_-]{1,64}$"
            schema = spec.get("schema")
            if not isinstance(schema, dict) or schema.get("type") != "object":
                return "response_format.json_schema.schema must be an object schema"
            if spec.get("strict") and (
                schema.get("additionalProperties") is not False
                or set(schema.get("required", [])) != set(schema.get("properties", {}))
            ):
                return "strict schemas need additionalProperties false and every key required"
        return None

    def answer(self, body: Any) -> Reply:
        request = json.loads(body["messages"][-1]["content"])
        if set(request) == {"source_text", "parts"}:
            source = request["source_text"]
            content = {name: f"{name} from {len(source)} chars" for name in request["parts"]}
        elif set(request) == {"translate", "source_text", "write"}:  # translations and writing
            source = request["source_text"]
            content = {name: translated(text) for name, text in request["translate"].items()}
            content |= {name: f"{name} from {len(source)} chars" for name in request["write"]}
        else:
            content = {name: translated(text) for name, text in request.items()}
        answer = Answer(content)
        if self.tweaks:
            self.tweaks.pop(0)(answer)
        text = answer.text if answer.text is not None else json.dumps(answer.content)
        prompt = sum(len(m["content"]) for m in body["messages"]) // 4 + 1
        completion = len(text) // 4 + 1
        self.usages.append((prompt, completion))
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": None},
            "logprobs": None,
            "finish_reason": answer.finish_reason,
        }
        data = {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": self.model,
            "choices": [] if answer.no_choices else [choice],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }
        return json_reply(200, data)

    def requested_parts(self, index: int) -> dict[str, Any]:
        """The parts the request number `index` asked for (decoded from its user message)."""
        request: dict[str, Any] = json.loads(self.bodies[index]["messages"][-1]["content"])
        if "translate" in request:
            return {**request["translate"], **request["write"]}
        return request.get("parts", request) if "source_text" in request else request


# --- DeepL ------------------------------------------------------------------------------------

# fmt: off
DEEPL_SOURCES = frozenset({
    "AR", "BG", "CS", "DA", "DE", "EL", "EN", "ES", "ET", "FI", "FR", "HU", "ID", "IT", "JA",
    "KO", "LT", "LV", "NB", "NL", "PL", "PT", "RO", "RU", "SK", "SL", "SV", "TR", "UK", "ZH",
})
# fmt: on
DEEPL_TARGETS = (DEEPL_SOURCES - {"EN", "PT", "ZH"}) | {
    "EN",
    "EN-GB",
    "EN-US",
    "PT",
    "PT-BR",
    "PT-PT",
    "ZH",
    "ZH-HANS",
    "ZH-HANT",
}


class FakeDeepL(FakeService):
    path = "/v2/translate"

    def __init__(self, site: Loopback, key: str = "deepl-key:fx", quota: int = 500_000) -> None:
        super().__init__(site)
        self.key = key
        self.quota = quota
        self.billed = 0

    @property
    def base_url(self) -> str:
        return self.site.url("")

    def error(self, message: str) -> Any:
        return {"message": message}

    def authenticate(self, headers: dict[str, str], body: Any) -> Reply | None:
        if headers.get("authorization") == f"DeepL-Auth-Key {self.key}":
            return None
        return json_reply(403, {"message": "Authorization failure, check auth_key"})

    def validate(self, body: Any) -> str | None:
        texts = body.get("text") if isinstance(body, dict) else None
        if not isinstance(texts, list) or not texts:
            return "Parameter 'text' not specified."
        if len(texts) > 50 or not all(isinstance(t, str) for t in texts):
            return "Parameter 'text' must be a list of at most 50 strings."
        if body.get("target_lang") not in DEEPL_TARGETS:
            return "Value for 'target_lang' not supported."
        if "source_lang" in body and body["source_lang"] not in DEEPL_SOURCES:
            return "Value for 'source_lang' not supported."
        return None

    def answer(self, body: Any) -> Reply:
        characters = sum(len(text) for text in body["text"])
        if self.billed + characters > self.quota:
            return json_reply(456, {"message": "Quota exceeded"})
        self.billed += characters
        detected = body.get("source_lang", "EN")
        translations = [
            {"detected_source_language": detected, "text": f"[{body['target_lang']}] {text}"}
            for text in body["text"]
        ]
        return json_reply(200, {"translations": translations})


# --- LibreTranslate ---------------------------------------------------------------------------

# fmt: off
LIBRE_LANGUAGES = frozenset({
    "ar", "de", "en", "es", "fr", "it", "ja", "ko", "nb", "nl",
    "pb", "pl", "pt", "ru", "sv", "tr", "uk", "zh", "zt",
})
# fmt: on


class FakeLibreTranslate(FakeService):
    path = "/translate"

    def __init__(self, site: Loopback, keys: frozenset[str] = frozenset()) -> None:
        super().__init__(site)
        self.keys = keys
        self.languages = LIBRE_LANGUAGES

    @property
    def base_url(self) -> str:
        return self.site.url("")

    def error(self, message: str) -> Any:
        return {"error": message}

    def authenticate(self, headers: dict[str, str], body: Any) -> Reply | None:
        if not self.keys or (isinstance(body, dict) and body.get("api_key") in self.keys):
            return None
        return json_reply(403, {"error": "Invalid API key"})

    def validate(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "Invalid request"
        q = body.get("q")
        if not q or not (isinstance(q, str) or all(isinstance(t, str) for t in q)):
            return "Invalid request: missing q parameter"
        source, target = body.get("source"), body.get("target")
        if not source:
            return "Invalid request: missing source parameter"
        if not target:
            return "Invalid request: missing target parameter"
        if source != "auto" and source not in self.languages:
            return f"{source} is not supported"
        if target not in self.languages:
            return f"{target} is not supported"
        if body.get("format", "text") not in {"text", "html"}:
            return f"{body['format']} format is not supported"
        return None

    def answer(self, body: Any) -> Reply:
        target, q = body["target"], body["q"]
        if isinstance(q, str):
            return json_reply(200, {"translatedText": f"<{target}> {q}"})
        data: dict[str, Any] = {"translatedText": [f"<{target}> {text}" for text in q]}
        if body["source"] == "auto":
            data["detectedLanguage"] = [{"confidence": 90.0, "language": "en"} for _ in q]
        return json_reply(200, data)
