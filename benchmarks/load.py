"""Both sides of the bot benchmark: the bot served alone, and Slack sending it ``/ask`` requests.

The bot side (:func:`serve_bot`) builds the core over the seed archive in a temporary data folder
and serves it as ``newsdesk run`` does (``bot.serve``: the answering worker processes, the
digest loop, the archive watch) with the real :class:`~adapters.slack.service.SlackService`
in HTTP mode on an ephemeral port of 127.0.0.1, its Web API a
:class:`~adapters.slack.testing.FakeSlack`. :class:`BotProcess` runs it in a child process
of its own (``python -m benchmarks.load API_URL DATA_DIR ANSWER_PROCESSES``), so the bot has the
interpreter, its GIL and its event loop to itself, as in production: the child prints
``ready <address>`` on stdout once listening, and stops cleanly, letting answers in progress
finish, when its stdin closes (also when the parent dies).

Slack's side (:func:`send_load`) runs in the caller's process with the fake: ``concurrency``
simulated users each send a correctly signed ``/ask`` form post with its own response URL, read
the acknowledgement, wait for the answer to arrive at the fake, and send the next. A request's
ack latency runs from sending the POST to its HTTP response; its answer latency from sending the
POST to the fake receiving the POST to its response URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from pydantic import SecretStr

from adapters.slack.harness import SIGNING_SECRET
from adapters.slack.payloads import signed_headers, slash_command
from adapters.slack.service import SlackService
from adapters.slack.testing import BOT_TOKEN, FakeSlack
from bot import CoreWorkers, Settings, build_newsdesk, serve
from bot.settings import BUNDLED_SEEDS

__all__ = ["Arrivals", "BotProcess", "Sample", "send_load", "serve_bot", "tree_cpu_seconds"]

ROOT = Path(__file__).resolve().parents[1]
_FORM = "application/x-www-form-urlencoded"
_READY = "ready "
_START_SECONDS = 60.0
_STOP_SECONDS = 30.0
_PROGRESS_SECONDS = 2.0

Progress = Callable[[str], None]


# --- the bot side ---------------------------------------------------------------------------


async def serve_bot(
    api_url: str,
    data_dir: Path,
    stop: asyncio.Event,
    on_ready: Callable[[str], None],
    *,
    answer_processes: int = 1,
    articles_dir: Path = BUNDLED_SEEDS,
    multilingual: bool | None = None,
    start_seconds: float = _START_SECONDS,
) -> None:
    """Serve the bot over an archive (the seeds) in HTTP mode, as ``newsdesk run``, until ``stop``.

    Args:
        api_url: The fake Slack's Web API URL.
        data_dir: A folder for the index and the (unused) SQLite store.
        stop: Set to stop serving; answers in progress finish first.
        on_ready: Called with the URL of ``/slack/events`` once it is listening.
        answer_processes: Worker processes answering questions (0: threads of this process).
        articles_dir: The articles folder.
        multilingual: Use the sentence encoder (None: the settings' default).
        start_seconds: How long the service may take to listen once the core is built.
    """
    settings = Settings(  # type: ignore[call-arg]  # no .env; every Slack setting given
        _env_file=None,
        articles_dir=articles_dir,
        data_dir=data_dir,
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_app_token=None,
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_http_host="127.0.0.1",
        slack_http_port=0,
        slack_api_url=api_url,
        slack_subscription_managers="",
        answer_processes=answer_processes,
    )
    if multilingual is not None:
        settings = settings.model_copy(update={"multilingual": multilingual})
    core = build_newsdesk(settings)
    workers = CoreWorkers(core, settings)
    service = SlackService(core, settings, workers=workers)
    task = asyncio.ensure_future(serve(core, [service], settings, stop, workers=workers))
    ready = asyncio.ensure_future(service.ready.wait())
    await asyncio.wait((task, ready), timeout=start_seconds, return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    if task.done():
        task.result()  # raise what stopped it
    if service.address is None:
        stop.set()
        await task
        raise TimeoutError(f"the Slack service did not listen within {start_seconds:.0f} s")
    on_ready(service.address)
    await task


def _child(argv: Sequence[str]) -> int:
    """Run the bot side: ``API_URL DATA_DIR ANSWER_PROCESSES [ARTICLES_DIR]``; stop at stdin EOF.

    With ``ARTICLES_DIR`` the archive is that folder and the sentence encoder is off.
    """
    api_url, data_dir, answer_processes, *articles = argv
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    out = sys.stdout
    sys.stdout = sys.stderr  # stdout carries only the protocol lines

    def ready(address: str) -> None:
        print(f"{_READY}{address}", file=out, flush=True)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def watch_stdin() -> None:
            sys.stdin.read()  # returns at EOF: the parent closed the pipe, or died
            loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
        processes = int(answer_processes)
        if articles:
            await serve_bot(
                api_url,
                Path(data_dir),
                stop,
                ready,
                answer_processes=processes,
                articles_dir=Path(articles[0]),
                multilingual=False,
                start_seconds=1800,  # a large archive: the worker opens it first
            )
        else:
            await serve_bot(api_url, Path(data_dir), stop, ready, answer_processes=processes)

    asyncio.run(run())
    return 0


@dataclass(slots=True)
class BotProcess:
    """The bot side running in a child process; use :meth:`start`."""

    process: asyncio.subprocess.Process
    address: str

    @classmethod
    @asynccontextmanager
    async def start(
        cls,
        api_url: str,
        data_dir: Path,
        answer_processes: int,
        articles_dir: Path | None = None,
        start_seconds: float = _START_SECONDS,
    ) -> AsyncIterator[BotProcess]:
        """Start the child, wait until it listens, and stop it (gracefully, then by force).

        With ``articles_dir`` the bot serves that folder with the sentence encoder off.
        """
        archive = [] if articles_dir is None else [str(articles_dir.resolve())]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            api_url,
            str(data_dir.resolve()),
            str(answer_processes),
            *archive,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
            start_new_session=True,  # its own process group, killed as one (and no Ctrl-C)
        )
        try:
            address = await asyncio.wait_for(_ready_line(process), start_seconds)
            yield cls(process, address)
        finally:
            await _stop(process)


async def _ready_line(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None  # noqa: S101 -- created with a pipe
    while line := (await process.stdout.readline()).decode():
        if line.startswith(_READY):
            return line.removeprefix(_READY).strip()
    raise RuntimeError(f"the bot process exited ({await process.wait()}) before it listened")


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Close the child's stdin and let it drain; past the grace period kill its process group.

    The group goes too: a process the bot started would otherwise hold the pipes open, and
    ``Process.wait`` waits for them.
    """
    if process.stdin is not None:
        process.stdin.close()
    try:
        await asyncio.wait_for(process.wait(), _STOP_SECONDS)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:  # not POSIX
                process.kill()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), _STOP_SECONDS)


