"""The bot end to end, ``newsdesk bench bot``: signed ``/ask`` requests against Slack's HTTP mode.

The real Slack service serves the seed archive on 127.0.0.1 in a process of its own, its Web API
and response URLs a local fake Slack (:mod:`benchmarks.load`). Slack's side, in this process,
sends N correctly signed ``/ask`` slash commands with C simulated users at once, each waiting
for its answer before asking again (no think time), with a rotating set of German questions the
archive can and cannot answer (``tests/data/relevance_questions.json``). It measures each
request's ack latency (until the HTTP response to the POST) and answer latency (until the
answer's POST reaches the response URL), after ``--warmup`` unmeasured requests (any failure
there stops the run). Bounded: N at most 100,000, C at most 500, each answer waited for at most
``--timeout`` seconds, and no request started after ``--time-limit`` seconds (warm-up included).

Usage::

    python -m benchmarks.bot [-n 2000] [-c 50] [--timeout 10] [--time-limit 300]
                             [--answer-processes 1] [--json]

The bot is served as ``newsdesk run`` serves it, with ``--answer-processes`` answering worker
processes (default 1, as ``NEWSDESK_ANSWER_PROCESSES``; 0 answers in threads of the serving
process, the design measured before the workers, to compare).

``--json`` prints exactly one object: ``requests`` (N asked for), ``sent``, ``concurrency``,
``ack_p50_ms``, ``ack_p99_ms``, ``answer_p50_ms``, ``answer_p99_ms`` (null without a sample),
``throughput_rps`` (answers per second of the measured run), ``errors`` and ``error_kinds``
(``ack_status``, ``ack_failed``, ``answer_timeout``, ``bad_answer``: see
:func:`benchmarks.load.send_load`), ``wall_s``, ``bot_cpu_s`` (CPU seconds of the bot's process
and its answering workers in the run, null where unknown), ``load_cpu_s`` (of this process),
``same_process``, ``answer_processes``, ``cores``, ``memory_gib`` and ``targets_met``
(``ack_p99_ms``, ``answer_p99_ms``, ``errors``: booleans). Without it, a Markdown table with the
issue's targets marked met or not met. Progress goes to stderr. ``--same-process`` serves the
bot in this process instead, to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.slack.testing import FakeSlack
from benchmarks.load import ROOT, BotProcess, Sample, send_load, serve_bot, tree_cpu_seconds
from benchmarks.measure import percentile
from bot import NewsdeskError

__all__ = [
    "ERROR_KINDS",
    "TARGETS",
    "BotResult",
    "RunSpec",
    "load_questions",
    "main",
    "run",
    "summarise",
    "targets_met",
    "text_report",
]

QUESTIONS = ROOT / "tests" / "data" / "relevance_questions.json"
MAX_REQUESTS = 100_000
MAX_CONCURRENCY = 500
ERROR_KINDS = ("ack_status", "ack_failed", "answer_timeout", "bad_answer")
TARGETS = {"ack_p99_ms": 100.0, "answer_p99_ms": 500.0, "errors": 0}
"""The issue's targets at C=50, N=2000: ack p99 < 100 ms, answer p99 < 500 ms, no error."""

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RunSpec:
    """What to run: counts, time bounds, and where the bot runs."""

    requests: int = 2000
    concurrency: int = 50
    timeout: float = 10.0
    time_limit: float = 300.0
    warmup: int = 20
    same_process: bool = False
    answer_processes: int = 1


@dataclass(frozen=True, slots=True)
class BotResult:
    """The measured run: the samples, and what it cost each side."""

    spec: RunSpec
    samples: tuple[Sample, ...]
    wall_s: float
    bot_cpu_s: float | None
    load_cpu_s: float


def load_questions(path: Path = QUESTIONS) -> tuple[str, ...]:
    """Return the calibration questions, answerable and not, in a fixed shuffled order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    questions = [
        item["question"] if isinstance(item, dict) else str(item)
        for part in ("answerable", "unanswerable", "heldout")
        for item in data.get(part, [])
    ]
    random.Random(0).shuffle(questions)  # noqa: S311 -- a fixed order, not a secret
    return tuple(questions)


async def run(spec: RunSpec, questions: Sequence[str], progress: Progress) -> BotResult:
    """Serve the bot, warm it up, send the measured requests, and stop it cleanly."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-bot-") as tmp:
        async with FakeSlack() as fake, _bot(spec, fake.api_url, Path(tmp)) as (address, pid):
            where = "in this process" if spec.same_process else f"in process {pid}"
            progress(f"The bot serves /ask at {address} ({where}); fake Slack at {fake.base_url}")
            deadline = time.perf_counter() + spec.time_limit
            if spec.warmup:
                progress(f"Warming up with {spec.warmup} requests, one at a time ...")
                warmup = await send_load(
                    address,
                    fake,
                    questions,
                    requests=spec.warmup,
                    concurrency=1,
                    timeout=spec.timeout,
                    deadline=deadline,
                    progress=progress,
                    label="warmup",
                )
                if failed := [s.error for s in warmup if s.error is not None]:
                    raise RuntimeError(
                        f"the warm-up requests failed ({', '.join(sorted(set(failed)))})"
                    )
            result = await _measure(
                spec, address, fake, questions, deadline=deadline, pid=pid, progress=progress
            )
        progress("Stopped the bot.")
    return result


