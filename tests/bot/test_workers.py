"""Questions answered in worker processes: the same replies, one store, the live archive."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot import Newsdesk, Reply, Settings, build_newsdesk
from bot import workers as workers_module
from bot.store import Destination, MemoryStore
from bot.subscriptions import RequestContext
from bot.workers import CoreWorkers, worker_settings
from tests.conftest import SEEDS, make_settings

NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
CHANNEL = RequestContext(Destination("slack", "C1"), user="U1", may_manage=True)
QUESTION = "Wie viel bot Musk für OpenAI?"
QUARKBYTE = (
    "---\ntitle: Quarkbyte stellt Q-9 vor\nsource: Beispiel.de\npublished: 2026-11-20\n---\n"
    "Die Firma Quarkbyte stellt das Sprachmodell Q-9 vor. Es soll im Frühjahr erscheinen.\n\n"
    "Quarkbyte sammelte dafür 40 Millionen Euro ein.\n"
)


def worker_pids(workers: CoreWorkers) -> list[int]:
    """The worker processes' ids (from the executor: the test kills one on purpose)."""
    pool = workers._pool
    return list(pool._processes) if pool is not None else []


class CountingCore:
    """Counts the calls that reach the serving process's own core."""

    def __init__(self, core: Newsdesk) -> None:
        self.calls: list[str] = []
        for name in ("handle", "ask"):
            original = getattr(core, name)

            def counted(*args: Any, _original: Any = original, _name: str = name) -> Reply:
                self.calls.append(_name)
                return _original(*args)  # type: ignore[no-any-return]

            setattr(core, name, counted)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path, articles: Path) -> Settings:
    return make_settings(tmp_path / "data", articles_dir=articles, answer_processes=1)


@pytest.fixture
def core(settings: Settings, store: MemoryStore) -> Newsdesk:
    return build_newsdesk(settings, store=lambda: store, clock=lambda: NOW)


@pytest.fixture
async def workers(core: Newsdesk, settings: Settings) -> AsyncIterator[CoreWorkers]:
    started = CoreWorkers(core, settings)
    await asyncio.wait_for(started.start(), timeout=60)
    yield started
    await asyncio.wait_for(started.close(), timeout=30)


async def test_a_question_is_answered_in_a_worker_with_the_same_reply(
    workers: CoreWorkers, core: Newsdesk
) -> None:
    expected = core.handle(QUESTION, CHANNEL)
    assert expected.answered
    counting = CountingCore(core)
    assert workers.in_processes
    assert await workers.handle(QUESTION, CHANNEL) == expected
    assert await workers.ask(QUESTION) == core.ask(QUESTION)
    assert counting.calls == ["ask"]  # only the comparison above ran here


async def test_a_follow_up_in_a_thread_is_answered_in_a_worker_with_the_thread_from_here(
    workers: CoreWorkers, core: Newsdesk, store: MemoryStore
) -> None:
    thread = RequestContext(CHANNEL.destination, user="U1", thread="100.1")
    counting = CountingCore(core)
    assert "97,4 Milliarden USD" in (await workers.handle(QUESTION, thread)).text
    follow_up = await workers.handle("und wann war das?", thread)
    assert "10. Februar" in follow_up.text
    assert counting.calls == []  # both answered in the worker; the turns kept here
    turns = store.recent_turns("slack:C1:100.1", since=NOW - dt.timedelta(hours=1), limit=5)
    assert [turn.question for turn in turns] == [QUESTION, "und wann war das?"]


async def test_commands_run_here_against_this_process_store(
    workers: CoreWorkers, core: Newsdesk, store: MemoryStore
) -> None:
    counting = CountingCore(core)
    reply = await workers.handle("digest subscribe daily 09:00", CHANNEL)
    assert reply.text.startswith("Abonniert: täglich um 09:00")
    assert [s.destination for s in store.subscriptions()] == [CHANNEL.destination]
    help_reply = await workers.handle("help", CHANNEL)
    assert "(5 Artikel)" in help_reply.text
    await workers.record_feedback("a1", "U1", "up")
    assert store.votes("a1") == {"U1": "up"}
    assert counting.calls == ["handle", "handle"]


async def test_an_article_added_while_serving_is_answered_by_the_worker(
    workers: CoreWorkers, core: Newsdesk, articles: Path
) -> None:
    question = "Wie viel Geld sammelte Quarkbyte ein?"
    assert not (await workers.ask(question)).answered
    (articles / "005_quark.md").write_text(QUARKBYTE, encoding="utf-8")
    assert await core.archive.refresh()
    assert core.archive.generation == 1
    reply = await workers.ask(question)
    assert reply.answered
    assert "40 Millionen Euro" in reply.text


async def test_a_dead_worker_is_replaced_and_its_question_still_answered(
    workers: CoreWorkers, caplog: pytest.LogCaptureFixture
) -> None:
    [pid] = worker_pids(workers)
    os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="bot.workers"):
        reply = await workers.ask(QUESTION)
    assert reply.answered  # answered here while the worker is replaced
    assert "an answering worker process died" in caplog.text
    for _ in range(600):
        if workers.in_processes:
            break
        await asyncio.sleep(0.1)
    assert workers.in_processes
    assert pid not in worker_pids(workers)
    assert (await workers.ask(QUESTION)).answered


