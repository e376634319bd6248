"""A large archive end to end (``newsdesk bench archive``): the CLI and the bot, 10^3-10^5 articles.

For each size a seeded archive of real German sentences is written
(:mod:`benchmarks.archive_corpus`; kept between runs in ``--workdir``), and with a fresh data
folder, each command in a fresh process as a user types it (``newsdesk ...`` with
``NEWSDESK_ARTICLES_DIR``, ``NEWSDESK_DATA_DIR`` and ``NEWSDESK_MULTILINGUAL=false``: the
encoder's own cost is in ``scripts/bench_encoder.py``):

- ``index``: wall and CPU seconds and peak resident memory (``wait4``'s ``ru_maxrss``); then
  ``index`` again over the unchanged archive (the start from the saved state);
- cold ``ask --json`` with a valid saved index (a question only one article answers, checked);
- ``digest --print`` and ``sources``, wall seconds (and the lines ``sources`` prints);
- the bot served as ``newsdesk run`` serves it (:class:`benchmarks.load.BotProcess`: Slack's
  HTTP mode against a local fake, one answering worker): its start, its CPU while idle over
  ``--idle-seconds`` (the archive watch scanning every 5 s), its memory at rest (resident and
  proportional set size of the server and the worker: PSS shares mapped pages between them),
  and the seconds from writing one new article file until ``/ask`` answers from it;
- tantivy (when the ``bench`` extra brought it) on the same passages: build seconds, memory
  added, and query p50 over the same questions, in a process of its own.

Usage::

    python -m benchmarks.archive [--articles 1000,10000] [--seed 17] [--workdir DIR] [--json]

``--json`` prints one object ``{"sizes": {"<n>": {...}}}`` with the keys of :data:`FIGURES`
(null where not measured); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from adapters.slack.harness import SIGNING_SECRET
from adapters.slack.payloads import signed_headers, slash_command
from adapters.slack.testing import FakeSlack
from benchmarks.archive_corpus import (
    ArchiveSpec,
    article_text,
    marker,
    sentence_pool,
    write_archive,
)
from benchmarks.load import ROOT, Arrivals, BotProcess, tree_cpu_seconds

__all__ = ["FIGURES", "TARGETS", "main", "measure_size", "memory_of"]

FIGURES = (
    "passages",
    "index_wall_s",
    "index_cpu_s",
    "index_peak_mb",
    "reindex_wall_s",
    "reindex_cpu_s",
    "reindex_peak_mb",
    "ask_wall_s",
    "ask_cpu_s",
    "ask_peak_mb",
    "ask_found",
    "digest_wall_s",
    "digest_cpu_s",
    "sources_wall_s",
    "sources_cpu_s",
    "sources_lines",
    "run_start_s",
    "idle_cpu_percent",
    "server_rss_mb",
    "worker_rss_mb",
    "server_pss_mb",
    "worker_pss_mb",
    "new_file_answerable_s",
    "tantivy_build_s",
    "tantivy_added_mb",
    "tantivy_p50_ms",
    "newsdesk_p50_ms",
)
TARGETS = {
    "index_peak_mb": 3000.0,
    "index_cpu_s": 150.0,
    "ask_wall_s": 3.0,
    "idle_cpu_percent": 1.0,
    "new_file_answerable_s": 10.0,
}
"""Issue 17's targets at 10^5 articles (and server + worker PSS <= 1.5x the server's RSS)."""

Progress = Callable[[str], None]
_FORM = "application/x-www-form-urlencoded"


def _cli(args: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from adapters.cli import main; sys.exit(main())",
        *args,
    ]


def _env(archive: Path, data: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "SLACK_", "DISCORD_"))
    }
    env.update(
        NEWSDESK_ARTICLES_DIR=str(archive),
        NEWSDESK_DATA_DIR=str(data),
        NEWSDESK_MULTILINGUAL="false",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    return env


def run_command(args: Sequence[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Run one ``newsdesk`` command in a fresh process: wall and CPU s, peak MB, exit, output."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        _cli(args), env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = _drain(process)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": time.perf_counter() - started,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "exit": process.returncode,
        "stdout": out,
        "stderr": err,
    }


def _drain(process: subprocess.Popen[bytes]) -> tuple[str, str]:
    """Read both pipes to their end without waiting for the process (wait4 reaps it)."""

    chunks: dict[str, bytes] = {}

    def read(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    threads = [
        threading.Thread(target=read, args=(name, stream))
        for name, stream in (("out", process.stdout), ("err", process.stderr))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (
        chunks["out"].decode("utf-8", "replace"),
        chunks["err"].decode("utf-8", "replace"),
    )


def memory_of(pid: int) -> dict[str, float]:
    """Resident and proportional set size of a process, MB (``/proc/<pid>/smaps_rollup``)."""
    fields: dict[str, float] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii").splitlines():
            key, _, value = line.partition(":")
            if key in ("Rss", "Pss"):
                fields[key.lower()] = int(value.split()[0]) / 1024
    return fields


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(n) for n in (task / "children").read_text(encoding="ascii").split()]
    return found


async def _ask(
    address: str, fake: FakeSlack, arrivals: Arrivals, question: str, *, key: str, timeout: float
) -> str | None:
    """Send one signed ``/ask``; the answer's text, or None when none came in time."""
    fields = slash_command("/ask", question, response_url=fake.response_url(key), user="U1")
    body = urlencode(fields)
    headers = signed_headers(SIGNING_SECRET, body, content_type=_FORM)
    answered = arrivals.expect(key)
    async with (
        aiohttp.ClientSession() as session,
        session.post(address, data=body, headers=headers) as response,
    ):
        await response.read()
    try:
        _at, payload = await asyncio.wait_for(answered, timeout)
    except TimeoutError:
        arrivals.forget(key)
        return None
    return str(payload.get("text", ""))