async def _measure(
    spec: RunSpec,
    address: str,
    fake: FakeSlack,
    questions: Sequence[str],
    *,
    deadline: float,
    pid: int | None,
    progress: Progress,
) -> BotResult:
    """Send the measured requests; note the wall time and each side's CPU time."""
    progress(f"Sending {spec.requests:,} requests, {spec.concurrency} at a time ...")
    bot_before, load_before, started = _cpu(pid), time.process_time(), time.perf_counter()
    samples = await send_load(
        address,
        fake,
        questions,
        requests=spec.requests,
        concurrency=spec.concurrency,
        timeout=spec.timeout,
        deadline=deadline,
        progress=progress,
    )
    wall = time.perf_counter() - started
    bot_after, load_used = _cpu(pid), time.process_time() - load_before
    bot_used = None if bot_before is None or bot_after is None else bot_after - bot_before
    return BotResult(spec, tuple(samples), wall, bot_used, load_used)


def _cpu(pid: int | None) -> float | None:
    return None if pid is None else tree_cpu_seconds(pid)


@asynccontextmanager
async def _bot(
    spec: RunSpec, api_url: str, data_dir: Path
) -> AsyncIterator[tuple[str, int | None]]:
    """Serve the bot (in a child process, or in this one); yield its address and process id."""
    if not spec.same_process:
        async with BotProcess.start(api_url, data_dir, spec.answer_processes) as child:
            yield child.address, child.process.pid
        return
    stop = asyncio.Event()
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    served = serve_bot(
        api_url, data_dir, stop, ready.set_result, answer_processes=spec.answer_processes
    )
    task = asyncio.ensure_future(served)
    try:
        await asyncio.wait((task, ready), return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
        yield ready.result(), None
    finally:
        stop.set()
        await task


def summarise(result: BotResult) -> dict[str, Any]:
    """Return the figures of a run as the ``--json`` object (see the module docstring)."""
    samples = result.samples
    acks = [s.ack_ms for s in samples if s.ack_ms is not None]
    answers = [s.answer_ms for s in samples if s.answer_ms is not None and s.error is None]
    kinds = {kind: sum(s.error == kind for s in samples) for kind in ERROR_KINDS}
    figures: dict[str, Any] = {
        "requests": result.spec.requests,
        "sent": len(samples),
        "concurrency": result.spec.concurrency,
        "ack_p50_ms": _rounded(percentile(acks, 50)) if acks else None,
        "ack_p99_ms": _rounded(percentile(acks, 99)) if acks else None,
        "answer_p50_ms": _rounded(percentile(answers, 50)) if answers else None,
        "answer_p99_ms": _rounded(percentile(answers, 99)) if answers else None,
        "throughput_rps": _rounded(len(answers) / result.wall_s) if result.wall_s else 0.0,
        "errors": sum(kinds.values()),
        "error_kinds": kinds,
        "wall_s": _rounded(result.wall_s),
        "bot_cpu_s": None if result.bot_cpu_s is None else _rounded(result.bot_cpu_s),
        "load_cpu_s": _rounded(result.load_cpu_s),
        "same_process": result.spec.same_process,
        "answer_processes": result.spec.answer_processes,
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
    }
    return figures | {"targets_met": targets_met(figures)}


def _rounded(value: float) -> float:
    return round(value, 2)


def _memory_gib() -> float | None:
    """Return the machine's memory (``MemTotal``) in GiB, None where unknown."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        return None
    return None


def targets_met(figures: dict[str, Any]) -> dict[str, bool]:
    """Return, per target of :data:`TARGETS`, whether the figures meet it (all requests sent)."""
    ack, answer = figures["ack_p99_ms"], figures["answer_p99_ms"]
    return {
        "ack_p99_ms": ack is not None and ack < TARGETS["ack_p99_ms"],
        "answer_p99_ms": answer is not None and answer < TARGETS["answer_p99_ms"],
        "errors": figures["errors"] == TARGETS["errors"] and figures["sent"] == figures["requests"],
    }


def _row(name: str, value: str, target: str = "", met: bool | None = None) -> str:
    verdict = "" if met is None else "met" if met else "**not met**"
    return f"| {name} | {value} | {target} | {verdict} |"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} ms"


def text_report(figures: dict[str, Any]) -> str:
    """Return the figures as a Markdown table with the issue's targets, then how it ran."""
    met = targets_met(figures)
    kinds = ", ".join(f"{kind} {n}" for kind, n in figures["error_kinds"].items() if n)
    errors = f"{figures['errors']:,}" + (f" ({kinds})" if kinds else "")
    lines = [
        f"### /ask end to end: {figures['sent']:,} of {figures['requests']:,} requests, "
        f"{figures['concurrency']} concurrent",
        "",
        "| Figure | Value | Target | |",
        "| --- | ---: | --- | --- |",
        _row("ack p50", _ms(figures["ack_p50_ms"])),
        _row("ack p99", _ms(figures["ack_p99_ms"]), "< 100 ms", met["ack_p99_ms"]),
        _row("answer p50", _ms(figures["answer_p50_ms"])),
        _row("answer p99", _ms(figures["answer_p99_ms"]), "< 500 ms", met["answer_p99_ms"]),
        _row("throughput", f"{figures['throughput_rps']:,.1f} answers/s"),
        _row("errors", errors, "0", met["errors"]),
        "",
    ]
    bot_cpu, load_cpu, wall = figures["bot_cpu_s"], figures["load_cpu_s"], figures["wall_s"]
    workers = figures["answer_processes"]
    answering = (
        f"{workers} answering worker process{'' if workers == 1 else 'es'}"
        if workers
        else "answering in threads"
    )
    if figures["same_process"]:
        sides = (
            f"The bot ({answering}) shared this process with Slack's side: {load_cpu:.1f} s CPU."
        )
    else:
        share = f" ({bot_cpu / wall:.0%} of a core)" if bot_cpu is not None and wall else ""
        used = "" if bot_cpu is None else f": {bot_cpu:.1f} s CPU{share}"
        sides = f"The bot in its own process, {answering}{used}; Slack's side {load_cpu:.1f} s CPU."
    machine = f"Machine: {figures['cores']} cores, {figures['memory_gib']} GiB."
    lines.append(f"Wall {wall:.1f} s. {sides} {machine}")
    if figures["sent"] < figures["requests"]:
        lines.append(f"The time limit stopped the run after {figures['sent']:,} requests.")
    return "\n".join(lines) + "\n"


def _bounded(kind: Callable[[str], Any], low: float, high: float) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is outside {low:g}..{high:g}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk bench bot",
        description="Signed /ask requests against the Slack HTTP endpoint on 127.0.0.1: ack and "
        "answer latency, throughput, errors.",
    )
    parser.add_argument(
        "-n",
        "--requests",
        type=_bounded(int, 1, MAX_REQUESTS),
        default=2000,
        help="requests to measure (default 2000, at most 100000)",
    )
    parser.add_argument(
        "-c",
        "--concurrency",
        type=_bounded(int, 1, MAX_CONCURRENCY),
        default=50,
        help="simulated users asking at once (default 50, at most 500)",
    )
    parser.add_argument(
        "--timeout",
        type=_bounded(float, 0.1, 120),
        default=10.0,
        help="seconds to wait for each answer (default 10)",
    )
    parser.add_argument(
        "--time-limit",
        type=_bounded(float, 1, 3600),
        default=300.0,
        help="no request starts after this many seconds (default 300)",
    )
    parser.add_argument(
        "--warmup",
        type=_bounded(int, 0, 1000),
        default=20,
        help="unmeasured requests first, one at a time (default 20)",
    )
    parser.add_argument(
        "--same-process",
        action="store_true",
        help="serve the bot in this process, sharing its event loop and GIL with "
        "the load (to compare; the default gives the bot a process of its own)",
    )
    parser.add_argument(
        "--answer-processes",
        type=_bounded(int, 0, 64),
        default=1,
        help="worker processes answering questions, as NEWSDESK_ANSWER_PROCESSES (default 1; "
        "0 answers in threads of the serving process, to compare)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``newsdesk bench bot``; return the exit status (1 when the bot could not be served)."""
    args = _parser().parse_args(argv)
    spec = RunSpec(
        requests=args.requests,
        concurrency=min(args.concurrency, args.requests),
        timeout=args.timeout,
        time_limit=args.time_limit,
        warmup=args.warmup,
        same_process=args.same_process,
        answer_processes=args.answer_processes,
    )

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        result = asyncio.run(run(spec, load_questions(), progress))
    except (OSError, RuntimeError, TimeoutError, NewsdeskError) as error:
        print(f"newsdesk bench bot: {error}", file=sys.stderr)
        return 1
    figures = summarise(result)
    print(json.dumps(figures) if args.json else text_report(figures).rstrip("\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
