"""One JSON request to a backend, retried as the retry policy allows (with `tenacity`).

Backends are services the operator chose (often on localhost, such as Ollama), so they are
reached with a plain httpx client rather than the feed client that refuses private
addresses. Every failure becomes a `BackendError` carrying the server's own message, whichever
of the usual error shapes it used.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
)
from tenacity.stop import stop_base

from aggregator.drafting.backends.base import BackendError, BackendSettings
from aggregator.drafting.backends.retry import RetryPolicy, is_retryable_status, retry_after
from aggregator.version import __version__

MESSAGE_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Exchange:
    data: Any
    """The reply's parsed JSON, read only by the backend that sent the request."""
    requests: int
    """HTTP requests it took, retries included."""


class HttpBackend:
    """Holds the settings, the retry policy and a lazily opened httpx client."""

    name = "backend"

    def __init__(self, settings: BackendSettings, policy: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.settings.timeout),
                headers={"User-Agent": f"aggregator/{__version__}", "Accept": "application/json"},
                follow_redirects=False,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def post_json(
        self,
        url: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
        status_notes: Mapping[int, str] | None = None,
    ) -> Exchange:
        """POST `body` as JSON and return the parsed reply, retrying what may succeed later.

        `status_notes` explains statuses peculiar to one service (DeepL's 456).
        """
        policy = self.policy

        def wait(state: RetryCallState) -> float:
            failure = _failure(state)
            if failure.retry_after is not None:  # the server named it
                return failure.retry_after
            return policy.backoff(state.attempt_number)

        def give_up(state: RetryCallState) -> Exchange:
            failure = _failure(state)
            if state.upcoming_sleep > policy.max_delay:  # handed back, not slept through
                raise self._error(
                    f"{failure.detail} (asked to wait {state.upcoming_sleep:g} s)",
                    retryable=True,
                    status=failure.status,
                    wait=state.upcoming_sleep,
                )
            raise failure

        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda exc: isinstance(exc, BackendError) and exc.retryable),
            wait=wait,
            stop=stop_after_attempt(max(1, self.settings.max_attempts))
            | _WaitLongerThan(policy.max_delay),
            sleep=policy.sleep,
            retry_error_callback=give_up,
        )
        async for attempt in retrying:
            with attempt:
                number = attempt.retry_state.attempt_number
                return await self._post_once(url, body, headers, status_notes, number)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post_once(
        self,
        url: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        status_notes: Mapping[int, str] | None,
        attempt: int,
    ) -> Exchange:
        """One request; a `BackendError` says whether another may succeed, and when."""
        timeout = self.settings.timeout
        try:
            async with asyncio.timeout(timeout):
                response = await self.client().post(url, json=body, headers=headers)
        except (httpx.TimeoutException, TimeoutError):
            raise self._error(f"no reply within {timeout:g} s", retryable=True) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise self._error(f"unusable URL {url!r}: {exc}", retryable=False) from exc
        except httpx.HTTPError as exc:
            raise self._error(f"could not reach {url}: {exc!r}", retryable=True) from exc
        status = response.status_code
        if 200 <= status < 300:
            try:
                return Exchange(response.json(), attempt)
            except ValueError:
                raise self._error(
                    f"reply is not JSON: {_snippet(response.text)!r}", retryable=True, status=status
                ) from None
        detail = server_message(response)
        note = (status_notes or {}).get(status)
        if note:
            detail = f"{note}: {detail}" if detail else note
        retryable = is_retryable_status(status)
        wait = retry_after(response.headers, self.policy.clock()) if retryable else None
        raise self._error(detail, retryable=retryable, status=status, wait=wait)

    def _error(
        self, detail: str, *, retryable: bool, status: int | None = None, wait: float | None = None
    ) -> BackendError:
        return BackendError(self.name, detail, retryable=retryable, status=status, retry_after=wait)


class _WaitLongerThan(stop_base):
    """Stops when the next wait would be longer than we sleep through."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, retry_state: RetryCallState) -> bool:
        return retry_state.upcoming_sleep > self.seconds


def _failure(state: RetryCallState) -> BackendError:
    """The retryable `BackendError` the attempt just made ended with."""
    assert state.outcome is not None
    failure = state.outcome.exception()
    assert isinstance(failure, BackendError)
    return failure


def server_message(response: httpx.Response) -> str:
    """The error message of a failed reply, from whichever JSON shape the server used."""
    try:
        data = response.json()
    except ValueError:
        return _snippet(response.text) or response.reason_phrase
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            message = str(error.get("message") or "").strip()
            kind = [f"{k}={error[k]}" for k in ("type", "code") if error.get(k) is not None]
            return _snippet(f"{message} ({', '.join(kind)})" if kind else message)
        if isinstance(error, str) and error:
            return _snippet(error)
        for key in ("message", "detail"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return _snippet(value)
    return _snippet(json.dumps(data, ensure_ascii=False))


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "…"
