"""The console adapter: an interactive session speaking the chat adapters' command grammar.

Each line goes to the core once (``Newsdesk.handle``) and the reply is rendered for the terminal.
Beside it, the runtime delivers scheduled digests, with the console as their channel: subscribe
with ``digest subscribe every 1h`` and the digests appear here. ``quit``/``exit`` (or end of
input, Ctrl-D) leaves; Ctrl-C leaves cleanly too.

On a terminal, lines are read with :mod:`readline` (line editing, and a history kept across
sessions in the file given as ``history``), and replies are wrapped at word boundaries to the
terminal's width.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from adapters.console.render import to_terminal, wrap
from bot import Destination, Digest, Newsdesk, Poster, Runtime, digest_reply

__all__ = ["ConsolePoster", "run_shell"]

_QUIT = frozenset({"quit", "exit", "q", "beenden", "ende", ":q"})

RuntimeFactory = Callable[[Mapping[str, Poster]], Runtime]


class ConsolePoster:
    """Posts digests to the terminal (the console's only channel).

    It is no :class:`bot.PostFinder`: a terminal keeps nothing to look up, so a delivery a crash
    left pending is printed again.
    """

    def __init__(self, core: Newsdesk, stdout: TextIO, *, color: bool = False) -> None:
        """Write digests rendered for the terminal to ``stdout``."""
        self._core, self._stdout, self._color = core, stdout, color

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None = None
    ) -> str | None:
        """Print one digest; there is no message reference in a terminal."""
        text = to_terminal(
            digest_reply(digest, self._core.phrases), self._core.phrases, color=self._color
        )
        self._stdout.write(f"\n{text}\n")
        self._stdout.flush()
        return None


async def run_shell(
    core: Newsdesk,
    stdin: TextIO,
    stdout: TextIO,
    *,
    color: bool = False,
    runtime: RuntimeFactory | None = None,
    history: Path | None = None,
    width: int | None = None,
) -> int:
    """Run the interactive console until the person leaves; returns the exit status.

    Args:
        core: The platform-neutral core.
        stdin: Where lines are read from.
        stdout: Where replies (and digests) are written.
        color: Render emphasis with ANSI bold.
        runtime: Builds the background runtime for the console's poster (none: no digests).
        history: File of the line-editing history (used only on a terminal).
        width: Wrap replies to this many columns (default: the terminal's width on a terminal,
            no wrapping otherwise).
    """
    interactive = stdin.isatty()
    if width is None and interactive:
        width = shutil.get_terminal_size().columns
    read_line, edited = _line_reader(stdin, stdout, interactive, history)
    stop = asyncio.Event()
    background = (
        asyncio.create_task(
            runtime({"console": ConsolePoster(core, stdout, color=color)}).run(stop)
        )
        if runtime
        else None
    )
    greeting = core.greeting()
    stdout.write((wrap(greeting, width) if width else greeting) + "\n")
    try:
        while True:
            line = await asyncio.to_thread(read_line)
            if not line or line.strip().lower() in _QUIT:
                break
            if line.strip():
                text = to_terminal(core.handle(line), core.phrases, color=color)
                stdout.write((wrap(text, width) if width else text) + "\n")
    finally:
        if edited:
            _save_history(history)
        stop.set()
        if background is not None:
            await background
    if interactive:
        stdout.write("\n")
    return 0


def _line_reader(
    stdin: TextIO, stdout: TextIO, interactive: bool, history: Path | None
) -> tuple[Callable[[], str], bool]:
    """Return a function reading one line ("" at end of input), and whether it uses readline.

    On the process's own terminal, :func:`input` with :mod:`readline` loaded gives line editing
    and history; anywhere else (pipes, tests) lines are read from ``stdin`` as they come.
    """
    if interactive and stdin is sys.stdin and stdout is sys.stdout:
        try:
            import readline  # noqa: PLC0415  (optional: absent on some platforms)
        except ImportError:  # pragma: no cover - Windows without pyreadline
            pass
        else:
            if history is not None and history.exists():
                readline.read_history_file(history)

        def from_terminal() -> str:
            try:
                return input("\n> ") + "\n"
            except EOFError:
                return ""

        return from_terminal, "readline" in sys.modules

    def from_stream() -> str:
        if interactive:
            stdout.write("\n> ")
        stdout.flush()
        return stdin.readline()

    return from_stream, False


def _save_history(history: Path | None) -> None:
    """Write the readline history to ``history``, if one is configured."""
    readline = sys.modules.get("readline")
    if readline is None or history is None:
        return
    try:
        history.parent.mkdir(parents=True, exist_ok=True)
        readline.set_history_length(1000)
        readline.write_history_file(history)
    except OSError:  # a read-only home must not spoil leaving the shell
        pass
