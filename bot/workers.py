"""Where the core's work runs while an event loop serves chat: questions in worker processes.

Answering a question is a few milliseconds of pure-Python CPU (analysis, search, composing the
answer). Run in a thread of the serving process, that CPU holds the GIL while the event loop
wants to acknowledge the next request, and at 50 questions at once acknowledgements waited
~300 ms (docs/BENCHMARKS.md). :class:`CoreWorkers` therefore sends questions to worker processes
(``NEWSDESK_ANSWER_PROCESSES``, default 1), each with its own core opened from the saved index.
Everything else (help, sources, digest commands, votes: quick, and they use the store) runs in a
thread of the serving process, against its one store. Without worker processes, questions run in
threads too (the console, ``newsdesk ask``, most tests).

Workers follow the live archive. As soon as the serving process's watch sees a change it tells
the workers (:meth:`bot.archive.Archive.on_change`), and each reopens its own copy at once, beside
the serving process's reopen instead of after it. Each question also carries
:attr:`bot.archive.Archive.version` (a digest of the listings the serving process's copy reflects):
a worker whose copy reflects other listings, and has not tried that version yet, reopens first.
A worker that dies is replaced, and the question it had is answered in a thread, so nobody goes
without a reply. Workers get no secrets: the tokens are removed from their settings.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any

from bot.commands import Ask, parse_command
from bot.core import Newsdesk
from bot.logs import JsonFormatter
from bot.metrics import Metrics
from bot.replies import Reply
from bot.settings import Settings
from bot.store import Turn
from bot.subscriptions import RequestContext
from bot.wiring import build_newsdesk

__all__ = ["CoreWorkers", "worker_settings"]

logger = logging.getLogger(__name__)

#: Settings a worker never needs: it only answers questions.
_NO_SECRETS: dict[str, Any] = {
    "database_url": None,  # a worker never opens the store
    "slack_bot_token": None,
    "slack_app_token": None,
    "slack_signing_secret": None,
    "discord_token": None,
}
_MAX_RESTARTS = 3


def worker_settings(settings: Settings) -> Settings:
    """The settings a worker process gets: the same, without any token or secret."""
    return settings.model_copy(update=_NO_SECRETS)


class CoreWorkers:
    """Runs the core's blocking work off the event loop: questions in worker processes.

    Every method returns the core's reply and, like the core, never raises for a question.
    """

    def __init__(
        self, core: Newsdesk, settings: Settings | None = None, *, metrics: Metrics | None = None
    ) -> None:
        """Answer from ``core``; ``settings`` (their ``answer_processes``) enable worker processes.

        Nothing starts until :meth:`start`; until then, and without settings, work runs in threads.
        ``metrics`` count every question, its outcome and its latency.
        """
        self.core = core
        self.metrics = metrics
        self.processes = settings.answer_processes if settings is not None else 0
        self._settings = worker_settings(settings) if settings is not None else None
        self._pool: ProcessPoolExecutor | None = None
        self._restarts = 0
        self._restarting: asyncio.Task[None] | None = None
        self._listening = False

    @property
    def in_processes(self) -> bool:
        """Whether questions are being answered in worker processes right now."""
        return self._pool is not None

    async def start(self) -> None:
        """Warm up the core, then start the worker processes and wait until each is ready."""
        await asyncio.to_thread(self.core.warm_up)  # the first question should not wait
        await asyncio.to_thread(lambda: self.core.archive.version)  # O(files): not in the loop
        if self.processes:
            self._pool = await self._start_pool()
            if not self._listening:
                self.core.archive.on_change(self._announce)
                self._listening = True

    def _announce(self) -> None:
        """Tell each worker process to reopen its copy now (called in the refreshing thread).

        One job per process; the pool gives each to an idle process, so with several processes
        one may get two (the second is a quick look) and another none (it reopens at its next
        question, as the version tells it).
        """
        pool = self._pool
        if pool is None:
            return
        try:
            for _ in range(self.processes):
                pool.submit(_refresh)
        except RuntimeError:  # shut down or broken meanwhile: questions find out
            logger.debug("could not tell the answering workers of the archive change")

    async def close(self) -> None:
        """Stop the worker processes (call once the adapters have finished their answers)."""
        if self._restarting is not None:
            self._restarting.cancel()
            await asyncio.gather(self._restarting, return_exceptions=True)
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    async def handle(self, text: str, context: RequestContext | None = None) -> Reply:
        """:meth:`Newsdesk.handle`: a question in a worker process, any other command here.

        A question in a thread reads and extends the thread's turns here, against this
        process's store; only the answering goes to the worker.
        """
        command = parse_command(text)
        if not isinstance(command, Ask):
            return await asyncio.to_thread(self.core.handle, text, context)
        started = time.perf_counter()
        here = partial(self.core.handle, text, context)
        if self._pool is None:
            return self._counted(await asyncio.to_thread(here), started)
        if context is None or context.thread is None:
            return self._counted(await self._in_worker(_handle, (text, context), here), started)
        earlier = await asyncio.to_thread(self.core.earlier_turns, context)
        reply = await self._answer(command.question, earlier, context.destination.platform)
        await asyncio.to_thread(self.core.record_turn, context, reply, earlier)
        return self._counted(reply, started)

    async def ask(
        self, question: str, earlier: Sequence[Turn] = (), platform: str | None = None
    ) -> Reply:
        """:meth:`Newsdesk.ask` (the text is a question whatever it says), in a worker process."""
        started = time.perf_counter()
        return self._counted(await self._answer(question, earlier, platform), started)

    async def _answer(self, question: str, earlier: Sequence[Turn], platform: str | None) -> Reply:
        here = partial(self.core.ask, question, tuple(earlier), platform)
        if self._pool is None:
            return await asyncio.to_thread(here)
        return await self._in_worker(_ask, (question, tuple(earlier), platform), here)

    def _counted(self, reply: Reply, started: float) -> Reply:
        if self.metrics is not None:
            self.metrics.question(reply, time.perf_counter() - started)
        return reply

    async def in_conversation(self, context: RequestContext) -> bool:
        """:meth:`Newsdesk.in_conversation`, in a thread (it reads this process's store)."""
        return await asyncio.to_thread(self.core.in_conversation, context)

    async def remember_answer(self, reply: Reply, platform: str) -> str | None:
        """:meth:`Newsdesk.remember_answer`, in a thread (it writes to this process's store)."""
        return await asyncio.to_thread(self.core.remember_answer, reply, platform)

    async def record_feedback(self, answer_id: str, user: str, vote: str) -> Reply:
        """:meth:`Newsdesk.record_feedback`, in a thread (it writes to this process's store)."""
        return await asyncio.to_thread(self.core.record_feedback, answer_id, user, vote)

    async def _in_worker(
        self, job: Callable[..., Reply], args: tuple[Any, ...], here: Callable[[], Reply]
    ) -> Reply:
        pool = self._pool
        if pool is None:  # a worker is being replaced
            return await asyncio.to_thread(here)
        version = self.core.archive.version
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, job, version, *args)
        except BrokenProcessPool:
            logger.warning("an answering worker process died; answering here and replacing it")
            self._replace(pool)
        except Exception:  # the reply could not travel back; the worker itself is fine
            logger.exception("an answering worker failed; answering here instead")
        return await asyncio.to_thread(here)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._pool is not broken:
            return  # already being replaced
        self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)
        if self._restarts >= _MAX_RESTARTS:
            logger.error(
                "answering worker processes died %d times; answering in threads from now on",
                self._restarts,
            )
            return
        self._restarts += 1
        self._restarting = asyncio.ensure_future(self._restart())

    async def _restart(self) -> None:
        self._pool = await self._start_pool()

    async def _start_pool(self) -> ProcessPoolExecutor | None:
        """Start the processes; on failure log why and return None (questions use threads)."""
        if self._settings is None:
            return None
        started = time.perf_counter()
        pool = ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),  # fork is unsafe beside threads
            initializer=_open_core,
            initargs=(
                self._settings,
                self.core.archive.version,
                logging.root.level,
                _logs_json(),
            ),
        )
        loop = asyncio.get_running_loop()
        try:  # one call per process: each is started on demand and opens its core first
            await asyncio.gather(
                *(loop.run_in_executor(pool, os.getpid) for _ in range(self.processes))
            )
        except asyncio.CancelledError:  # closed while starting: leave no process behind
            # wait: a process still opening its core would outlive a shutdown that does not
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
            raise
        except Exception as error:  # any failure: report it, keep answering
            pool.shutdown(wait=False, cancel_futures=True)
            logger.error(  # the worker printed its own traceback
                "could not start the answering worker processes (%s: %s); answering in threads",
                type(error).__name__,
                error,
            )
            return None
        logger.info(
            "answering questions in %d worker process%s, ready in %.1f s",
            self.processes,
            "" if self.processes == 1 else "es",
            time.perf_counter() - started,
        )
        return pool


