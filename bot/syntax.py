"""Commands as each platform types them, for the examples in the bot's sentences.

One command grammar is read everywhere (:mod:`bot.commands`), but people type it differently:
the console ``digest subscribe werktags 09:30``, Slack the slash command
``/digest subscribe werktags 09:30`` (keywords under ``/ask``: ``/ask sources``), Discord its
slash command with named options ``/digest subscribe schedule: werktags 09:30``. A sentence that
shows a command names it as a :class:`CommandExample` placeholder in its template
(``"… z. B. {subscribe}"``); :func:`compose` fills each in the asker's platform's syntax, as a
``"command"`` span, which adapters show as code.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from bot.replies import Paragraph, Span

__all__ = ["CommandExample", "Option", "command_line", "compose"]

_SLACK_UNDER_ASK = frozenset({"sources", "help"})  # Slack has only /ask and /digest


@dataclass(frozen=True, slots=True)
class Option:
    """One value of a command.

    Attributes:
        name: The Discord option that takes it, e.g. ``"schedule"``.
        text: The value, e.g. ``"werktags 09:30"`` or a placeholder ``"<Zeitplan>"``.
        keyword: The word before it in typed text (``"about"``), or ``""`` for a plain value.
        optional: Shown in brackets.
    """

    name: str
    text: str
    keyword: str = ""
    optional: bool = False


@dataclass(frozen=True, slots=True)
class CommandExample:
    """A command to show: its words (``"digest subscribe"``) and its values."""

    words: str
    options: tuple[Option, ...] = ()


def command_line(example: CommandExample, platform: str | None) -> str:
    """``example`` as typed on ``platform`` (``"slack"``, ``"discord"``, else the console)."""
    parts: list[str] = []
    if platform == "slack":
        under_ask = example.words in _SLACK_UNDER_ASK
        parts.append(f"/ask {example.words}" if under_ask else f"/{example.words}")
    elif platform == "discord":
        parts.append(f"/{example.words}")
    else:
        parts.append(example.words)
    for option in example.options:
        if platform == "discord":
            shown = f"{option.name}: {option.text}"
        else:
            shown = f"{option.keyword} {option.text}" if option.keyword else option.text
        parts.append(f"[{shown}]" if option.optional else shown)
    return " ".join(parts)


def compose(
    template: str,
    platform: str | None,
    commands: Mapping[str, CommandExample],
    **values: object,
) -> Paragraph:
    """Fill ``template``: command placeholders as ``"command"`` spans, the rest as plain text.

    Args:
        template: A ``str.format`` template, e.g. ``"Schreib {unsubscribe_one}."``.
        platform: The asker's platform (``"slack"``, ``"discord"``, ``"console"``).
        commands: The command examples by placeholder name.
        values: The other placeholders' values.

    Raises:
        KeyError: A placeholder is neither a command nor a value.
    """
    spans: list[Span] = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        if literal:
            spans.append(Span(literal))
        if field is None:
            continue
        if field in commands:
            spans.append(Span(command_line(commands[field], platform), "command"))
        else:
            piece = "{" + field + (f"!{conversion}" if conversion else "") + f":{spec}}}"
            spans.append(Span(piece.format(**{field: values[field]})))
    return tuple(spans)
