"""Retries, waits and error messages of one JSON exchange, against a real loopback server."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from email.utils import formatdate
from typing import Any

import pytest

from aggregator.drafting.backends.base import BackendError, BackendSettings
from aggregator.drafting.backends.exchange import Exchange, HttpBackend
from aggregator.drafting.backends.retry import RetryPolicy
from tests.drafting.backends.conftest import NOW
from tests.loopback import Loopback, Reply

OK = Reply(200, {"Content-Type": "application/json"}, b'{"ok": true}')


def answers(*replies: Reply) -> Any:
    """A route answering with `replies` in turn, then OK."""
    queue = list(replies)
    return lambda _request: queue.pop(0) if queue else OK


def post(url: str, policy: RetryPolicy, *, attempts: int = 4, timeout: float = 5.0) -> Exchange:
    settings = BackendSettings("test", timeout=timeout, max_attempts=attempts)

    async def go() -> Exchange:
        async with HttpBackend(settings, policy) as backend:
            return await backend.post_json(url, {"q": "x"})

    return asyncio.run(go())


def failure(url: str, policy: RetryPolicy, **options: Any) -> BackendError:
    with pytest.raises(BackendError) as caught:
        post(url, policy, **options)
    return caught.value


def test_body_is_sent_as_json_and_reply_parsed(site: Loopback, policy: RetryPolicy) -> None:
    site.route("/x", OK)
    exchange = post(site.url("/x"), policy)
    assert exchange == Exchange({"ok": True}, 1)
    hit = site.hits("/x")[0]
    assert hit.method == "POST"
    assert json.loads(hit.body) == {"q": "x"}
    assert hit.headers["content-type"] == "application/json"


def test_429_waits_as_long_as_retry_after_says(
    site: Loopback, policy: RetryPolicy, sleeps: list[float]
) -> None:
    site.route("/x", answers(Reply(429, {"Retry-After": "7"}, b'{"error": "slow down"}')))
    assert post(site.url("/x"), policy).requests == 2
    assert sleeps == [7.0]


def test_retry_after_as_a_date(site: Loopback, policy: RetryPolicy, sleeps: list[float]) -> None:
    later = formatdate(NOW + 12, usegmt=True)
    site.route("/x", answers(Reply(503, {"Retry-After": later})))
    post(site.url("/x"), policy)
    assert sleeps == [pytest.approx(12.0)]


def test_retry_after_ms(site: Loopback, policy: RetryPolicy, sleeps: list[float]) -> None:
    site.route("/x", answers(Reply(429, {"retry-after-ms": "250"})))
    post(site.url("/x"), policy)
    assert sleeps == [0.25]


def test_server_errors_back_off_exponentially(
    site: Loopback, policy: RetryPolicy, sleeps: list[float]
) -> None:
    site.route("/x", answers(Reply(500), Reply(502), Reply(408)))
    assert post(site.url("/x"), policy).requests == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_a_wait_beyond_the_cap_is_handed_back(
    site: Loopback, policy: RetryPolicy, sleeps: list[float]
) -> None:
    site.route("/x", answers(Reply(429, {"Retry-After": "3600"}, b'{"error": "quota"}')))
    error = failure(site.url("/x"), policy)
    assert error.retryable
    assert error.retry_after == 3600.0
    assert error.status == 429
    assert sleeps == []
    assert len(site.hits("/x")) == 1


def test_attempts_run_out_with_a_retryable_error(site: Loopback, policy: RetryPolicy) -> None:
    site.route("/x", Reply(503, body=b'{"error": {"message": "overloaded"}}'))
    error = failure(site.url("/x"), policy, attempts=3)
    assert (error.retryable, error.status) == (True, 503)
    assert "overloaded" in error.detail
    assert len(site.hits("/x")) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(site: Loopback, policy: RetryPolicy, status: int) -> None:
    site.route("/x", Reply(status, body=b'{"error": {"message": "no such model"}}'))
    error = failure(site.url("/x"), policy)
    assert (error.retryable, error.status, error.detail) == (False, status, "no such model")
    assert len(site.hits("/x")) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"error": {"message": "Bad key", "type": "invalid_request_error", "code": "k"}},
            "Bad key (type=invalid_request_error, code=k)",
        ),
        ({"error": "'response_format.type' must be 'json_schema'"}, "'response_format.type'"),
        ({"message": "Value for 'target_lang' not supported."}, "Value for 'target_lang'"),
        ({"object": "error", "message": "model not found", "code": 404}, "model not found"),
        ({"detail": "Not authenticated"}, "Not authenticated"),
    ],
)
def test_the_servers_message_is_kept(
    site: Loopback, policy: RetryPolicy, body: dict[str, Any], message: str
) -> None:
    site.route("/x", Reply(400, body=json.dumps(body).encode()))
    assert failure(site.url("/x"), policy).detail.startswith(message)


def test_a_plain_text_error_is_kept(site: Loopback, policy: RetryPolicy) -> None:
    site.route("/x", Reply(401, body=b"<html>  Unauthorized\n</html>"))
    assert failure(site.url("/x"), policy).detail == "<html> Unauthorized </html>"


def test_a_malformed_reply_is_asked_again(site: Loopback, policy: RetryPolicy) -> None:
    site.route("/x", answers(Reply(200, body=b'{"choices": [')))
    assert post(site.url("/x"), policy) == Exchange({"ok": True}, 2)


def test_malformed_replies_give_up_after_the_attempts(site: Loopback, policy: RetryPolicy) -> None:
    site.route("/x", Reply(200, body=b"<html>gateway</html>"))
    error = failure(site.url("/x"), policy, attempts=3)
    assert error.retryable
    assert "not JSON" in error.detail
    assert len(site.hits("/x")) == 3


def test_a_slow_server_times_out_then_gives_up(site: Loopback, policy: RetryPolicy) -> None:
    site.route("/x", Reply(200, body=b"{}", delay=1.0))
    started = time.monotonic()
    error = failure(site.url("/x"), policy, attempts=2, timeout=0.15)
    assert error.retryable
    assert "no reply within 0.15 s" in error.detail
    assert time.monotonic() - started < 0.9
    assert len(site.hits("/x")) == 2


def test_a_dripping_server_is_cut_off_by_the_total_timeout(
    site: Loopback, policy: RetryPolicy
) -> None:
    site.route("/x", Reply(200, body=b'{"ok": true}' * 20, drip=0.01))
    started = time.monotonic()
    error = failure(site.url("/x"), policy, attempts=1, timeout=0.3)
    assert error.retryable
    assert time.monotonic() - started < 1.0


def test_a_refused_connection_is_retryable(policy: RetryPolicy, sleeps: list[float]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = failure(f"http://127.0.0.1:{port}/x", policy, attempts=3)
    assert error.retryable
    assert "could not reach" in error.detail
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize("url", ["localhost:11434/v1/chat/completions", "ftp://127.0.0.1/x"])
def test_an_unusable_url_is_not_retried(policy: RetryPolicy, url: str) -> None:
    error = failure(url, policy)
    assert not error.retryable
    assert "unusable URL" in error.detail


# The edges of the two ways tenacity stops: attempts run out, or a wait beyond the cap.


def test_a_long_wait_on_the_last_attempt_is_still_handed_back(
    site: Loopback, policy: RetryPolicy, sleeps: list[float]
) -> None:
    site.route("/x", Reply(429, {"Retry-After": "600"}, b'{"error": "quota"}'))
    error = failure(site.url("/x"), policy, attempts=1)
    assert "asked to wait 600 s" in error.detail
    assert error.retryable
    assert error.status == 429
    assert error.retry_after == 600.0
    assert sleeps == []


def test_one_attempt_is_never_retried(
    site: Loopback, policy: RetryPolicy, sleeps: list[float]
) -> None:
    site.route("/x", Reply(500))
    error = failure(site.url("/x"), policy, attempts=1)
    assert error.retryable
    assert error.status == 500
    assert error.retry_after is None
    assert len(site.hits("/x")) == 1
    assert sleeps == []


@pytest.mark.parametrize("attempts", [2, 3])
def test_a_wait_the_server_names_is_used_for_each_retry(
    site: Loopback, policy: RetryPolicy, sleeps: list[float], attempts: int
) -> None:
    site.route("/x", Reply(503, {"Retry-After": "3"}))
    failure(site.url("/x"), policy, attempts=attempts)
    assert sleeps == [3.0] * (attempts - 1)
    site.route("/y", Reply(200, {"Content-Type": "application/json"}, b"[1]"))
    assert post(site.url("/y"), policy).data == [1]