async def test_closing_while_a_worker_is_replaced_leaves_no_process_behind(
    core: Newsdesk, settings: Settings
) -> None:
    workers = CoreWorkers(core, settings)
    await asyncio.wait_for(workers.start(), timeout=60)
    [pid] = worker_pids(workers)
    os.kill(pid, signal.SIGKILL)
    assert (await workers.ask(QUESTION)).answered  # starts the replacement
    await asyncio.wait_for(workers.close(), timeout=30)
    assert not workers.in_processes
    for _ in range(100):
        if not multiprocessing.active_children():
            break
        await asyncio.sleep(0.1)
    assert multiprocessing.active_children() == []


async def test_workers_that_cannot_start_leave_questions_to_threads(
    core: Newsdesk, settings: Settings, articles: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.rmtree(articles)  # the worker cannot open the archive the serving process holds
    workers = CoreWorkers(core, settings)
    with caplog.at_level(logging.ERROR, logger="bot.workers"):
        await asyncio.wait_for(workers.start(), timeout=60)
    try:
        assert not workers.in_processes
        assert "could not start the answering worker processes" in caplog.text
        assert (await workers.ask(QUESTION)).answered
    finally:
        await workers.close()


async def test_without_worker_processes_everything_runs_in_threads(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, answer_processes=0)
    core = build_newsdesk(settings)
    workers = CoreWorkers(core, settings)
    await workers.start()
    assert not workers.in_processes
    assert (await workers.handle(QUESTION)).answered
    await workers.close()


def test_workers_get_no_secrets(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        slack_bot_token=SecretStr("xoxb-Zq1"),
        slack_app_token=SecretStr("xapp-Zq2"),
        slack_signing_secret=SecretStr("Zq3"),
        discord_token=SecretStr("Zq4"),
        database_url=SecretStr("postgresql://newsdesk:Zq5@db/newsdesk"),
    )
    cleaned = worker_settings(settings)
    assert cleaned.database_url is None
    assert cleaned.slack_bot_token is None
    assert cleaned.slack_app_token is None
    assert cleaned.slack_signing_secret is None
    assert cleaned.discord_token is None
    assert cleaned.articles_dir == settings.articles_dir
    assert "Zq" not in repr(cleaned.model_dump())


def test_a_worker_retries_a_failed_reopen_at_the_next_question(
    core: Newsdesk, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a worker (run here): a reopen that fails once is tried again, not forgotten."""
    attempts: list[int] = []
    reopen = core.archive._reopen
    assert reopen is not None

    def flaky() -> Any:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("the index is being replaced by another process")
        return reopen()

    monkeypatch.setattr(core.archive, "_reopen", flaky)
    monkeypatch.setattr(workers_module, "_core", core)
    monkeypatch.setattr(workers_module, "_version", "before")
    (articles / "005_quark.md").write_text(QUARKBYTE, encoding="utf-8")
    question = "Wie viel Geld sammelte Quarkbyte ein?"
    assert not workers_module._ask("after", question).answered  # the reopen failed: the old copy
    assert workers_module._ask("after", question).answered  # tried again, and current
    assert len(attempts) == 2
    workers_module._ask("after", question)
    assert len(attempts) == 2  # current: no more reopening


def test_a_worker_told_of_a_change_reopens_then_and_not_again_at_the_question(
    core: Newsdesk, settings: Settings, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a worker (run here): :func:`_refresh` reopens; the served version then matches."""
    worker = build_newsdesk(settings, store=MemoryStore, clock=lambda: NOW)
    reopened: list[int] = []
    reopen = worker.archive._reopen
    assert reopen is not None

    def counted() -> Any:
        reopened.append(1)
        return reopen()

    monkeypatch.setattr(worker.archive, "_reopen", counted)
    monkeypatch.setattr(workers_module, "_core", worker)
    monkeypatch.setattr(workers_module, "_version", core.archive.version)
    (articles / "005_quark.md").write_text(QUARKBYTE, encoding="utf-8")
    question = "Wie viel Geld sammelte Quarkbyte ein?"
    workers_module._refresh()  # the serving process saw the change and told the worker
    assert reopened == [1]
    assert workers_module._ask(core.archive.version, question).answered  # before the server
    assert core.archive.reload_if_changed()  # the serving process's own reopen, then
    assert workers_module._ask(core.archive.version, question).answered
    assert reopened == [1]  # the same listing: nothing more to do


async def test_the_serving_process_tells_its_workers_of_a_change_before_reopening(
    workers: CoreWorkers, core: Newsdesk, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert core.archive._listeners == [workers._announce]  # registered once started
    told: list[int] = []
    real = workers._announce

    def counting() -> None:
        told.append(core.archive.generation)
        real()

    monkeypatch.setattr(core.archive, "_listeners", [counting])
    (articles / "005_quark.md").write_text(QUARKBYTE, encoding="utf-8")
    assert await core.archive.refresh()
    assert told == [0]  # before the serving process's copy was replaced
    reply = await workers.ask("Wie viel Geld sammelte Quarkbyte ein?")
    assert "40 Millionen Euro" in reply.text