def tree_cpu_seconds(pid: int) -> float | None:
    """Return the CPU time (user + system) of a process and its live descendants (the answering
    workers), None where unknown (not Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rpartition(")")[2].split()
    except OSError:
        return None
    used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for child in _children(pid):
        used += tree_cpu_seconds(child) or 0.0
    return used


def _children(pid: int) -> list[int]:
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += [int(n) for n in (task / "children").read_text(encoding="ascii").split()]
    return children


# --- Slack's side ---------------------------------------------------------------------------


class Arrivals:
    """When each response URL of the fake received its first post, as awaitable futures.

    One watcher task takes the posts out of ``fake.responses`` as they arrive (the fake wakes it
    on every request it records), so waiting costs one look at each post, not a scan per waiting
    request, and the fake's record stays small however many requests are sent.
    """

    def __init__(self, fake: FakeSlack) -> None:
        """Watch ``fake``; call :meth:`close` when done."""
        self.fake = fake
        self._futures: dict[str, asyncio.Future[tuple[float, dict[str, Any]]]] = {}
        self._task = asyncio.ensure_future(self._watch())

    def expect(self, key: str) -> asyncio.Future[tuple[float, dict[str, Any]]]:
        """A future for the first post to ``key``: its arrival (``perf_counter``) and payload."""
        future = asyncio.get_running_loop().create_future()
        self._futures[key] = future
        return future

    def forget(self, key: str) -> None:
        """Stop waiting for ``key``."""
        self._futures.pop(key, None)

    async def _watch(self) -> None:
        responses = self.fake.responses
        while True:
            with contextlib.suppress(TimeoutError):
                await self.fake.wait_for(lambda: bool(responses), timeout=3600)
            now = time.perf_counter()
            for post in responses:
                future = self._futures.pop(post.key, None)
                if future is not None and not future.done():
                    future.set_result((now, post.payload))
            responses.clear()  # each post is read once: memory stays flat over 10^5 requests

    async def close(self) -> None:
        """Stop watching."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@dataclass(frozen=True, slots=True)
