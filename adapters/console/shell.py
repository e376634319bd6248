"""The console adapter: an interactive session speaking the chat adapters' command grammar.

Each line goes to the core once (``Newsdesk.handle``) and the reply is rendered for the terminal.
``quit``/``exit`` (or end of input, Ctrl-D) leaves; Ctrl-C leaves cleanly too.
"""

from __future__ import annotations

from typing import TextIO

from adapters.console.render import to_terminal
from bot import Newsdesk

__all__ = ["run_shell"]

_QUIT = frozenset({"quit", "exit", "q", "beenden", "ende", ":q"})


def run_shell(core: Newsdesk, stdin: TextIO, stdout: TextIO, *, color: bool = False) -> int:
    """Run the interactive console until the person leaves; returns the exit status.

    Args:
        core: The platform-neutral core.
        stdin: Where lines are read from.
        stdout: Where replies are written.
        color: Render emphasis with ANSI bold.
    """
    interactive = stdin.isatty()
    stdout.write(core.greeting() + "\n")
    while True:
        if interactive:
            stdout.write("\n> ")
        stdout.flush()
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            line = ""
        if not line or line.strip().lower() in _QUIT:
            break
        if not line.strip():
            continue
        reply = core.handle(line)
        stdout.write(to_terminal(reply, core.phrases, color=color) + "\n")
    if interactive:
        stdout.write("\n")
    return 0
