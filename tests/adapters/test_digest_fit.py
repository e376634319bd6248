"""A digest records exactly what its message shows, on Slack and on Discord.

Hundreds of new articles: the "more" line cannot name them all. The core fits that line before
it records the delivery, so every title recorded as sent appears whole in the Slack blocks and
the Discord embed, and the rest stay unsent for the next digest (also across a restart).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

from adapters.discord.digests import digest_embed
from adapters.slack.render_digest import digest_blocks
from bot import Destination, Digest, RequestContext
from bot.delivery import DeliveryLoop
from bot.phrases import GERMAN
from bot.sqlite_store import SqliteStore
from tests.bot.test_delivery import FakeClock
from tests.bot.test_digest_end_to_end import MONDAY_0700_UTC, TEAM, Recorder, setup

OTHER = Destination("slack", "COTHER")


def add_many(articles: Path, count: int) -> None:
    for n in range(count):
        (articles / f"9{n:03d}_flut.md").write_text(
            f"---\ntitle: Meldung {n} über Forschung & Entwicklung <KI> bei Firma {n}\n"
            f"source: Beispiel.de\npublished: 2026-11-2{n % 3}\n---\n"
            f"Die Firma {n} meldet Fortschritte. Mehr folgt.\n",
            encoding="utf-8",
        )


def shown_titles(digest: Digest) -> list[str]:
    return [item.title for item in digest.items] + [title for _, title in digest.more]


def assert_every_title_is_shown(digest: Digest) -> None:
    slack = json.dumps(digest_blocks(digest, GERMAN)["blocks"], ensure_ascii=False)
    embed = digest_embed(digest, GERMAN, footer="Newsdesk")
    discord_text = " ".join(
        [embed.description or ""] + [f"{f.name} {f.value}" for f in embed.fields]
    )
    for title in shown_titles(digest):
        slack_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert slack_title in slack, title
        discord_title = title.replace("<", "\\<").replace(">", "\\>")
        assert discord_title.replace("\\", "") in discord_text.replace("\\", ""), title


def test_only_what_the_message_shows_is_recorded_and_the_rest_comes_next(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        clock = FakeClock(MONDAY_0700_UTC)
        core, store, articles = setup(tmp_path, clock)
        assert core.desk is not None
        core.handle("digest subscribe daily 09:00", TEAM)
        core.handle(
            "digest subscribe daily 09:00 about Fortschritte", RequestContext(OTHER, user="U2")
        )
        poster = Recorder()
        loop = DeliveryLoop(store, core.desk.digests, {"slack": poster}, clock)
        clock.advance(dt.timedelta(hours=2))
        await loop.run_due()  # the first digests
        add_many(articles, 400)
        assert await core.archive.refresh()
        clock.advance(dt.timedelta(days=1))
        poster.posts.clear()
        await loop.run_due()
        [(_, digest)] = [p for p in poster.posts if not p[1].topic]
        assert len(digest.items) == 5
        assert 5 < len(digest.article_ids) < 400
        assert_every_title_is_shown(digest)
        sent = store.sent_articles(TEAM.destination)
        assert set(digest.article_ids) <= sent
        new = {f"9{n:03d}_flut" for n in range(400)}
        unsent_before_restart = new - sent
        assert len(unsent_before_restart) == 400 - len(digest.article_ids)
        # the same article also reached the topic subscription's digest, recorded per channel
        topical = [p[1] for p in poster.posts if p[1].topic]
        assert topical  # the same articles, in another channel's digest: recorded there only
        assert set(topical[0].article_ids) - sent
        assert set(topical[0].article_ids) <= store.sent_articles(OTHER)
        assert_every_title_is_shown(topical[0])

        # a restart: a new store and loop over the same file; the rest comes, never twice
        restarted = SqliteStore(tmp_path / "newsdesk.db")
        loop = DeliveryLoop(restarted, core.desk.digests, {"slack": poster}, clock)
        seen = set(digest.article_ids)
        for _ in range(200):
            poster.posts.clear()
            clock.advance(dt.timedelta(days=1))
            await loop.run_due()
            for _, later in poster.posts:
                if later.topic:
                    continue
                assert not seen & set(later.article_ids)
                assert_every_title_is_shown(later)
                seen |= set(later.article_ids)
            if not (unsent_before_restart - seen):
                break
        assert not unsent_before_restart - seen

    asyncio.run(scenario())
