"""Kill -9 during digest delivery: ``newsdesk run`` as a subprocess against a fake platform.

Used by ``tests/adapters/test_kill_delivery.py`` and ``scripts/bench_kill.py``. The fake Slack (in
Socket Mode) or fake Discord (:mod:`tests.adapters.kill_platforms`) runs in this process on
127.0.0.1; the bot runs as ``python -m adapters.cli run`` against it, over its own articles folder
and SQLite store. Several channels each subscribe to several topics, so each channel gets a series
of digests (on Slack paced one a second), and the platform answers each post only
:attr:`KillRun.lag` seconds after taking it: the window in which a killed bot cannot know its
digest arrived.

Each round writes one new article per topic, makes every subscription due (through the store's
``record_run``, while the bot is down), starts the bot, and sends it SIGKILL once its first digest
of the round reaches Slack plus a random delay (``aim``: and then at the next moment Slack holds a
post unanswered, so the kill certainly falls in that window). A last run, not killed, delivers
whatever is left. Then the fake's channels are counted: every article must be there (``lost``
counts those that are not), and an article twice in one channel is a duplicate. Without the
lookup (``lookup=False``), reading history is refused (Slack: ``missing_scope``, as for an app
installed without ``channels:history``; Discord: 403 Missing Access).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.schedule import parse_schedule
from bot.sqlite_store import SqliteStore
from bot.store import Destination, NewSubscription
from tests.adapters.kill_platforms import FakePlatform, SlackSide

__all__ = ["TOPICS", "KillReport", "KillRun"]

ROOT = Path(__file__).resolve().parents[2]
TOPICS = ("Zebra", "Vulkan", "Kupfer")


@dataclass(frozen=True, slots=True)
class KillReport:
    """What the channels hold after the kills and the last run.

    Attributes:
        kills: SIGKILLs sent during delivery.
        window_hits: Deliveries Slack had taken but the bot had not recorded when it died
            (counted once per post: each is a digest a blind re-send shows twice).
        max_hits_per_kill_channel: The most window hits one kill caused in one channel.
        digests: Digest messages in the channels.
        duplicate_digests: Digest messages beyond the first of each delivery.
        duplicate_articles: Article posts beyond the first of each article in each channel.
        lost_articles: Articles that never reached a channel subscribed to their topic.
        pending_left: Deliveries still pending in the store at the end (should be none).
        seconds: Wall time of the whole run.
    """

    kills: int
    window_hits: int
    max_hits_per_kill_channel: int
    digests: int
    duplicate_digests: int
    duplicate_articles: int
    lost_articles: int
    pending_left: int
    seconds: float


@dataclass
class KillRun:
    """One experiment: ``channels`` channels of one platform, each subscribed to every topic."""

    workdir: Path
    platform: FakePlatform = field(default_factory=SlackSide)
    lookup: bool = True
    channels: int = 3
    topics: tuple[str, ...] = TOPICS[:2]
    lag: float = 0.3
    max_delay: float = 1.5
    aim: bool = False
    seed: int = 0
    python: str = sys.executable
    start_timeout: float = 30.0
    _articles: list[tuple[str, int]] = field(default_factory=list)
    _seen: dict[int, int] = field(default_factory=dict)
    _rounds: int = 0

    @property
    def articles_dir(self) -> Path:
        """The bot's articles folder."""
        return self.workdir / "articles"

    @property
    def data_dir(self) -> Path:
        """The bot's data folder (index and ``newsdesk.db``)."""
        return self.workdir / "data"

    def destinations(self) -> list[Destination]:
        """The channels digests go to."""
        name = self.platform.name
        return [Destination(name, channel) for channel in self.platform.channels(self.channels)]

    async def run(self, kills: int) -> KillReport:
        """Kill the bot ``kills`` times during delivery, let a last run finish, and count."""
        began = time.monotonic()
        rng = random.Random(self.seed)  # noqa: S311 -- kill moments, not cryptography
        self.articles_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fake = self.platform
        await fake.start(self.lag)
        try:
            if not self.lookup:
                fake.refuse_lookups([d.channel for d in self.destinations()])
            self._subscribe()
            hits: list[Counter[str]] = []
            for _ in range(kills):
                self._new_round()
                hits.append(await self._killed_round(fake, rng))
            await self._last_run(fake)
            return self._report(fake, kills, hits, time.monotonic() - began)
        finally:
            await fake.close()

    # --- the bot's world ------------------------------------------------------------------------

    def _subscribe(self) -> None:
        """Subscribe every channel to every topic, beside articles on nothing in particular.

        The unrelated articles give a topic's word its weight (BM25 weighs a word found in
        half of a tiny archive's passages as nothing).
        """
        for number in range(1, 9):
            filler = (
                f"---\ntitle: Allerlei {number}\n---\nHeute gibt es Neuigkeiten aus Wetter, "
                f"Verkehr und Sport, Ausgabe {number}, sonst nichts.\n"
            )
            (self.articles_dir / f"filler_{number}.md").write_text(filler, encoding="utf-8")
        schedule = parse_schedule("daily 08:00 in UTC")
        now = dt.datetime.now(dt.UTC)
        store = SqliteStore(self.data_dir / "newsdesk.db")
        try:
            for destination in self.destinations():
                for topic in self.topics:
                    store.add_subscription(
                        NewSubscription(
                            destination,
                            schedule.text,
                            schedule.cron,
                            schedule.timezone,
                            topic,
                            created_at=now,
                            next_run=now,
                        )
                    )
        finally:
            store.close()

    def _new_round(self) -> None:
        """One new article per topic, and every subscription due now."""
        self._rounds += 1
        for topic in self.topics:
            number = self._rounds
            slug = topic.lower()
            text = (
                f"---\ntitle: {topic} Meldung {number}\nsource: Testdienst\n"
                f"url: https://example.org/{slug}/{number}\npublished: 2026-01-{number:02d}\n---\n"
                f"Neues vom Thema {topic}: Meldung {number}. Das {topic} steht im Mittelpunkt "
                f"dieser Meldung, und {topic} bleibt das Thema.\n"
            )
            (self.articles_dir / f"{slug}_{number:03d}.md").write_text(text, encoding="utf-8")
            self._articles.append((slug, number))
        now = dt.datetime.now(dt.UTC)
        store = SqliteStore(self.data_dir / "newsdesk.db")
        try:
            for subscription in store.subscriptions():
                ran = subscription.last_run or now
                store.record_run(subscription.id, ran_at=ran, next_run=now, error=None)
        finally:
            store.close()

    def _environment(self, fake: FakePlatform) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.workdir),
            "PYTHONPATH": str(ROOT),
            **fake.environment(),
            "NEWSDESK_ARTICLES_DIR": str(self.articles_dir),
            "NEWSDESK_DATA_DIR": str(self.data_dir),
            "NEWSDESK_MULTILINGUAL": "false",
            "NEWSDESK_ANSWER_PROCESSES": "0",
            "NEWSDESK_DIGEST_POLL_SECONDS": "1",
            "NEWSDESK_DIGEST_LEASE_SECONDS": "2",  # a killed bot's leases expire soon
            "NEWSDESK_DIGEST_MAX_ITEMS": "20",
            "NEWSDESK_DIGEST_FIRST_RUN_ITEMS": "20",
            "NEWSDESK_ARCHIVE_SCAN_SECONDS": "60",
        }

    async def _start(self, fake: FakePlatform) -> asyncio.subprocess.Process:
        log = (self.workdir / "bot.log").open("ab")
        try:
            return await asyncio.create_subprocess_exec(
                self.python,
                "-m",
                "adapters.cli",
                "run",
                cwd=self.workdir,
                env=self._environment(fake),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        finally:
            log.close()

    # --- rounds ---------------------------------------------------------------------------------

    async def _killed_round(self, fake: FakePlatform, rng: random.Random) -> Counter[str]:
        """Start the bot, kill it during delivery; return the window hits per channel."""
        posts = fake.post_attempts()
        bot = await self._start(fake)
        try:
            await self._wait(lambda: fake.post_attempts() > posts, bot)
            await asyncio.sleep(rng.uniform(0.0, self.max_delay))
            if self.aim:
                await self._wait(lambda: fake.holding() > 0, bot)
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGKILL)
            await bot.wait()
        return self._window_hits(fake)

    async def _last_run(self, fake: FakePlatform) -> None:
        """Run the bot until nothing is pending or due (then killing it loses nothing)."""
        bot = await self._start(fake)
        try:
            await self._wait(self._settled, bot, poll=0.2)
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGKILL)
            await bot.wait()

    def _settled(self) -> bool:
        store = SqliteStore(self.data_dir / "newsdesk.db")
        try:
            now = dt.datetime.now(dt.UTC)
            return not store.pending_deliveries() and not store.due_subscriptions(now)
        finally:
            store.close()

    async def _wait(
        self,
        condition: Callable[[], bool],
        bot: asyncio.subprocess.Process,
        *,
        poll: float = 0.01,
    ) -> None:
        """Wait until ``condition()`` holds; fail with the bot's log if it dies or takes long."""
        deadline = time.monotonic() + self.start_timeout
        while not condition():
            if bot.returncode is not None or time.monotonic() > deadline:
                log = (self.workdir / "bot.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"the bot stopped or stalled (exit {bot.returncode}):\n{log}")
            await asyncio.sleep(poll)

    def _window_hits(self, fake: FakePlatform) -> Counter[str]:
        """Pending deliveries with a post on Slack that no earlier kill had already counted."""
        store = SqliteStore(self.data_dir / "newsdesk.db")
        try:
            pending = store.pending_deliveries()
        finally:
            store.close()
        hits: Counter[str] = Counter()
        for delivery in pending:
            digests = fake.digests(delivery.destination.channel)
            count = sum(posted == delivery.id for posted, _ in digests)
            if count > self._seen.get(delivery.id, 0):
                hits[delivery.destination.channel] += 1
            self._seen[delivery.id] = count
        return hits

    # --- counting -------------------------------------------------------------------------------

    def _report(
        self, fake: FakePlatform, kills: int, hits: list[Counter[str]], seconds: float
    ) -> KillReport:
        digests = duplicate_digests = duplicate_articles = lost = 0
        expected = set(self._articles)
        for destination in self.destinations():
            messages = fake.digests(destination.channel)
            digests += len(messages)
            deliveries = Counter(delivery for delivery, _ in messages)
            duplicate_digests += sum(n - 1 for n in deliveries.values())
            shown = Counter(article for _, articles in messages for article in articles)
            duplicate_articles += sum(n - 1 for n in shown.values())
            lost += len(expected - set(shown))
        store = SqliteStore(self.data_dir / "newsdesk.db")
        try:
            pending_left = len(store.pending_deliveries())
        finally:
            store.close()
        return KillReport(
            kills=kills,
            window_hits=sum(sum(h.values()) for h in hits),
            max_hits_per_kill_channel=max((n for h in hits for n in h.values()), default=0),
            digests=digests,
            duplicate_digests=duplicate_digests,
            duplicate_articles=duplicate_articles,
            lost_articles=lost,
            pending_left=pending_left,
            seconds=seconds,
        )
