"""The one HTTP client: identity, per-host politeness, deadlines, byte caps and safe redirects."""

from __future__ import annotations

import asyncio
import http.cookiejar
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from aggregator.errors import (
    BlockedScheme,
    DeadlineExceeded,
    FetchError,
    TooManyRedirects,
)
from aggregator.net.addresses import Network
from aggregator.net.decode import BoundedDecoder
from aggregator.net.guard import guarded_transport
from aggregator.net.hosts import host_key
from aggregator.net.limiter import HostLimiter
from aggregator.version import __version__

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
ACCEPT_ENCODING = "gzip, deflate"
DRAIN_LIMIT = 64 * 1024


@dataclass(frozen=True, slots=True)
class ClientSettings:
    contact_url: str
    allow_private_networks: tuple[Network, ...] | bool = False
    max_connections: int = 30
    per_host_connections: int = 2
    per_host_gap: float = 1.0
    max_body_bytes: int = 10_000_000
    deadline: float = 30.0
    max_redirects: int = 5

    @property
    def user_agent(self) -> str:
        return f"aggregator/{__version__} (+{self.contact_url})"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A final (non-redirect) response. Header values are latin-1 strings: the exact bytes."""

    status: int
    url: str
    headers: Mapping[str, str]
    body: bytes
    permanent_url: str | None = None


def _refuse_all_cookies() -> http.cookiejar.CookieJar:
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


class HttpClient:
    """GET with everything a polite and careful fetcher needs. Use as an async context manager."""

    def __init__(
        self,
        settings: ClientSettings,
        shared_turns: Callable[[str], Awaitable[float]] | None = None,
    ) -> None:
        self.settings = settings
        self.limiter = HostLimiter(
            settings.per_host_connections, settings.per_host_gap, shared=shared_turns
        )
        self.slots = asyncio.Semaphore(settings.max_connections)
        self.client = httpx.AsyncClient(
            transport=guarded_transport(settings.allow_private_networks, settings.max_connections),
            cookies=_refuse_all_cookies(),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(settings.deadline),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(self, url: str, headers: Mapping[str, str] | None = None) -> HttpResponse:
        """Follow at most `max_redirects` redirects, checking scheme and address on every hop.

        `permanent_url` is where the chain of permanent redirects (301/308) from the start led,
        if any: the address to use from now on. A temporary redirect ends that chain.
        """
        seen = {url}
        permanent: str | None = None
        all_permanent = True
        for _hop in range(self.settings.max_redirects + 1):
            status, location, response = await self._request(url, headers or {})
            if location is None:
                assert response is not None
                return HttpResponse(
                    status=response.status,
                    url=url,
                    headers=response.headers,
                    body=response.body,
                    permanent_url=permanent,
                )
            target = urljoin(url, location)
            all_permanent = all_permanent and status in PERMANENT
            if all_permanent:
                permanent = target
            if target in seen:
                raise TooManyRedirects(f"redirect loop at {target}")
            seen.add(target)
            url = target
        raise TooManyRedirects(f"more than {self.settings.max_redirects} redirects")

    async def _request(
        self, url: str, headers: Mapping[str, str]
    ) -> tuple[int, str | None, HttpResponse | None]:
        if urlsplit(url).scheme not in ("http", "https"):
            raise BlockedScheme(f"refusing to fetch {url[:200]!r}: only http and https")
        async with self.limiter.slot(host_key(url)), self.slots:
            try:
                async with asyncio.timeout(self.settings.deadline):
                    return await self._exchange(url, headers)
            except TimeoutError:
                raise DeadlineExceeded(
                    f"no complete response within {self.settings.deadline:g} s"
                ) from None
            except httpx.InvalidURL as exc:  # the URL, or the Location of a redirect
                raise FetchError(f"unusable URL from {url[:200]}: {exc}") from None

    async def _exchange(
        self, url: str, headers: Mapping[str, str]
    ) -> tuple[int, str | None, HttpResponse | None]:
        request = self.client.build_request(
            "GET",
            url,
            headers={k.encode("latin-1"): v.encode("latin-1") for k, v in headers.items()},
        )
        response = await self.client.send(request, stream=True)
        try:
            raw_headers = {
                name.decode("latin-1").lower(): value.decode("latin-1")
                for name, value in response.headers.raw
            }
            location = raw_headers.get("location")
            if response.status_code in REDIRECTS and location:
                await _drain(response)
                return response.status_code, location.strip(), None
            body = b""
            if response.status_code == 200:
                decoder = BoundedDecoder(
                    raw_headers.get("content-encoding"), self.settings.max_body_bytes
                )
                async for chunk in response.aiter_raw():
                    decoder.feed(chunk)
                body = decoder.body()
            else:
                await _drain(response)
            return (
                response.status_code,
                None,
                HttpResponse(response.status_code, url, raw_headers, body),
            )
        finally:
            await response.aclose()


async def _drain(response: httpx.Response) -> None:
    """Read a small unwanted body (304, redirect, error page) to its end, so the connection can
    be reused; a large one is abandoned and the connection closed instead."""
    seen = 0
    async for chunk in response.aiter_raw():
        seen += len(chunk)
        if seen > DRAIN_LIMIT:
            return


def describe(exc: Exception) -> str:
    """A short reason for people, from whatever a request raised."""
    if isinstance(exc, FetchError):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.HTTPError):
        detail = str(exc) or type(exc).__name__
        return f"{type(exc).__name__}: {detail}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
