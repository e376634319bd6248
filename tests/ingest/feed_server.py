"""A local feed site on 127.0.0.1: fixture feeds and article pages with real-looking HTML.

Routes: ``/rss.xml`` (RSS 2.0, two items, ETag and Last-Modified, answers 304 to either),
``/atom.xml`` (Atom 1.0), ``/broken.xml`` (an HTML page where a feed should be),
``/latin1.xml`` (bytes that are not UTF-8 in a feed that declares none), ``/moved.xml``
(302 to ``/rss.xml``), ``/loop/<n>`` (an endless chain of redirects), ``/busy.xml`` (429 with
``Retry-After: 120``), ``/gone.xml`` (404), ``/slow.xml`` (answers after 2 s), ``/big.xml``
(200 kB), ``/redirect?to=<url>`` (302 to any address), ``/articles/<name>.html`` (pages).
Every request is recorded with its path and headers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler

__all__ = ["FeedSite", "article_html", "feed_site", "rss"]

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
ETAG = '"rss-v1"'
MODIFIED = "Fri, 20 Nov 2026 08:00:00 GMT"


def _date(when: dt.datetime) -> str:
    return email.utils.format_datetime(when, usegmt=True)


def rss(base: str, items: list[tuple[str, str, str, dt.datetime]]) -> str:
    """An RSS 2.0 feed of ``(guid, path, title, published)`` items, links under ``base``."""
    entries = "".join(
        f"""<item><title>{title}</title><link>{base}{path}?utm_source=rss</link>
        <guid isPermaLink="false">{guid}</guid><pubDate>{_date(published)}</pubDate>
        <description><![CDATA[<p>Kurzfassung: {title}.</p>]]></description></item>"""
        for guid, path, title, published in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>KI-Nachrichten</title><link>{base}/</link>
<description>Neues aus der KI-Branche</description><language>de-de</language>
{entries}</channel></rss>"""


def article_html(
    title: str, paragraphs: list[str], *, canonical: str, site: str = "Techblog"
) -> str:
    """A news page as sites serve them: navigation, the article, comments, a footer."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>{title} | {site}</title><meta property="og:site_name" content="{site}">
<meta property="og:title" content="{title}"><link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="2026-11-19T08:00:00+01:00">
<script>window.tracking = {{"id": 1}};</script></head><body>
<header><nav><a href="/">Start</a> | <a href="/ki">KI</a> | <a href="/abo">Abo</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">Von Anna Beispiel, 19.11.2026</p>{body}</article>
<aside class="related"><h2>Mehr zum Thema</h2>
<ul><li><a href="/a">Andere Meldung</a></li></ul></aside>
<section id="comments"><h2>Kommentare</h2><p>Erster!</p></section></main>
<footer><p>Impressum · Datenschutz · Cookie-Einstellungen</p></footer></body></html>"""


