"""The ``newsdesk`` command line: the entry point that wires settings, core and adapters.

Commands: ``ask``, ``shell``, ``run``, ``sources``, ``index``, ``digest``, ``feedback``, ``feeds``,
``backup`` and ``eval``. Replies go to standard output; progress, warnings and the one-sentence
errors go to standard error, so ``--json`` output stays one clean object.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from adapters.console.render import to_json, to_terminal
from adapters.console.shell import run_shell
from adapters.feeds_cli import add_feeds_parser, run_feeds
from adapters.ops import OpsServer
from bot import (
    CoreWorkers,
    FeedSource,
    JsonFormatter,
    Metrics,
    Newsdesk,
    NewsdeskError,
    PlatformService,
    ReplyKind,
    Runtime,
    Settings,
    backup_store,
    build_newsdesk,
    check_installation,
    evaluate_answer_file,
    evaluate_retrieval,
    load_settings,
    serve,
    store_name,
)

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line (also the source of ``newsdesk --help``)."""
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Answers questions from a German news archive and posts digests to chat.",
        epilog="Settings come from NEWSDESK_* environment variables or .env (see .env.example).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail to stderr")
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="log lines as text (default) or one JSON object each",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = commands.add_parser("ask", help="answer one question and exit")
    ask.add_argument("question", nargs="+", help='the question, e.g. "Wer ist Mustafa Suleyman?"')
    ask.add_argument("--json", action="store_true", help="print one JSON object")

    commands.add_parser(
        "shell", help="an interactive session: questions, help, digests delivered here"
    )
    commands.add_parser(
        "run", help="serve every configured chat platform and deliver digests (console if none)"
    )
    sources = commands.add_parser(
        "sources", help="list the indexed articles with their metadata, newest first, by page"
    )
    sources.add_argument(
        "page", nargs="?", type=_page, default=1, help="which page of 20 (default 1)"
    )

    index = commands.add_parser("index", help="build or refresh the search index")
    index.add_argument("--rebuild", action="store_true", help="ignore the saved index")

    digest = commands.add_parser("digest", help="print a digest of the latest articles")
    digest.add_argument(
        "--print", action="store_true", required=True, help="print it here (no channel)"
    )
    digest.add_argument("--topic", help="only articles about this topic, most relevant first")
    digest.add_argument(
        "--since", type=_date, metavar="YYYY-MM-DD", help="only articles published since then"
    )

    commands.add_parser(
        "feedback", help="votes per question and the worst-rated answers, from the store"
    )
    add_feeds_parser(commands)

    backup = commands.add_parser(
        "backup", help="copy the store (newsdesk.db) to FILE, safely while the bot runs"
    )
    backup.add_argument("file", type=Path, help="where to write the copy, e.g. newsdesk-backup.db")

    commands.add_parser(
        "check", help="check the articles folder, the saved index, the store and the encoder"
    )
    bench = commands.add_parser(
        "bench", help="benchmarks: search speed at scale, bot latency, a large archive end to end"
    )
    bench.add_argument("which", choices=("search", "bot", "archive"), help="which benchmark")
    bench.add_argument("options", nargs=argparse.REMAINDER, help="its options (see --help)")

    discord = commands.add_parser("discord", help="Discord helpers")
    discord_commands = discord.add_subparsers(
        dest="discord_command", metavar="ACTION", required=True
    )
    discord_commands.add_parser(
        "invite", help="print the invite URL with exactly the scopes and permissions needed"
    )

    evaluate = commands.add_parser(
        "eval", help="measure retrieval on a SQuAD file, or answers on an answer set"
    )
    evaluate.add_argument("file", type=Path, nargs="?", help="a SQuAD-format JSON file")
    evaluate.add_argument(
        "--answers",
        type=Path,
        metavar="FILE",
        help="ask an answer set's questions of the archive (e.g. tests/data/answers_heldout.json)",
    )
    evaluate.add_argument(
        "--questions",
        type=Path,
        metavar="FILE",
        help="ask the SQuAD file's questions in other words, by id "
        "(e.g. tests/data/germanquad_en.json: English over German passages)",
    )
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _page(text: str) -> int:
    """A page number of ``sources``: a whole number from 1."""
    if not text.isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a page is a whole number from 1, not {text!r}")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-27"
        ) from None