async def measure_bot(
    archive: Path, data: Path, spec: ArchiveSpec, *, idle_seconds: float, say: Progress
) -> dict[str, Any]:
    """Serve the bot over ``archive``; idle CPU, memory at rest, a new file until answerable."""
    async with FakeSlack() as fake:
        return await _serve_and_measure(
            fake, archive, data, spec, idle_seconds=idle_seconds, say=say
        )


async def _serve_and_measure(
    fake: FakeSlack,
    archive: Path,
    data: Path,
    spec: ArchiveSpec,
    *,
    idle_seconds: float,
    say: Progress,
) -> dict[str, Any]:
    new_index = spec.n_articles  # the next article of the same seed
    figures: dict[str, Any] = {}
    api_url = fake.api_url
    arrivals = Arrivals(fake)
    pool = sentence_pool()
    name, text = article_text(new_index, pool, spec)
    new_file = archive / name
    started = time.perf_counter()
    try:
        async with BotProcess.start(api_url, data, 1, archive, start_seconds=1800) as bot:
            figures["run_start_s"] = time.perf_counter() - started
            pid = bot.process.pid
            word = marker(new_index // 2)
            await _ask(bot.address, fake, arrivals, f"Was ist {word}?", key="warm", timeout=600)
            await asyncio.sleep(3)
            cpu_before, at = tree_cpu_seconds(pid), time.perf_counter()
            await asyncio.sleep(idle_seconds)
            cpu_after, until = tree_cpu_seconds(pid), time.perf_counter()
            if cpu_before is not None and cpu_after is not None:
                figures["idle_cpu_percent"] = 100 * (cpu_after - cpu_before) / (until - at)
            server = memory_of(pid)
            workers = [memory_of(child) for child in _children(pid)]
            figures["server_rss_mb"] = server.get("rss")
            figures["server_pss_mb"] = server.get("pss")
            figures["worker_rss_mb"] = sum(w.get("rss", 0.0) for w in workers) or None
            figures["worker_pss_mb"] = sum(w.get("pss", 0.0) for w in workers) or None
            say(f"  bot idle {figures.get('idle_cpu_percent')}% CPU; writing {name}")
            word = marker(new_index)
            new_file.write_text(text, encoding="utf-8")
            written = time.perf_counter()
            attempt = 0
            while time.perf_counter() - written < 600:
                attempt += 1
                answer = await _ask(
                    bot.address, fake, arrivals, f"Was ist {word}?", key=f"n{attempt}", timeout=600
                )
                if answer is not None and word.lower() in answer.lower():
                    figures["new_file_answerable_s"] = time.perf_counter() - written
                    break
                await asyncio.sleep(0.5)
    finally:
        new_file.unlink(missing_ok=True)
        await arrivals.close()
    return figures


def measure_size(
    n: int,
    workdir: Path,
    *,
    seed: int,
    idle_seconds: float,
    bot: bool,
    tantivy: bool,
    say: Progress,
) -> dict[str, Any]:
    """Every figure of one archive size (see the module docstring)."""
    spec = ArchiveSpec(n, seed=seed, paragraphs=12)
    archive = workdir / f"archive-{n}"
    say(f"{n:,} articles: archive in {archive}")
    write_archive(archive, spec, say)
    data = workdir / f"data-{n}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env, cwd = _env(archive, data), data
    figures: dict[str, Any] = dict.fromkeys(FIGURES)
    index = run_command(["index"], env, cwd)
    _check(index, "index")
    counted = re.search(r"([\d,]+) passages", index["stdout"] + index["stderr"])
    figures["passages"] = int(counted.group(1).replace(",", "")) if counted else None
    figures.update(
        index_wall_s=index["wall_s"], index_cpu_s=index["cpu_s"], index_peak_mb=index["peak_mb"]
    )
    say(f"  index {index['wall_s']:.1f} s wall, {index['cpu_s']:.1f} s CPU")
    say(f"  index peak {index['peak_mb']:.0f} MB")
    again = run_command(["index"], env, cwd)
    _check(again, "index again")
    figures.update(
        reindex_wall_s=again["wall_s"],
        reindex_cpu_s=again["cpu_s"],
        reindex_peak_mb=again["peak_mb"],
    )
    say(f"  index again {again['wall_s']:.1f} s wall, {again['peak_mb']:.0f} MB")
    word = marker(n // 2)
    ask = run_command(["ask", "--json", f"Was ist {word}?"], env, cwd)
    _check(ask, "ask")
    answer = json.loads(ask["stdout"])
    sources = answer.get("sources") or [{}]
    figures.update(
        ask_wall_s=ask["wall_s"],
        ask_cpu_s=ask["cpu_s"],
        ask_peak_mb=ask["peak_mb"],
        ask_found=bool(answer.get("answered"))
        and sources[0].get("article", "").startswith(f"{n // 2:06d}_"),
    )
    say(f"  cold ask {ask['wall_s']:.2f} s, found: {figures['ask_found']}")
    digest = run_command(["digest", "--print"], env, cwd)
    _check(digest, "digest")
    listing = run_command(["sources"], env, cwd)
    _check(listing, "sources")
    figures.update(
        digest_wall_s=digest["wall_s"],
        digest_cpu_s=digest["cpu_s"],
        sources_wall_s=listing["wall_s"],
        sources_cpu_s=listing["cpu_s"],
        sources_lines=listing["stdout"].count("\n"),
    )
    say(f"  digest {digest['wall_s']:.2f} s, sources {listing['wall_s']:.2f} s")
    if bot:
        figures.update(
            asyncio.run(measure_bot(archive, data, spec, idle_seconds=idle_seconds, say=say))
        )
        say(f"  new file answerable after {figures.get('new_file_answerable_s')} s")
    if tantivy:
        figures.update(_tantivy(archive, n, env, cwd, say))
    say(f"  figures: {json.dumps(figures)}")
    return figures


def _check(result: dict[str, Any], what: str) -> None:
    if result["exit"] != 0:
        raise RuntimeError(f"{what} exited {result['exit']}: {result['stderr'][-2000:]}")


def _tantivy(
    archive: Path, n: int, env: dict[str, str], cwd: Path, say: Progress
) -> dict[str, Any]:
    """Tantivy and newsdesk's index over the same passages, in a child process each."""
    command = [sys.executable, "-m", "benchmarks.archive_peers", str(archive), str(n)]
    done = subprocess.run(  # noqa: S603 -- our own interpreter and module
        command, env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        say(f"  tantivy not measured: {done.stderr.strip().splitlines()[-1:]}")
        return {}
    figures: dict[str, Any] = json.loads(done.stdout)
    say(f"  tantivy {figures}")
    return figures


def text_report(sizes: dict[str, dict[str, Any]]) -> str:
    """A Markdown table of the figures, one column per size."""
    names = list(sizes)
    lines = ["| figure | " + " | ".join(f"{int(n):,} articles" for n in names) + " |"]
    lines.append("| --- |" + " --- |" * len(names))
    for key in FIGURES:
        row = []
        for n in names:
            value = sizes[n].get(key)
            row.append(
                "-" if value is None else f"{value:.3g}" if isinstance(value, float) else str(value)
            )
        lines.append(f"| {key} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk bench archive", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--articles", default="1000,10000", help="comma-separated archive sizes")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsdesk-bench-archive",
        help="where archives (kept) and data folders (fresh each run) go",
    )
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--no-bot", action="store_true", help="skip the served bot's figures")
    parser.add_argument("--no-tantivy", action="store_true", help="skip tantivy")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status is 0 when every size was measured."""
    args = _parser().parse_args(argv)
    sizes = [int(x) for x in args.articles.split(",") if x.strip()]

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results: dict[str, dict[str, Any]] = {}
    for n in sizes:
        results[str(n)] = measure_size(
            n,
            args.workdir,
            seed=args.seed,
            idle_seconds=args.idle_seconds,
            bot=not args.no_bot,
            tantivy=not args.no_tantivy,
            say=say,
        )
    if args.json:
        print(json.dumps({"sizes": results}))
    else:
        print(text_report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