# --- inside a worker process --------------------------------------------------------------------

_core: Newsdesk | None = None
_version = ""  # the serving process's archive version this copy last caught up with


def _logs_json() -> bool:
    """Whether this process logs JSON lines (``--log-format json``): its workers do too."""
    return any(isinstance(h.formatter, JsonFormatter) for h in logging.root.handlers)


def _open_core(settings: Settings, version: str, log_level: int, json_logs: bool) -> None:
    """Open this worker's core from the saved index and warm it up (the pool's initializer)."""
    global _core, _version  # noqa: PLW0603 -- one core per worker process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    logging.basicConfig(
        level=log_level, format="newsdesk (answering worker): %(levelname)s: %(message)s"
    )
    if json_logs:
        for handler in logging.root.handlers:
            handler.setFormatter(JsonFormatter())
    _core = build_newsdesk(settings)
    _core.warm_up()
    _version = version
    gc.freeze()  # the knowledge base lives as long as we do: keep it out of collections


def _current_core(version: str) -> Newsdesk:
    """This worker's core, reopened first if the serving process's archive reflects other listings.

    ``version`` is the serving process's :attr:`~bot.archive.Archive.version`; a copy that
    reflects the same listings (reopened already, told by :func:`_refresh`) needs nothing.
    """
    global _version  # noqa: PLW0603
    if _core is None:
        raise RuntimeError("the answering worker has no core; _open_core did not run")
    if version != _version:
        if version == _core.archive.version:
            _version = version
            return _core
        _core.archive.reload_if_changed()  # a failure is logged; the old copy answers meanwhile
        if not _core.archive.changed():  # current now; after a failure, retry at the next question
            _version = version
    return _core


def _refresh() -> None:
    """Reopen this worker's copy if the folder changed (the serving process saw a change)."""
    if _core is not None:
        _core.archive.reload_if_changed()  # a failure is logged; questions retry


def _handle(version: str, text: str, context: RequestContext | None) -> Reply:
    return _current_core(version).handle(text, context)


def _ask(
    version: str, question: str, earlier: tuple[Turn, ...] = (), platform: str | None = None
) -> Reply:
    return _current_core(version).ask(question, earlier, platform)