class _Progress:
    """Progress lines on stderr: what is happening, then how long it took."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __call__(self, message: str) -> None:
        self._stream.write(message + "\n")
        self._stream.flush()


def _use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def main(
    argv: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line; returns the process exit status.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).
        settings: Settings to use instead of reading the environment (tests pass them in).
        stdin: Input stream (default ``sys.stdin``).
        stdout: Output stream for replies (default ``sys.stdout``).
        stderr: Output stream for progress and errors (default ``sys.stderr``).
    """
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "bench":  # the benchmarks parse their own options
        return _bench(args.which, args.options)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="newsdesk: %(levelname)s: %(message)s",
        stream=stderr,
        force=True,
    )
    if args.log_format == "json":
        for handler in logging.root.handlers:
            handler.setFormatter(JsonFormatter())
    progress = _Progress(stderr)
    try:
        settings = settings or load_settings()
        if args.command == "eval":
            return _eval_command(args, settings, out=stdout, err=stderr, progress=progress)
        if args.command in ("discord", "backup", "check", "feeds"):
            return _helper(args, settings, stdout, stderr)
        quiet_progress = progress if args.command == "index" or args.verbose else None
        core = build_newsdesk(
            settings,
            progress=quiet_progress,
            rebuild=args.command == "index" and args.rebuild,
            merge=args.command == "index",
        )
        return _run(args, core, settings, stdin=stdin, stdout=stdout, stderr=stderr)
    except (NewsdeskError, OSError) as error:
        return _fail(error, verbose=args.verbose, stderr=stderr)
    except KeyboardInterrupt:
        stderr.write("newsdesk: interrupted\n")
        return 130


def _fail(error: Exception, *, verbose: bool, stderr: TextIO) -> int:
    """One sentence on stderr (and the traceback with ``-v``); exit status 1."""
    if verbose:
        traceback.print_exception(error, file=stderr)
    if isinstance(error, OSError):  # a storage fault nothing below turned into a sentence
        where = f"{error.filename}: " if error.filename else ""
        stderr.write(f"newsdesk: {where}{error.strerror or error}.\n")
    else:
        stderr.write(f"newsdesk: {error}\n")
    return 1


