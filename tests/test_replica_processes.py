"""Two replicas as two `newsdesk run` processes on one PostgreSQL and one fake Slack.

Both replicas serve Slack (HTTP mode, each on its own port) against the fake Slack of
``adapters/slack/testing.py`` on 127.0.0.1, share the throwaway PostgreSQL schema of
``postgres_url``, and answer ``GET /healthz`` on ports of their own. Each replica has its own bot
token, so the fake tells their posts apart. Rounds of new due subscriptions are added while both
poll every 0.2 s; every channel must get its digest exactly once. In the last round the fake holds
each post for a second and one replica is SIGKILLed while it has posts in flight: nothing is
lost, and the only repeats are re-sends of the deliveries it had in flight (the documented
window: the platform accepted a post the killed replica could not record).

The live archive: two replicas on one articles folder and one data folder; an article written
into the folder is answered by both, and neither rebuilt the index: the leader searched the new
article in a delta segment beside the saved index and published the archive generation through
PostgreSQL; the follower, told by it, did the same.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

import aiohttp
import pytest

from adapters.slack.payloads import signed_headers, slash_command
from adapters.slack.testing import FakeSlack
from bot.postgres_store import PostgresStore
from bot.schedule import parse_schedule
from bot.store import Destination, NewSubscription
from tests.bot.test_archive_sync import QUARKBYTE
from tests.conftest import SEEDS
from tests.postgres import free_port

ROOT = Path(__file__).resolve().parents[1]
TOKENS = ("xoxb-replica-a", "xoxb-replica-b")
ROUNDS = 3  # rounds of racing replicas before the kill round
CHANNELS_PER_ROUND = 16
SIGNING_SECRET = "replica-test-signing-secret"
STARTUP_SECONDS = 120.0
ROUND_SECONDS = 60.0


@dataclass
class Replica:
    """One `newsdesk run` process."""

    token: str
    process: subprocess.Popen[bytes]
    health_url: str
    log: Path
    output: IO[bytes]
    slack_url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.output.close()


def start_replica(
    token: str,
    fake: FakeSlack,
    database_url: str,
    folder: Path,
    *,
    data: Path | None = None,
    more: Mapping[str, str] | None = None,
) -> Replica:
    """Start `newsdesk run` (``-v`` with ``data``, a data folder shared with other replicas)."""
    folder.mkdir()
    port, slack_port = free_port(), free_port()
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("NEWSDESK_", "SLACK_", "DISCORD_"))
    }
    environment.update(
        PYTHONPATH=str(ROOT),
        NEWSDESK_MULTILINGUAL="false",
        NEWSDESK_DATA_DIR=str(data or folder / "data"),
        NEWSDESK_DATABASE_URL=database_url,
        NEWSDESK_ANSWER_PROCESSES="0",
        NEWSDESK_DIGEST_POLL_SECONDS="0.2",
        NEWSDESK_DIGEST_LEASE_SECONDS="2",
        NEWSDESK_METRICS_PORT=str(port),
        NEWSDESK_SLACK_API_URL=fake.api_url,
        NEWSDESK_SLACK_HTTP_PORT=str(slack_port),
        SLACK_BOT_TOKEN=token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    environment.update(more or {})
    command = ["-v", "run"] if data is not None else ["run"]
    log = folder / "replica.log"
    output = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", "from adapters.cli import main; raise SystemExit(main())", *command],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    slack_url = f"http://127.0.0.1:{slack_port}/slack/events"
    return Replica(token, process, f"http://127.0.0.1:{port}/healthz", log, output, slack_url)


async def until_ready(replica: Replica) -> None:
    """Wait until the replica's /healthz says ready (bounded); fail with its log if it dies."""
    deadline = asyncio.get_running_loop().time() + STARTUP_SECONDS
    timeout = aiohttp.ClientTimeout(total=2)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while True:
            if replica.process.poll() is not None:
                pytest.fail(f"replica exited at start-up:\n{replica.log.read_text()}")
            try:
                async with session.get(replica.health_url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"replica not ready in {STARTUP_SECONDS} s:\n{replica.log.read_text()}")
            await asyncio.sleep(0.2)