class Sample:
    """One request: its latencies in ms (None where it did not get that far) and its error."""

    ack_ms: float | None
    answer_ms: float | None
    error: str | None = None


async def send_load(
    address: str,
    fake: FakeSlack,
    questions: Sequence[str],
    *,
    requests: int,
    concurrency: int,
    timeout: float,
    deadline: float,
    progress: Progress,
    label: str = "q",
) -> list[Sample]:
    """Send ``requests`` signed ``/ask`` commands, ``concurrency`` at a time; one sample each.

    Each of ``concurrency`` workers sends a command, waits for its answer (at most ``timeout``
    seconds from sending), then sends the next. No request starts after ``deadline``
    (``perf_counter``), so the whole run ends by ``deadline + timeout``. ``label`` prefixes the
    response URLs' keys, so runs against one fake never mistake each other's answers.

    Errors: ``ack_status`` (an acknowledgement other than HTTP 200), ``ack_failed`` (no
    acknowledgement: connection error or timeout), ``answer_timeout`` (no answer in time) and
    ``bad_answer`` (an answer that is not an ephemeral message with text).
    """
    arrivals = Arrivals(fake)
    samples: list[Sample] = []
    numbers = itertools.count()
    connector = aiohttp.TCPConnector(limit=concurrency)
    client_timeout = aiohttp.ClientTimeout(total=timeout)

    async def one(session: aiohttp.ClientSession, number: int) -> Sample:
        key = f"{label}{number}"
        text = questions[number % len(questions)]
        fields = slash_command("/ask", text, response_url=fake.response_url(key), user="U1")
        body = urlencode(fields)
        headers = signed_headers(SIGNING_SECRET, body, content_type=_FORM)
        answered = arrivals.expect(key)
        start = time.perf_counter()
        try:
            async with session.post(address, data=body, headers=headers) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            arrivals.forget(key)
            return Sample(None, None, "ack_failed")
        acked = time.perf_counter()
        ack_ms = (acked - start) * 1000
        if status != 200:
            arrivals.forget(key)
            return Sample(ack_ms, None, "ack_status")
        try:
            arrived, payload = await asyncio.wait_for(answered, timeout - (acked - start))
        except TimeoutError:
            arrivals.forget(key)
            return Sample(ack_ms, None, "answer_timeout")
        ok = payload.get("response_type") == "ephemeral" and bool(payload.get("text"))
        return Sample(ack_ms, (arrived - start) * 1000, None if ok else "bad_answer")

    async def worker(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < deadline and (number := next(numbers)) < requests:
            samples.append(await one(session, number))

    async def report(started: float) -> None:
        while True:
            await asyncio.sleep(_PROGRESS_SECONDS)
            errors = sum(s.error is not None for s in samples)
            elapsed = time.perf_counter() - started
            progress(f"  {len(samples):,}/{requests:,} done, {errors} errors, {elapsed:.0f} s")

    try:
        async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
            reporter = asyncio.ensure_future(report(time.perf_counter()))
            try:
                workers = (worker(session) for _ in range(concurrency))
                await asyncio.gather(*workers)
            finally:
                reporter.cancel()
    finally:
        await arrivals.close()
    return samples


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
