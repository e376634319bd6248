"""The console adapter: an interactive session speaking the chat adapters' command grammar.

Each line goes to the core once (``Newsdesk.handle``) and the reply is rendered for the terminal.
Beside it, the runtime delivers scheduled digests, with the console as their channel: subscribe
with ``digest subscribe every 1h`` and the digests appear here. ``quit``/``exit`` (or end of
input, Ctrl-D) leaves; Ctrl-C leaves cleanly too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import TextIO

from adapters.console.render import to_terminal
from bot import Destination, Digest, Newsdesk, Poster, Runtime, digest_reply

__all__ = ["ConsolePoster", "run_shell"]

_QUIT = frozenset({"quit", "exit", "q", "beenden", "ende", ":q"})

RuntimeFactory = Callable[[Mapping[str, Poster]], Runtime]


class ConsolePoster:
    """Posts digests to the terminal (the console's only channel)."""

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
) -> int:
    """Run the interactive console until the person leaves; returns the exit status.

    Args:
        core: The platform-neutral core.
        stdin: Where lines are read from.
        stdout: Where replies (and digests) are written.
        color: Render emphasis with ANSI bold.
        runtime: Builds the background runtime for the console's poster (none: no digests).
    """
    interactive = stdin.isatty()
    stop = asyncio.Event()
    background = (
        asyncio.create_task(
            runtime({"console": ConsolePoster(core, stdout, color=color)}).run(stop)
        )
        if runtime
        else None
    )
    stdout.write(core.greeting() + "\n")
    try:
        while True:
            if interactive:
                stdout.write("\n> ")
            stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip().lower() in _QUIT:
                break
            if line.strip():
                reply = core.handle(line)
                stdout.write(to_terminal(reply, core.phrases, color=color) + "\n")
    finally:
        stop.set()
        if background is not None:
            await background
    if interactive:
        stdout.write("\n")
    return 0
