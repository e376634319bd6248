"""The SSRF guard: only http(s) addresses on public hosts are fetched, unless a setting allows more.

A feed URL comes from any chat user who may add feeds, so without a guard the bot would fetch
whatever its host can reach: the cloud metadata service, the router, a database's HTTP port.
Two checks, both on every redirect hop:

- :func:`check_url`, before a request: the scheme is ``http`` or ``https``, there is a host, no
  user or password in the address, and a host written as an IP address is public.
- :class:`GuardedResolver`, the connector's resolver: every address a host name resolves to
  must be public, so the address connected to is the address checked (a name that resolves to
  127.0.0.1, or to a private address on the second lookup, is refused all the same).

"Public" means not loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
(169.254/16, fe80::/10, where cloud metadata lives), shared (100.64/10), multicast, reserved or
unspecified; an IPv4-mapped IPv6 address is judged as its IPv4 address.
``NEWSDESK_FEEDS_ALLOW_PRIVATE=true`` turns both checks off for addresses (the scheme check stays):
for a feed on the local network, and for the tests, whose server is on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot import FeedProblem

__all__ = ["GuardedResolver", "check_url", "is_public"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: IPAddress) -> bool:
    """Tell whether an address is on the public internet (see the module docstring)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_url(url: str, *, allow_private: bool = False) -> str:
    """Return ``url`` if it may be fetched; raise :class:`FeedProblem` saying why not.

    Raises:
        FeedProblem: ``bad_url`` (scheme, host, credentials) or ``blocked`` (a non-public IP).
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        raise FeedProblem("bad_url") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FeedProblem("bad_url")
    if parts.username is not None or parts.password is not None:
        raise FeedProblem("bad_url")
    address = _literal(host)
    if address is not None and not allow_private and not is_public(address):
        raise FeedProblem("blocked", str(address))
    return url


class GuardedResolver(AbstractResolver):
    """Resolves host names and refuses every non-public address (unless allowed)."""

    def __init__(self, *, allow_private: bool = False, inner: AbstractResolver | None = None):
        """Wrap ``inner`` (aiohttp's default resolver when None)."""
        self._inner = inner or DefaultResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host``; raise :class:`FeedProblem` (``blocked``) for a non-public address."""
        results = await self._inner.resolve(host, port, family)
        if not self._allow_private:
            for result in results:
                address = ipaddress.ip_address(result["host"])
                if not is_public(address):
                    raise FeedProblem("blocked", f"{host} → {address}")
        return results

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()