def _run(
    args: argparse.Namespace,
    core: Newsdesk,
    settings: Settings,
    *,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    if args.command == "ask":
        reply = core.ask(" ".join(args.question))
        if args.json:
            stdout.write(json.dumps(to_json(reply), ensure_ascii=False) + "\n")
        else:
            stdout.write(to_terminal(reply, core.phrases, color=_use_color(stdout)) + "\n")
        return 0
    if args.command in ("run", "shell") and core.desk is not None:
        _ = core.desk.store  # open and check the store now: never start serving on a damaged one
    if args.command == "run":
        metrics = Metrics()
        workers = CoreWorkers(core, settings, metrics=metrics)  # questions in worker processes
        if services := _platforms(core, settings, workers):
            return asyncio.run(_serve(core, services, settings, workers, stderr))
    if args.command in ("shell", "run"):
        return asyncio.run(
            run_shell(
                core,
                stdin,
                stdout,
                color=_use_color(stdout),
                runtime=lambda posters: Runtime(
                    core, posters, settings, feeds=_feed_source(settings)
                ),
                history=settings.data_dir / "shell_history",
            )
        )
    if args.command == "digest":
        reply = core.digest_now(args.topic, since=args.since)
        stdout.write(to_terminal(reply, core.phrases, color=_use_color(stdout)) + "\n")
        return 0
    return _report(args, core, stdout, stderr)


def _report(args: argparse.Namespace, core: Newsdesk, stdout: TextIO, stderr: TextIO) -> int:
    """``sources``, ``feedback`` and ``index``: print what the core says."""
    if args.command == "sources":
        return _sources(core, args.page, stdout, stderr)
    if args.command == "feedback":
        stdout.write("\n".join(core.feedback_report()) + "\n")
        return 0
    return _index(core, stdout, stderr)


def _sources(core: Newsdesk, page: int, stdout: TextIO, stderr: TextIO) -> int:
    listing = core.list_sources(page)
    if listing.kind is ReplyKind.PROBLEM:  # no such page: say so on stderr, exit 1
        stderr.write(f"newsdesk: {listing.text}\n")
        return 1
    stdout.write(to_terminal(listing, core.phrases) + "\n")
    return 0


def _index(core: Newsdesk, stdout: TextIO, stderr: TextIO) -> int:
    stdout.write(core.index_summary() + "\n")
    if core.knowledge.save_error:  # `newsdesk index` exists to save it: say so and fail
        stderr.write(f"newsdesk: {core.knowledge.save_error}; questions are still answered.\n")
        return 1
    return 0


def _bench(which: str, options: list[str]) -> int:
    # imported here: the benchmarks pull in their peers (rank-bm25, bm25s) and load generators
    if which == "search":
        from benchmarks.search import main as search  # noqa: PLC0415

        return search(options)
    if which == "archive":
        from benchmarks.archive import main as archive  # noqa: PLC0415

        return archive(options)
    from benchmarks.bot import main as bot  # noqa: PLC0415

    return bot(options)


def _helper(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """The commands that need settings but no archive: ``discord invite``, ``backup``, ``feeds``."""
    if args.command == "feeds":
        return run_feeds(args, settings, out, err)
    if args.command == "backup":
        return _backup(settings, args.file, out)
    if args.command == "check":
        return _check(settings, out)
    return _discord_invite(settings, out)


def _backup(settings: Settings, target: Path, out: TextIO) -> int:
    backup_store(settings, target)
    out.write(f"Backed up {store_name(settings)} to {target}.\n")
    return 0


def _check(settings: Settings, out: TextIO) -> int:
    """One line per part; exit status 1 when any part is not sound."""
    results = check_installation(settings)
    for result in results:
        out.write(f"{'ok' if result.ok else 'PROBLEM':7} {result.part:9} {result.detail}\n")
    return 0 if all(result.ok for result in results) else 1


def _discord_invite(settings: Settings, out: TextIO) -> int:
    from adapters.discord import application_id, invite_url  # noqa: PLC0415  (slow SDK import)

    out.write(invite_url(application_id(settings)) + "\n")
    return 0


def _feed_source(settings: Settings) -> FeedSource:
    """The feed port over HTTP (imported here: `newsdesk ask` should not load trafilatura)."""
    from ingest import HttpFeedSource  # noqa: PLC0415

    return HttpFeedSource.from_settings(settings)


def _platforms(core: Newsdesk, settings: Settings, workers: CoreWorkers) -> list[PlatformService]:
    """The chat platforms configured in settings, each as a service to run with ``workers``."""
    services: list[PlatformService] = []
    # imported here: `newsdesk ask` should not pay for loading two chat SDKs
    if settings.slack_configured:
        from adapters.slack import SlackService  # noqa: PLC0415

        services.append(SlackService(core, settings, workers=workers))
    if settings.discord_configured:
        from adapters.discord import DiscordService  # noqa: PLC0415

        services.append(DiscordService(core, settings, workers=workers))
    return services


async def _serve(
    core: Newsdesk,
    services: list[PlatformService],
    settings: Settings,
    workers: CoreWorkers,
    stderr: TextIO,
) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    names = ", ".join(service.platform for service in services)
    beside = []
    if settings.metrics_port is not None and workers.metrics is not None:
        ops = OpsServer(
            core, workers.metrics, host=settings.metrics_host, port=settings.metrics_port
        )
        beside.append(ops.run)
        names += f"; health and metrics on {settings.metrics_host}:{settings.metrics_port}"
    stderr.write(f"newsdesk: serving {names} with digests; Ctrl-C stops.\n")
    await serve(
        core, services, settings, stop, workers=workers, beside=beside, feeds=_feed_source(settings)
    )
    stderr.write("newsdesk: stopped.\n")
    return 0


def _eval(
    file: Path,
    settings: Settings,
    *,
    questions: Path | None,
    as_json: bool,
    out: TextIO,
    progress: _Progress,
) -> int:
    started = time.perf_counter()
    result = evaluate_retrieval(
        file, settings, questions=questions, measure_gate=not as_json, progress=progress
    )
    if as_json:
        out.write(json.dumps(result.as_json()) + "\n")
        return 0
    out.write(
        f"{file.name}: {result.queries} questions over {result.documents} passages\n"
        f"  MRR@10    {result.mrr_at_10:.4f}\n"
        f"  Recall@1  {result.recall_at_1:.4f}\n"
        f"  Recall@5  {result.recall_at_5:.4f}\n"
        f"  pass the relevance gate ({settings.min_relevance}) {result.passes_gate or 0.0:.1%}\n"
        f"  {result.qps:,.0f} queries/s ({time.perf_counter() - started:.1f} s in all)\n"
    )
    return 0


def _eval_command(
    args: argparse.Namespace, settings: Settings, *, out: TextIO, err: TextIO, progress: _Progress
) -> int:
    if args.answers is not None:
        core = build_newsdesk(settings)
        return _eval_answers(args.answers, core, as_json=args.json, out=out)
    if args.file is None:
        err.write(
            "newsdesk: eval needs a SQuAD file or --answers FILE, e.g. "
            "newsdesk eval --answers tests/data/answers_heldout.json\n"
        )
        return 2
    return _eval(
        args.file,
        settings,
        questions=args.questions,
        as_json=args.json,
        out=out,
        progress=progress,
    )


def _eval_answers(file: Path, core: Newsdesk, *, as_json: bool, out: TextIO) -> int:
    report = evaluate_answer_file(file, core)
    if as_json:
        out.write(json.dumps(report.as_json(), ensure_ascii=False) + "\n")
        return 0
    out.write(f"{file.name}: {len(report.outcomes)} questions\n")
    out.write(f"{'':12} {'asked':>5} {'article':>8} {'fact':>6} {'off':>4} {'abstain':>8}\n")
    rows = [("all", report.overall), *sorted(report.by_language.items())]
    rows += sorted(report.by_kind.items())
    for name, tally in rows:
        figures = tally.as_json()
        out.write(
            f"{name:12} {tally.answerable:5} {_percent(figures['right_article_first']):>8} "
            f"{_percent(figures['fact_in_answer']):>6} {tally.offtopic:4} "
            f"{_percent(figures['offtopic_abstained']):>8}\n"
        )
    for outcome in report.misses:
        what = "answered" if outcome.answered else "abstained"
        out.write(f"  miss ({what}) {outcome.case.id}: {outcome.case.question}\n")
    return 0


def _percent(share: float | int | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
