"""The neutral currency the core hands to every adapter: replies made of styled spans.

The core never formats for a platform. A reply's text is a sequence of paragraphs, each a sequence
of :class:`Span` values whose ``style`` says *what* a piece of text is (plain, an emphasised query
term, a citation number, a command to type); each adapter decides *how* that looks (mrkdwn
``*bold*`` in Slack, ``**bold**`` in Discord, ANSI bold in a terminal).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

__all__ = [
    "Digest",
    "DigestItem",
    "Paragraph",
    "Reply",
    "ReplyKind",
    "Source",
    "Span",
    "SpanStyle",
    "defuse_mass_mentions",
    "link_target",
    "paragraph",
    "plain",
]

SpanStyle = Literal["plain", "emphasis", "citation", "command"]  # command: shown as code

_MASS_MENTION = re.compile(r"(?i)([@＠])(everyone|here|channel)\b|<!(channel|here|everyone)>")


def defuse_mass_mentions(text: str) -> str:
    """Make ``@everyone``, ``@here``, ``@channel`` and ``<!here>``-style pings inert.

    A zero-width space after the ``@`` keeps the word readable while no platform reads it as a
    mass mention; Slack's ``<!channel>`` form loses its angle brackets. Adapters escape their own
    markup as well: this is the core's half of defence in depth.
    """

    def _defuse(match: re.Match[str]) -> str:
        if match.group(3):
            return f"!{match.group(3)}"
        return f"{match.group(1)}\u200b{match.group(2)}"

    return _MASS_MENTION.sub(_defuse, text)


_MAX_LINK = 500
_LINKABLE = re.compile(r"https?://[^\s<>|()\[\]\"'`\\]+", re.IGNORECASE)


def link_target(url: str | None) -> str | None:
    """``url`` when it is safe to put behind a link in chat markup, else ``None``.

    Only plain ``http(s)`` addresses qualify; an address with a space, quote, bracket, pipe or
    angle bracket (which would break out of Slack's ``<url|title>`` or Discord's ``[title](url)``)
    is dropped rather than mended, and the source is shown without a link. So is one longer
    than 500 characters, which would not fit beside a title in Discord's 1,024-character field.
    """
    if url is None:
        return None
    url = url.strip()
    return url if len(url) <= _MAX_LINK and _LINKABLE.fullmatch(url) else None


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style; its text is already defused of mass mentions."""

    text: str
    style: SpanStyle = "plain"

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", defuse_mass_mentions(self.text))


Paragraph = tuple[Span, ...]


def paragraph(*parts: str | Span) -> Paragraph:
    """Build a paragraph from strings (plain spans) and spans."""
    return tuple(part if isinstance(part, Span) else Span(part) for part in parts)


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One article in a digest: its metadata and summary sentences."""

    article_id: str
    title: str
    publisher: str | None
    published: dt.date | None
    summary: tuple[str, ...]
    url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", link_target(self.url))
        object.__setattr__(self, "title", defuse_mass_mentions(self.title))
        object.__setattr__(self, "summary", tuple(map(defuse_mass_mentions, self.summary)))
        if self.publisher is not None:
            object.__setattr__(self, "publisher", defuse_mass_mentions(self.publisher))


@dataclass(frozen=True, slots=True)
class Digest:
    """What a channel is sent at one time.

    Attributes:
        items: Articles shown in full, in order.
        more: Further new articles, listed by ``(article_id, title)`` in one line.
        older: Articles older than a first digest shows, counted and recorded as delivered.
        topic: The subscription's topic, if any.
    """

    items: tuple[DigestItem, ...]
    more: tuple[tuple[str, str], ...] = ()
    older: tuple[str, ...] = ()
    topic: str | None = None

    def __post_init__(self) -> None:
        more = tuple((article, defuse_mass_mentions(title)) for article, title in self.more)
        object.__setattr__(self, "more", more)
        if self.topic is not None:
            object.__setattr__(self, "topic", defuse_mass_mentions(self.topic))

    @property
    def article_ids(self) -> tuple[str, ...]:
        """Every article this digest delivers: shown, listed, and (first run) counted."""
        return (*(i.article_id for i in self.items), *(a for a, _ in self.more), *self.older)

    @property
    def empty(self) -> bool:
        """True when the digest shows nothing."""
        return not self.items


class ReplyKind(Enum):
    """What a reply is, so adapters can choose a colour or an icon."""

    ANSWER = "answer"
    NO_ANSWER = "no_answer"
    PROBLEM = "problem"
    INFO = "info"
    DIGEST = "digest"


@dataclass(frozen=True, slots=True)
class Source:
    """One cited article: numbered as in the answer's citations, best first."""

    number: int
    article_id: str
    title: str
    publisher: str | None
    published: dt.date | None
    passage: str
    score: float
    url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", link_target(self.url))
        for name in ("title", "passage"):
            object.__setattr__(self, name, defuse_mass_mentions(getattr(self, name)))
        if self.publisher is not None:
            object.__setattr__(self, "publisher", defuse_mass_mentions(self.publisher))


@dataclass(frozen=True, slots=True)
class Reply:
    """What the core says back: paragraphs of spans, the sources cited, and what kind it is.

    Attributes:
        paragraphs: The body, each paragraph a tuple of spans.
        kind: Answer, no answer, a problem with the input, or information (help, lists).
        sources: The cited articles, numbered from 1, best first.
        question: The question as it was understood (for adapters that restate it).
        notices: Extra sentences about the request (for example that it was shortened).
        digest: The digest shown, for adapters that render digests richly.
    """

    paragraphs: tuple[Paragraph, ...]
    kind: ReplyKind = ReplyKind.INFO
    sources: tuple[Source, ...] = ()
    question: str | None = None
    notices: tuple[str, ...] = field(default=())
    digest: Digest | None = None

    def __post_init__(self) -> None:
        if self.question is not None:
            object.__setattr__(self, "question", defuse_mass_mentions(self.question))
        object.__setattr__(self, "notices", tuple(map(defuse_mass_mentions, self.notices)))

    @property
    def answered(self) -> bool:
        """True when the reply answers a question from the archive."""
        return self.kind is ReplyKind.ANSWER

    @property
    def text(self) -> str:
        """The body as plain text: paragraphs separated by blank lines, citations as ``[n]``."""
        return "\n\n".join(plain(p) for p in self.paragraphs)

    @classmethod
    def info(cls, *lines: str | Paragraph, kind: ReplyKind = ReplyKind.INFO) -> Reply:
        """A reply of plain paragraphs (help, lists, problems)."""
        paragraphs = tuple(paragraph(line) if isinstance(line, str) else line for line in lines)
        return cls(paragraphs=paragraphs, kind=kind)


def plain(spans: Iterable[Span]) -> str:
    """Render spans as plain text, citations as `` [n]``."""
    out: list[str] = []
    for span in spans:
        if span.style == "citation":
            out.append(f" [{span.text}]")
        else:
            out.append(span.text)
    return "".join(out)
