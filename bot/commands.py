"""The one command grammar every adapter speaks: parse text into a command value.

``help``, ``sources`` and ``ask <question>`` are keywords (German aliases too); anything else is a
question. Parsing is pure and total: every string maps to exactly one command.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Ask", "Command", "Help", "ListSources", "parse_command"]


@dataclass(frozen=True, slots=True)
class Ask:
    """Answer a question from the archive."""

    question: str


@dataclass(frozen=True, slots=True)
class Help:
    """Show what the bot understands."""


@dataclass(frozen=True, slots=True)
class ListSources:
    """List the indexed articles."""


Command = Ask | Help | ListSources

_HELP = frozenset({"help", "hilfe", "?", "-h", "--help"})
_SOURCES = frozenset({"sources", "quellen", "artikel"})
_ASK = frozenset({"ask", "frage", "frag"})


def parse_command(text: str) -> Command:
    """Map what a person typed to a command; unknown words are a question.

    Examples:
        >>> parse_command("hilfe")
        Help()
        >>> parse_command("ask Wer ist Mustafa Suleyman?")
        Ask(question='Wer ist Mustafa Suleyman?')
        >>> parse_command("Wer ist Mustafa Suleyman?")
        Ask(question='Wer ist Mustafa Suleyman?')
    """
    stripped = text.strip()
    head, _, rest = stripped.partition(" ")
    keyword = head.lower()
    if keyword in _HELP and not rest.strip():
        return Help()
    if keyword in _SOURCES and not rest.strip():
        return ListSources()
    if keyword in _ASK:
        return Ask(rest.strip())
    return Ask(stripped)