def subscribe_round(store: PostgresStore, number: int) -> list[Destination]:
    """Add one due daily subscription for each of a round's new channels."""
    schedule = parse_schedule("daily 08:00 in UTC")
    now = dt.datetime.now(dt.UTC)
    channels = [Destination("slack", f"C{number}X{n:02d}") for n in range(CHANNELS_PER_ROUND)]
    for channel in channels:
        store.add_subscription(
            NewSubscription(
                channel,
                schedule.text,
                schedule.cron,
                schedule.timezone,
                None,
                now - dt.timedelta(days=1),
                now - dt.timedelta(minutes=1),
            )
        )
    return channels


def posts(fake: FakeSlack, channels: list[Destination]) -> Counter[str]:
    wanted = {c.channel for c in channels}
    return Counter(
        str(call.args["channel"])
        for call in fake.calls_to("chat.postMessage")
        if call.args.get("channel") in wanted
    )


def settled(store: PostgresStore, fake: FakeSlack, channels: list[Destination]) -> bool:
    """Every channel got a post, recorded its run, and nothing is pending."""
    if len(posts(fake, channels)) < len(channels) or store.pending_deliveries():
        return False
    return all(all(s.last_run is not None for s in store.subscriptions(c)) for c in channels)


async def until_settled(
    store: PostgresStore, fake: FakeSlack, channels: list[Destination], replicas: list[Replica]
) -> None:
    deadline = asyncio.get_running_loop().time() + ROUND_SECONDS
    while not await asyncio.to_thread(settled, store, fake, channels):
        if asyncio.get_running_loop().time() > deadline:
            logs = "\n".join(r.log.read_text() for r in replicas)
            pytest.fail(
                f"round not delivered in {ROUND_SECONDS} s: {posts(fake, channels)}\n{logs}"
            )
        await asyncio.sleep(0.2)


def in_flight(fake: FakeSlack, token: str) -> tuple[int, int]:
    """(posts that arrived and are not answered yet, posts answered) for one replica's token."""
    arrived = sum(1 for method, t in fake.arrivals if method == "chat.postMessage" and t == token)
    answered = sum(1 for c in fake.calls_to("chat.postMessage", ok=None) if c.token == token)
    return arrived - answered, answered


def delivery_id(call_args: dict[str, object]) -> object:
    metadata = call_args.get("metadata")
    assert isinstance(metadata, dict)
    payload = metadata["event_payload"]
    assert isinstance(payload, dict)
    return payload["delivery_id"]


@pytest.fixture
def store(postgres_url: str) -> Iterator[PostgresStore]:
    made = PostgresStore(postgres_url)
    yield made
    made.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(bot_token=TOKENS[0], more_bot_tokens=TOKENS[1:]) as started:
        yield started


async def test_two_replica_processes_deliver_every_digest_once_even_when_one_is_killed(
    postgres_url: str, store: PostgresStore, fake: FakeSlack, tmp_path: Path
) -> None:
    replicas = [start_replica(token, fake, postgres_url, tmp_path / token) for token in TOKENS]
    try:
        await asyncio.gather(*(until_ready(r) for r in replicas))
        for number in range(ROUNDS):  # both race for the same due channels
            channels = await asyncio.to_thread(subscribe_round, store, number)
            await until_settled(store, fake, channels, replicas)
            assert set(posts(fake, channels).values()) == {1}, posts(fake, channels)
            recorded = {store.sent_articles(channel) for channel in channels}
            assert len(recorded) == 1  # the same first digest everywhere, recorded whole
            assert len(recorded.pop()) == 5  # the three latest shown, the older two counted
        assert all(r.process.poll() is None for r in replicas)  # both raced, both still up
        by_token = Counter(c.token for c in fake.calls_to("chat.postMessage"))

        fake.delay("chat.postMessage", 1.0, times=CHANNELS_PER_ROUND * 3)
        channels = await asyncio.to_thread(subscribe_round, store, ROUNDS)
        deadline = asyncio.get_running_loop().time() + ROUND_SECONDS
        while True:  # until a replica is mid-delivery: posts in flight, one already answered
            busy = [r for r in replicas if min(in_flight(fake, r.token)) > 0]
            if busy:
                break
            assert asyncio.get_running_loop().time() < deadline, "no replica started posting"
            await asyncio.sleep(0.01)
        victim = busy[0]
        flying, _ = in_flight(fake, victim.token)
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait(timeout=30)
        survivors = [r for r in replicas if r is not victim]
        await until_settled(store, fake, channels, survivors)
        counts = posts(fake, channels)
        duplicates = sum(counts.values()) - len(channels)
        assert len(counts) == len(channels)  # nothing lost
        # the successor looks each pending delivery up on Slack (issue 16) before re-sending it
        assert duplicates == 0, (duplicates, flying)
        seen: set[object] = set()
        for call in fake.calls_to("chat.postMessage"):
            if call.args.get("channel") in counts and counts[str(call.args["channel"])] > 1:
                seen.add(delivery_id(call.args))
        repeated = [c for c in counts if counts[c] > 1]
        assert len(seen) == len(repeated)  # a repeat re-sends the same delivery, never a new one
        assert {len(store.sent_articles(channel)) for channel in channels} == {5}
        print(
            f"\nreplica figures: {ROUNDS} racing rounds x {CHANNELS_PER_ROUND} channels, 0"
            f" duplicates (posts per replica {dict(by_token)}); kill round: {flying} in flight"
            f" at SIGKILL, {duplicates} duplicates, 0 lost"
        )
    finally:
        for replica in replicas:
            replica.stop()


