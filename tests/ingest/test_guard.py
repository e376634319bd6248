"""The SSRF guard, on by default: loopback and private addresses are refused, on every hop.

No request in this file reaches anything but 127.0.0.1: a refused address is refused before a
connection is opened, and the "public" site of the redirect tests is the loopback site, allowed by
patching :func:`ingest.guard.is_public` for exactly that one address.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import quote

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot import FeedProblem
from ingest import (
    Fetcher,
    FetchLimits,
    GuardedResolver,
    HttpFeedSource,
    check_url,
    guard,
    is_public,
)
from tests.ingest.feed_server import feed_site

LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
     "100.64.0.1", "0.0.0." + "0", "224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
     "::ffff:10.0.0.1"],
)  # fmt: skip
def test_non_public_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5", "8.8.8.8"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/feed", "file:///etc/passwd", "gopher://example.org/", "javascript:1",
     "http:///feed", "https://user:pw@example.org/feed", "http://example.org:notaport/"],
)  # fmt: skip
def test_only_plain_http_and_https_addresses_pass(url: str) -> None:
    with pytest.raises(FeedProblem) as caught:
        check_url(url)
    assert caught.value.kind == "bad_url"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/feed", "http://10.0.0.1/feed", "https://192.168.0.10/rss",
     "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/feed", "http://0.0.0.0/"],
)  # fmt: skip
def test_ip_literals_of_private_networks_are_blocked(url: str) -> None:
    with pytest.raises(FeedProblem) as caught:
        check_url(url)
    assert caught.value.kind == "blocked"
    assert check_url(url, allow_private=True) == url  # the setting allows them


async def test_by_default_the_local_site_is_refused_before_any_request() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(FetchLimits(host_delay=0.0))  # the guard is on
        try:
            for url in (
                f"{site.base}/rss.xml",
                site.base.replace("127.0.0.1", "localhost") + "/rss.xml",  # resolves to loopback
            ):
                with pytest.raises(FeedProblem) as caught:
                    await source.fetch_feed(url)
                assert caught.value.kind == "blocked"
        finally:
            await source.close()
    assert site.requests == []


class FakeDns(AbstractResolver):
    """Resolves ``intranet.example`` to 10.1.2.3 and anything else to 127.0.0.1."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        address = "10.1.2.3" if host == "intranet.example" else "127.0.0.1"
        return [
            ResolveResult(
                hostname=host, host=address, port=port, family=socket.AF_INET, proto=0, flags=0
            )
        ]

    async def close(self) -> None:
        pass


async def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = GuardedResolver(inner=FakeDns())
    with pytest.raises(FeedProblem) as caught:
        await resolver.resolve("intranet.example", 80)
    assert caught.value.code == "blocked:intranet.example → 10.1.2.3"
    allowing = GuardedResolver(allow_private=True, inner=FakeDns())
    assert (await allowing.resolve("intranet.example", 80))[0]["host"] == "10.1.2.3"


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the guard treat 127.0.0.1, and only it, as a public address (the test's 'internet')."""
    real = guard.is_public
    monkeypatch.setattr(guard, "is_public", lambda address: address == LOOPBACK or real(address))


@pytest.mark.usefixtures("loopback_is_public")
@pytest.mark.parametrize(
    "target",
    ["http://10.0.0.1/feed", "http://127.0.0.2/feed", "http://169.254.169.254/latest/meta-data/",
     "http://[::1]/feed", "file:///etc/passwd"],
)  # fmt: skip
async def test_a_redirect_to_a_private_address_is_refused(target: str) -> None:
    async with feed_site() as site:
        source = HttpFeedSource(FetchLimits(host_delay=0.0))  # the guard is on
        try:
            with pytest.raises(FeedProblem) as caught:
                await source.fetch_feed(f"{site.base}/redirect?to={quote(target, safe='')}")
        finally:
            await source.close()
    assert caught.value.kind in ("blocked", "bad_url")
    assert len(site.requests) == 1  # only the redirecting request reached the site


@pytest.mark.usefixtures("loopback_is_public")
async def test_a_redirect_to_a_name_of_a_private_address_is_refused() -> None:
    async with feed_site() as site:
        fetcher = Fetcher(FetchLimits(host_delay=0.0), dns=FakeDns())
        port = site.base.rsplit(":", 1)[1]
        target = f"http://intranet.example:{port}/rss.xml"
        try:
            with pytest.raises(FeedProblem) as caught:
                await fetcher.get(f"{site.base}/redirect?to={quote(target, safe='')}")
        finally:
            await fetcher.close()
    assert caught.value.code == "blocked:intranet.example → 10.1.2.3"
    assert len(site.requests) == 1


@pytest.mark.usefixtures("loopback_is_public")
async def test_with_the_guard_on_a_public_site_is_fetched() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(FetchLimits(host_delay=0.0))
        try:
            fetched = await source.fetch_feed(f"{site.base}/moved.xml")
        finally:
            await source.close()
    assert len(fetched.entries) == 2  # the guard let the allowed address and its redirect through
