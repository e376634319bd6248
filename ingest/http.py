"""HTTP for feeds and article pages: aiohttp with every limit a polite, careful fetcher keeps.

- **Timeouts**: one total timeout per request (connect and read included).
- **Size cap**: the body is read in chunks and the request dropped past ``max_bytes``
  (a ``Content-Length`` over the cap is refused before reading).
- **Redirects**: followed by hand, at most ``max_redirects``, each target checked by the SSRF
  guard (:mod:`ingest.guard`) before it is requested.
- **Conditional GET**: ``If-None-Match`` / ``If-Modified-Since`` from the last response;
  304 comes back as ``not_modified``.
- **429 / 503**: a ``rate_limited`` problem carrying ``Retry-After`` (seconds or an HTTP date).
- **Politeness**: requests to one host are at least ``host_delay`` seconds apart (per process).
- **User-Agent**: ``Newsdesk/<version> (+<project url>)``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from multidict import CIMultiDict

from bot import FeedProblem
from ingest.guard import GuardedResolver, check_url

__all__ = ["USER_AGENT", "FetchLimits", "Fetcher", "Response", "retry_after_seconds"]

USER_AGENT = "Newsdesk/0.1 (+https://github.com/newsdesk/newsdesk; feed reader)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """The fetcher's limits (from ``NEWSDESK_FEEDS_*`` settings)."""

    timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    host_delay: float = 2.0
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class Response:
    """A successful (2xx) or 304 response, its body read whole."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str]

    @property
    def charset(self) -> str | None:
        """The ``charset`` of the ``Content-Type``, lower case, if there is one."""
        _, _, params = self.headers.get("Content-Type", "").partition(";")
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"' ").lower()
        return None


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now: a number, or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class Fetcher:
    """GETs URLs within :class:`FetchLimits`; one aiohttp session, opened on first use."""

    def __init__(
        self,
        limits: FetchLimits | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        dns: AbstractResolver | None = None,
    ) -> None:
        """Prepare the fetcher; nothing is opened until the first request.

        ``monotonic`` and ``sleep`` time the politeness delay, ``dns`` resolves names (aiohttp's
        resolver by default; the guard checks what it returns): tests pass fakes.
        """
        self._dns = dns
        self.limits = limits or FetchLimits()
        self._session: aiohttp.ClientSession | None = None
        self._monotonic = monotonic
        self._sleep = sleep
        self._hosts: dict[str, tuple[asyncio.Lock, list[float]]] = {}

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(allow_private=self.limits.allow_private, inner=self._dns),
                limit_per_host=2,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self.limits.timeout),
                headers={"User-Agent": USER_AGENT},
                auto_decompress=True,
            )
        return self._session

    async def close(self) -> None:
        """Close the session (the next request opens a new one)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Response:
        """GET ``url``, following redirects by hand; see the module docstring.

        Raises:
            FeedProblem: the address is refused, the request fails, or the status is not 2xx/304.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self.limits.max_redirects + 1):
            check_url(url, allow_private=self.limits.allow_private)
            await self._polite(url)
            try:
                response = await self._request(url, headers)
            except FeedProblem:
                raise
            except TimeoutError:
                raise FeedProblem("timeout") from None
            except aiohttp.ClientConnectorCertificateError:
                raise FeedProblem("tls") from None
            except aiohttp.ClientSSLError:
                raise FeedProblem("tls") from None
            except ssl.SSLError:
                raise FeedProblem("tls") from None
            except (aiohttp.ClientError, OSError):
                raise FeedProblem("connection") from None
            if response.status not in _REDIRECTS:
                return response
            location = response.headers.get("Location")
            if not location:
                raise FeedProblem("http_error", str(response.status))
            url = urljoin(url, location)
        raise FeedProblem("too_many_redirects", str(self.limits.max_redirects))

    async def _request(self, url: str, headers: Mapping[str, str]) -> Response:
        cap = self.limits.max_bytes
        async with self._open().get(url, headers=headers, allow_redirects=False) as response:
            status = response.status
            plain = CIMultiDict(response.headers)  # header names stay case-insensitive
            if status in _REDIRECTS or status == 304:
                return Response(url, status, b"", plain)
            if status in (429, 503):
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                detail = f"{wait:.0f}" if wait is not None else ""
                raise FeedProblem("rate_limited", detail, retry_after=wait)
            if status in (404, 410):
                raise FeedProblem("not_found", str(status))
            if not 200 <= status < 300:
                raise FeedProblem("http_error", str(status))
            if response.content_length is not None and response.content_length > cap:
                raise FeedProblem("too_large", str(cap))
            body = bytearray()
            async for chunk in response.content.iter_chunked(65536):
                body += chunk
                if len(body) > cap:
                    raise FeedProblem("too_large", str(cap))
            return Response(str(response.url), status, bytes(body), plain)

    async def _polite(self, url: str) -> None:
        """Wait until ``host_delay`` has passed since the last request to this host."""
        host = (urlsplit(url).hostname or "").lower()
        lock, last = self._hosts.setdefault(host, (asyncio.Lock(), [float("-inf")]))
        async with lock:
            wait = last[0] + self.limits.host_delay - self._monotonic()
            if wait > 0:
                await self._sleep(wait)
            last[0] = self._monotonic()
