"""The console shell: word-boundary wrapping, and a terminal session with a width."""

from __future__ import annotations

import asyncio
import io

from adapters.console.render import wrap
from adapters.console.shell import run_shell
from bot import Newsdesk


class Terminal(io.StringIO):
    """A stdin that says it is a terminal (but is not the process's own, so no readline)."""

    def isatty(self) -> bool:
        return True


def test_wrap_breaks_at_word_boundaries_and_keeps_indents() -> None:
    text = "Elon Musk bot 97,4 Milliarden USD für OpenAI\n      Creati.ai · 27.01.2026 und mehr"
    wrapped = wrap(text, 24)
    assert wrapped.split("\n") == [
        "Elon Musk bot 97,4",
        "Milliarden USD für",
        "OpenAI",
        "      Creati.ai ·",
        "      27.01.2026 und",
        "      mehr",
    ]
    assert wrapped.replace("\n", " ").split() == text.split()  # no word cut, none lost


def test_wrap_never_breaks_an_address() -> None:
    url = "https://example.com/" + "a" * 60
    assert wrap(f"      {url}", 40) == f"      {url}"


def test_a_terminal_session_wraps_replies_to_its_width(core: Newsdesk) -> None:
    stdin, stdout = Terminal("Wie viel bot Musk für OpenAI?\nquit\n"), io.StringIO()
    assert asyncio.run(run_shell(core, stdin, stdout, width=50)) == 0
    out = stdout.getvalue()
    assert "97,4 Milliarden" in out.replace("\n", " ")
    assert "\n> " in out  # the prompt
    assert max(len(line) for line in out.splitlines() if "http" not in line) <= 50
