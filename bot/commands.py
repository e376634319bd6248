"""The one command grammar every adapter speaks: parse text into a command value.

``help``, ``sources``, ``ask <question>`` and ``digest <subcommand>`` are keywords (German aliases
too); anything else is a question. Parsing is pure and total: every string maps to exactly one
command. Digest subcommands::

    digest now [topic words]
    digest subscribe <schedule> [in <timezone>] [about <topic words>]
    digest unsubscribe [<number> | all]
    digest list
    digest help

Feed subcommands (issue 13)::

    feed add <url> [every 30m]
    feed list
    feed remove <number>
    feed help
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Ask",
    "Command",
    "DigestHelp",
    "DigestList",
    "DigestNow",
    "DigestSubscribe",
    "DigestUnsubscribe",
    "FeedAdd",
    "FeedHelp",
    "FeedList",
    "FeedRemove",
    "Help",
    "ListSources",
    "parse_command",
    "parse_digest",
    "parse_feed",
]


@dataclass(frozen=True, slots=True)
class Ask:
    """Answer a question from the archive."""

    question: str


@dataclass(frozen=True, slots=True)
class Help:
    """Show what the bot understands."""


@dataclass(frozen=True, slots=True)
class ListSources:
    """List the indexed articles, one page of them (newest first), page 1 the newest."""

    page: int = 1


@dataclass(frozen=True, slots=True)
class DigestNow:
    """Show the latest articles (or those about a topic) here, now."""

    topic: str | None


@dataclass(frozen=True, slots=True)
class DigestSubscribe:
    """Subscribe this channel: ``schedule`` still holds the ``in <timezone>`` part."""

    schedule: str
    topic: str | None


@dataclass(frozen=True, slots=True)
class DigestUnsubscribe:
    """End one of this channel's digest subscriptions (its number in the list), or ``all``."""

    which: int | Literal["all"] | None = None


@dataclass(frozen=True, slots=True)
class DigestList:
    """List this channel's subscriptions."""


@dataclass(frozen=True, slots=True)
class DigestHelp:
    """Explain the digest commands (also for an unknown subcommand, named in ``unknown``)."""

    unknown: str | None = None


@dataclass(frozen=True, slots=True)
class FeedAdd:
    """Add a feed: ``url`` as typed, ``interval`` the ``every 30m`` part (None: the default)."""

    url: str
    interval: str | None = None


@dataclass(frozen=True, slots=True)
class FeedList:
    """List the feeds: last fetch, last error, article count."""


@dataclass(frozen=True, slots=True)
class FeedRemove:
    """Remove feed number ``which`` of ``feed list`` (None: the only one; False: not a number)."""

    which: int | None = None
    typed: str = ""


@dataclass(frozen=True, slots=True)
class FeedHelp:
    """Explain the feed commands (also for an unknown subcommand, named in ``unknown``)."""

    unknown: str | None = None


Command = (
    Ask
    | Help
    | ListSources
    | DigestNow
    | DigestSubscribe
    | DigestUnsubscribe
    | DigestList
    | DigestHelp
    | FeedAdd
    | FeedList
    | FeedRemove
    | FeedHelp
)

_HELP = frozenset({"help", "hilfe", "?", "-h", "--help"})
_SOURCES = frozenset({"sources", "quellen", "artikel"})
_ASK = frozenset({"ask", "frage", "frag"})
_DIGEST = frozenset({"digest", "digests"})
_NOW = frozenset({"now", "jetzt"})
_SUBSCRIBE = frozenset({"subscribe", "abonnieren", "abo"})
_UNSUBSCRIBE = frozenset({"unsubscribe", "abbestellen", "kündigen", "kuendigen", "stop"})
_LIST = frozenset({"list", "liste", "status"})
_ALL = frozenset({"all", "alle", "alles"})
_FEED = frozenset({"feed", "feeds"})
_ADD = frozenset({"add", "hinzufügen", "hinzufuegen", "neu"})
_REMOVE = frozenset({"remove", "delete", "entfernen", "löschen", "loeschen"})
_EVERY = re.compile(r"(?i)\s+((?:every|alle)\s+.*)$")
_ABOUT = re.compile(r"(?i)\s+(?:about|über|ueber|zum thema|zu)\s+")


def _which(tail: str) -> int | Literal["all"] | Literal[False] | None:
    """What ``digest unsubscribe`` names: a number, ``all``, nothing, or False (not a number)."""
    which = tail.lower().lstrip("#")
    if not which:
        return None
    if which in _ALL:
        return "all"
    return int(which) if which.isdigit() else False


def parse_digest(rest: str) -> Command:
    """Parse what follows the word ``digest``."""
    head, _, tail = rest.strip().partition(" ")
    word, tail = head.lower(), tail.strip()
    if word in _NOW:
        return DigestNow(tail or None)
    if word in _SUBSCRIBE:
        schedule, *topic = _ABOUT.split(tail, maxsplit=1)
        return DigestSubscribe(schedule.strip(), (topic[0].strip() or None) if topic else None)
    if word in _UNSUBSCRIBE and (which := _which(tail)) is not False:
        return DigestUnsubscribe(which)
    if word in _LIST and not tail:
        return DigestList()
    if not word or word in _HELP:
        return DigestHelp()
    return DigestHelp(unknown=rest.strip())


def parse_feed(rest: str) -> Command:  # noqa: PLR0911 -- one return per subcommand
    """Parse what follows the word ``feed``."""
    head, _, tail = rest.strip().partition(" ")
    word, tail = head.lower(), tail.strip()
    if word in _ADD:
        if not tail:
            return FeedHelp(unknown=rest.strip())
        url, *interval = _EVERY.split(tail, maxsplit=1)
        url = url.strip()
        if url.startswith("<") and url.endswith(">"):  # Slack sends links as <url> or <url|text>
            url = url[1:-1].partition("|")[0]
        return FeedAdd(url, interval[0].strip() if interval else None)
    if word in _LIST and not tail:
        return FeedList()
    if word in _REMOVE:
        number = tail.lstrip("#")
        if not number:
            return FeedRemove()
        return FeedRemove(int(number) if number.isdigit() else None, typed=tail)
    if not word or word in _HELP:
        return FeedHelp()
    return FeedHelp(unknown=rest.strip())


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
    if keyword in _SOURCES and (not rest.strip() or rest.strip().isdecimal()):
        return ListSources(int(rest) if rest.strip() else 1)
    if keyword in _ASK:
        return Ask(rest.strip())
    if keyword in _DIGEST:
        return parse_digest(rest)
    if keyword in _FEED:
        return parse_feed(rest)
    return Ask(stripped)