CHIPS = [
    "Nvidia hat am Donnerstag eine neue Generation von KI-Chips vorgestellt, die doppelt so "
    "schnell rechnen soll wie die vorherige Baureihe Blackwell.",
    "Der Konzern aus Santa Clara will die Chips mit dem Namen Vera Rubin ab dem Frühjahr an "
    "Rechenzentren ausliefern. Analysten erwarten eine hohe Nachfrage der Cloud-Anbieter.",
    "Die neue Baureihe verbraucht nach Angaben des Herstellers pro Rechenschritt ein Drittel "
    "weniger Strom. @everyone Bitte beachten: der Preis wurde nicht genannt.",
]
QUANTUM = [
    "Forschende in München haben einen Quantenprozessor mit 200 supraleitenden Qubits in "
    "Betrieb genommen, der an der Universität gebaut wurde.",
    "Der Prozessor soll Chemikern helfen, Moleküle für neue Batterien zu berechnen. Eine "
    "Förderung des Bundes über 40 Millionen Euro trägt das Projekt bis 2029.",
]
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Forschung aktuell</title>
<id>urn:uuid:forschung</id><updated>2026-11-19T10:00:00Z</updated>
<entry><title>Quantenprozessor in München</title><id>urn:uuid:quanten-1</id>
<link href="{base}/articles/quanten.html"/><updated>2026-11-19T10:00:00Z</updated>
<summary>Ein Prozessor mit 200 Qubits.</summary></entry></feed>"""


@dataclass
class FeedSite:
    """The running site: its base URL and every request it received."""

    base: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    items: list[tuple[str, str, str, dt.datetime]] = field(default_factory=list)
    etag: str = ETAG

    def paths(self) -> list[str]:
        """The paths requested, in order."""
        return [path for path, _ in self.requests]


def _app(site: FeedSite) -> web.Application:
    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        site.requests.append((request.path_qs, dict(request.headers)))
        response: web.StreamResponse = await handler(request)
        return response

    async def feed(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == site.etag or (
            request.headers.get("If-Modified-Since") == MODIFIED and not site.etag
        ):
            return web.Response(status=304, headers={"ETag": site.etag})
        headers = {"ETag": site.etag, "Last-Modified": MODIFIED}
        return web.Response(
            text=rss(site.base, site.items), content_type="application/rss+xml", headers=headers
        )

    async def page(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        canonical = f"{site.base}/articles/{name}.html"
        if name == "quanten":
            html = article_html("Quantenprozessor in München", QUANTUM, canonical=canonical)
        elif name == "missing":
            raise web.HTTPNotFound()
        else:
            html = article_html("Neue KI-Chips von Nvidia", CHIPS, canonical=canonical)
        return web.Response(text=html, content_type="text/html")

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"/loop/{int(request.match_info['n']) + 1}")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.Response(text="<rss version='2.0'><channel></channel></rss>")

    async def big(_: web.Request) -> web.StreamResponse:
        return web.Response(body=b"<rss>" + b" " * 200_000 + b"</rss>")

    def fixed(body: bytes | str, status: int = 200, **headers: str) -> Handler:
        async def handler(_: web.Request) -> web.Response:
            data = body.encode() if isinstance(body, str) else body
            return web.Response(body=data, status=status, headers=headers)

        return handler

    app = web.Application(middlewares=[record])
    app.router.add_get("/rss.xml", feed)
    app.router.add_get("/articles/{name}.html", page)
    app.router.add_get("/loop/{n}", loop)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/slow.xml", slow)
    app.router.add_get("/big.xml", big)

    async def atom(request: web.Request) -> web.StreamResponse:
        return await fixed(ATOM.format(base=site.base))(request)

    app.router.add_get("/atom.xml", atom)
    app.router.add_get(
        "/broken.xml", fixed("<html><body><h1>Willkommen</h1><p>Kein Feed.</p></body></html>")
    )
    app.router.add_get(
        "/latin1.xml",
        fixed(
            b"<?xml version='1.0'?><rss version='2.0'><channel><title>M\xfcnchen</title>"
            b"</channel></rss>"
        ),
    )
    app.router.add_get("/moved.xml", fixed("", 302, Location="/rss.xml"))
    app.router.add_get("/busy.xml", fixed("slow down", 429, **{"Retry-After": "120"}))
    app.router.add_get("/unavailable.xml", fixed("down", 503, **{"Retry-After": "30"}))
    app.router.add_get("/gone.xml", fixed("no such feed", 404))
    return app


@asynccontextmanager
async def feed_site() -> AsyncIterator[FeedSite]:
    """Serve the site on an ephemeral port of 127.0.0.1 until the block ends."""
    site = FeedSite(
        items=[
            ("chips-1", "/articles/chips.html", "Neue KI-Chips von Nvidia", NOW),
            ("quanten-1", "/articles/quanten.html", "Quantenprozessor in München", NOW),
        ]
    )
    runner = web.AppRunner(_app(site))
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    site.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield site
    finally:
        await runner.cleanup()
