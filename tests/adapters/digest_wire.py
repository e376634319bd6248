"""A digest cut at a platform's limit, on the wire, and a crash between posting and recording.

Shared by the Slack and Discord tests: hundreds of new articles whose titles cannot all be named
in one message. What a channel is recorded to have received must be exactly the titles the posted
message shows in full; a crash after the post and before the record (the store's
``complete_delivery`` never returns) is reconciled at start-up: the posted message is found on
the platform and recorded, not posted again, and the rest come in later digests: nothing
recorded that was not shown, nothing lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

import pytest

from bot import Destination, Poster, RequestContext
from bot.delivery import DeliveryLoop
from bot.sqlite_store import SqliteStore
from tests.adapters.test_digest_fit import add_many
from tests.bot.test_delivery import FakeClock
from tests.bot.test_digest_end_to_end import MONDAY_0700_UTC, setup

COUNT = 400
_SHOWN = re.compile(r"Meldung (\d+) über Forschung & Entwicklung <KI> bei Firma (\d+)")


class Crash(BaseException):
    """The process dies: no handler of the loop catches it."""


class CrashingStore(SqliteStore):
    """A store whose process dies right after the platform accepted a post."""

    def complete_delivery(self, *args: object, **kwargs: object) -> None:
        raise Crash


def whole_titles(wire_text: str) -> set[str]:
    """The flood articles whose title the message shows whole (a cut title does not count)."""
    return {f"9{int(n):03d}_flut" for n, m in _SHOWN.findall(wire_text) if n == m}


async def cut_crash_restart(
    tmp_path: Path,
    destination: Destination,
    poster: Callable[[FakeClock], Poster],
    messages: Callable[[], list[str]],
) -> None:
    """Run the scenario; ``messages`` gives every posted digest so far as readable text.

    Args:
        tmp_path: The test's folder (articles, store).
        destination: The channel subscribed.
        poster: Builds the platform's real poster, talking to the platform's fake.
        messages: The posted digests as the channel reads them (markup escapes undone).
    """
    clock = FakeClock(MONDAY_0700_UTC)
    core, store, articles = setup(tmp_path, clock)
    assert core.desk is not None
    core.handle("digest subscribe daily 09:00", RequestContext(destination, user="U1"))
    posters: Mapping[str, Poster] = {destination.platform: poster(clock)}
    clock.advance(dt.timedelta(hours=2))
    await DeliveryLoop(store, core.desk.digests, posters, clock).run_due()  # the first digest
    before = store.sent_articles(destination)
    store.close()
    add_many(articles, COUNT)
    assert await core.archive.refresh()
    new = {f"9{n:03d}_flut" for n in range(COUNT)}

    crashing = CrashingStore(tmp_path / "newsdesk.db")
    clock.advance(dt.timedelta(days=1))
    with pytest.raises(Crash):
        await DeliveryLoop(crashing, core.desk.digests, posters, clock).run_due()
    cut = messages()[-1]
    shown = whole_titles(cut)
    assert 5 < len(shown) < COUNT  # the message is cut: only some titles fit
    assert crashing.sent_articles(destination) == before  # not recorded before the commit
    crashing.close()

    restarted = SqliteStore(tmp_path / "newsdesk.db")
    loop = DeliveryLoop(restarted, core.desk.digests, posters, clock)
    count = len(messages())
    assert await loop.recover() == 0  # found on the platform (issue 16): completed, not re-sent
    assert len(messages()) == count
    sent = restarted.sent_articles(destination) - before
    assert sent == shown  # exactly what the channel saw

    delivered: list[Collection[str]] = [shown]
    for _ in range(100):
        if new <= restarted.sent_articles(destination):
            break
        posted = len(messages())
        clock.advance(dt.timedelta(days=1))
        await loop.run_due()
        assert len(messages()) == posted + 1
        later = whole_titles(messages()[-1])
        assert restarted.sent_articles(destination) - before == sent | later  # shown = recorded
        assert not later & sent  # never twice
        sent |= later
        delivered.append(later)
    assert restarted.sent_articles(destination) - before == new  # nothing lost
    assert len(delivered) > 2
    restarted.close()