QUESTION = "Wie viel Geld sammelte Quarkbyte ein?"
ANSWER = "40 Millionen Euro"  # only in the article written while the replicas run


async def ask(session: aiohttp.ClientSession, replica: Replica, fake: FakeSlack, key: str) -> str:
    """Ask :data:`QUESTION` with ``/ask`` on the replica's Slack port; return its answer."""
    body = urlencode(slash_command("/ask", QUESTION, response_url=fake.response_url(key)))
    form = "application/x-www-form-urlencoded"
    headers = signed_headers(SIGNING_SECRET, body, content_type=form)
    async with session.post(replica.slack_url, data=body, headers=headers) as acked:
        assert acked.status == 200
    await fake.wait_for(lambda: fake.responses_to(key), timeout=20)
    return str(fake.responses_to(key)[-1]["text"])


def log_lines(replica: Replica, text: str) -> list[str]:
    return [line for line in replica.log.read_text().splitlines() if text in line]


async def test_a_new_article_is_answered_by_both_replicas_and_indexed_by_one(
    postgres_url: str, store: PostgresStore, fake: FakeSlack, tmp_path: Path
) -> None:
    articles, data = tmp_path / "articles", tmp_path / "shared-data"
    shutil.copytree(SEEDS, articles)
    more = {"NEWSDESK_ARTICLES_DIR": str(articles), "NEWSDESK_ARCHIVE_SCAN_SECONDS": "0.5"}
    replicas: list[Replica] = []
    try:
        for token in TOKENS:  # one after the other: the second starts from the saved index
            replicas.append(
                start_replica(token, fake, postgres_url, tmp_path / token, data=data, more=more)
            )
            await until_ready(replicas[-1])
        clock = asyncio.get_running_loop()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
            for n, replica in enumerate(replicas):
                assert ANSWER not in await ask(session, replica, fake, f"before-{n}")
            (articles / "005_quark.md").write_text(QUARKBYTE, encoding="utf-8")
            written, answered_after = clock.time(), dict[int, float]()
            for attempt in itertools.count():
                for n, replica in enumerate(replicas):
                    key = f"after-{attempt}-{n}"
                    if n not in answered_after and ANSWER in await ask(session, replica, fake, key):
                        answered_after[n] = clock.time() - written
                if len(answered_after) == len(replicas):
                    break
                assert clock.time() - written < ROUND_SECONDS, answered_after
                await asyncio.sleep(0.1)
        published = store.archive_generation()
        assert published is not None
        assert published.number == 1  # one publication for one change
        leaders = [r for r in replicas if log_lines(r, "archive generation 1 published")]
        assert len(leaders) == 1, [r.log.read_text() for r in replicas]
        [leader] = leaders
        [follower] = [r for r in replicas if r is not leader]
        assert f":{leader.process.pid}:" in published.publisher
        [built] = log_lines(leader, "archive generation 1 published")
        assert "with a delta segment" in built  # the new article, beside the saved index
        [loaded] = log_lines(follower, "archive generation 1 (published by")
        assert "saved index reused with a delta segment" in loaded
        assert not log_lines(follower, "index rebuilt")
        assert not log_lines(leader, "index rebuilt")
        first, second = (answered_after[replicas.index(r)] for r in (leader, follower))
        print(
            f"\narchive figures: new article answered by both replicas {max(first, second):.2f} s"
            f" after it was written (leader {first:.2f} s, follower {second:.2f} s;"
            " scans every 0.5 s)"
        )
        assert all(r.process.poll() is None for r in replicas)
    finally:
        for replica in replicas:
            replica.stop()
