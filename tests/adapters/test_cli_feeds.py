"""``newsdesk feeds add|list|remove|fetch``, in-process, against a local site on 127.0.0.1.

The command line runs its own event loop, so the site runs in a thread with another; the SSRF
guard is off by its setting (the site is on the loopback address), except where it is tested.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import Settings
from knowledge import load_articles
from tests.adapters.test_cli import run
from tests.conftest import make_settings
from tests.ingest.feed_server import FeedSite, feed_site


@pytest.fixture
def site() -> Iterator[FeedSite]:
    """The local feed site, served from a thread until the test ends."""
    ready, stop = threading.Event(), threading.Event()
    holder: list[FeedSite] = []

    async def serve() -> None:
        async with feed_site() as running:
            holder.append(running)
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.02)

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield holder[0]
    stop.set()
    thread.join(10)


def open_settings(tmp_path: Path, **more: object) -> Settings:
    """Settings whose guard lets the local site through."""
    return make_settings(tmp_path, feeds_allow_private=True, feeds_host_delay_seconds=0, **more)


def test_feeds_add_list_remove(tmp_path: Path) -> None:
    settings = open_settings(tmp_path)
    status, out, _ = run(["feeds", "add", "https://www.heise.de/rss/heise-atom.xml"], settings)
    assert status == 0
    assert out.startswith("Feed 1 hinzugefügt: https://www.heise.de/rss/heise-atom.xml")
    status, out, _ = run(["feeds", "add", "https://a.example/rss", "every", "2h"], settings)
    assert (status, "alle 2 Stunden" in out) == (0, True)
    status, out, _ = run(["feeds", "list"], settings)
    assert out.startswith("Feeds:")
    assert "2. https://a.example/rss: alle 2 Stunden; zuletzt abgerufen noch nicht" in out
    status, out, _ = run(["feeds", "remove", "1"], settings)
    assert (status, out.startswith("Feed beendet: https://www.heise.de/")) == (0, True)


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["feeds", "add", "heise.de/rss"], "„heise.de/rss“ ist keine Feed-Adresse"),
        (["feeds", "add", "https://a.example/rss", "every", "1m"], "Das Intervall „every 1m“"),
        (["feeds", "remove", "7"], "Noch kein Feed."),
    ],
)
def test_a_refused_feeds_command_says_why(tmp_path: Path, argv: list[str], start: str) -> None:
    status, out, err = run(argv, open_settings(tmp_path))
    assert (out + err).startswith(start)
    assert status == (0 if argv[1] == "remove" else 1)


def test_feeds_fetch_writes_the_new_articles_and_a_second_fetch_none(
    tmp_path: Path, site: FeedSite
) -> None:
    settings = open_settings(tmp_path, feeds_max_age_days=100_000)  # the fixture items are dated
    run(["feeds", "add", f"{site.base}/rss.xml"], settings)
    run(["feeds", "add", f"{site.base}/gone.xml"], settings)
    status, out, _ = run(["feeds", "fetch"], settings)
    assert status == 1  # one feed failed
    assert f"1. {site.base}/rss.xml: 2 new articles, 0 known, 0 too old" in out
    assert f"2. {site.base}/gone.xml: Fehler: die Seite gibt es nicht (HTTP 404)" in out
    titles = sorted(a.title for a in load_articles(settings.feeds_dir).articles)
    assert titles == ["Neue KI-Chips von Nvidia", "Quantenprozessor in München"]
    status, out, _ = run(["feeds", "list"], settings)
    assert "KI-Nachrichten" in out
    assert "2 Artikel; in Ordnung" in out
    run(["feeds", "remove", "2"], settings)
    status, out, _ = run(["feeds", "fetch"], settings)
    assert (status, out) == (0, f"1. {site.base}/rss.xml: not modified since the last fetch\n")
    status, out, _ = run(["ask", "Wann liefert Nvidia die Vera-Rubin-Chips aus?"], settings)
    assert "Frühjahr" in out


def test_by_default_fetch_refuses_the_local_site(tmp_path: Path, site: FeedSite) -> None:
    settings = make_settings(tmp_path)  # the guard is on
    run(["feeds", "add", f"{site.base}/rss.xml"], settings)
    status, out, _ = run(["feeds", "fetch"], settings)
    assert status == 1
    assert "Fehler: die Adresse führt ins lokale oder private Netz (127.0.0.1)" in out
    assert site.requests == []
