"""Translate Slack's inbound payloads in: which messages the bot answers, and with what text.

Pure functions over the raw event dicts, which never leave the adapter, plus a small TTL cache.

- :func:`to_question` decides whether a message event is for the bot (a mention, a direct
  message, or a reply in a thread, which the desk answers only in a thread the bot answered in),
  where the answer goes (the thread, or the message's own ts to start one) and what the core
  reads: Slack's markup turned back into plain text, the bot's own mention removed.
- Bots are never answered (the bot itself included), nor edits, deletions and other subtypes.
- Slack delivers one mention as ``app_mention`` and, with ``message.*`` subscriptions, as
  ``message`` too, and retries events it thinks were not acknowledged: :class:`TtlCache` keyed on
  ``(channel, ts)`` answers each message once.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["SlackQuestion", "TtlCache", "from_mrkdwn", "to_question"]

K = TypeVar("K")
V = TypeVar("V")

_MARKUP = re.compile(r"<([^<>]*)>")
_WHITESPACE = re.compile(r"\s+")
_ANSWERED_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


@dataclass(frozen=True, slots=True)
class SlackQuestion:
    """A message for the bot.

    Attributes:
        text: What the core reads: plain text, the bot's mention removed (``help`` when empty).
        channel: The channel or DM it came from.
        user: Its author.
        ts: Its timestamp (with ``channel``, its identity).
        thread_ts: Where to answer: the thread it is in, or its own ts; None for a DM's top level.
        addressed: Whether it mentions the bot or is a DM; a thread reply without a mention is
            not, and is answered only in a conversation the bot is part of.
    """

    text: str
    channel: str
    user: str
    ts: str
    thread_ts: str | None
    addressed: bool = True

    @property
    def key(self) -> tuple[str, str]:
        """The message's identity: ``(channel, ts)``."""
        return (self.channel, self.ts)


def from_mrkdwn(text: str, *, drop_user: str | None = None) -> str:
    """Turn Slack's message markup back into the plain text a person typed.

    ``<@U1|ann>`` becomes ``@ann`` (or nothing for ``drop_user``, the bot), ``<#C1|news>``
    ``#news``, ``<!here>`` ``@here`` (which the core then defuses), links their label, and
    ``&amp;``, ``&lt;``, ``&gt;`` their characters. Whitespace runs become one space.
    """

    def plain(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return " " if target[1:] == drop_user else "@" + (label.lstrip("@") or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            name = target[1:].split("^", 1)[0]
            return label if name in ("subteam", "date") and label else f"@{name}"
        return label or target

    text = _MARKUP.sub(plain, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _WHITESPACE.sub(" ", text).strip()


def to_question(event: Mapping[str, Any], bot_user_id: str | None) -> SlackQuestion | None:
    """Translate an ``app_mention`` or ``message`` event; None when the bot should stay quiet.

    Answered: mentions of the bot anywhere, and every message in a direct message with it; a
    reply in a channel thread without a mention comes back with ``addressed=False``.
    Ignored: messages from bots (``bot_id``), from the bot itself, edits, deletions and other
    subtypes, and top-level channel messages that do not mention the bot.
    """
    if event.get("bot_id") or event.get("subtype") not in _ANSWERED_SUBTYPES:
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not (isinstance(user, str) and isinstance(channel, str) and isinstance(ts, str)):
        return None
    if user == bot_user_id:
        return None
    raw = str(event.get("text") or "")
    direct = event.get("channel_type") == "im" or channel.startswith("D")
    mentioned = event.get("type") == "app_mention" or (
        bot_user_id is not None and f"<@{bot_user_id}" in raw
    )
    thread = event.get("thread_ts")
    in_thread = isinstance(thread, str) and thread != ts
    if not (direct or mentioned or in_thread):
        return None
    thread_ts = thread if isinstance(thread, str) else (None if direct else ts)
    text = from_mrkdwn(raw, drop_user=bot_user_id) or "help"
    return SlackQuestion(text, channel, user, ts, thread_ts, addressed=direct or mentioned)


class TtlCache(Generic[K, V]):
    """A bounded map whose entries expire ``ttl`` seconds after they were put.

    Used to answer each message once and to remember who is a workspace admin for a while.
    The oldest entries go first when it is full. Not thread-safe: use it on the event loop.
    """

    def __init__(
        self, ttl: float, max_items: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Keep up to ``max_items`` entries for ``ttl`` seconds each, timed by ``clock``."""
        self.ttl, self.max_items, self._clock = ttl, max_items, clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def __len__(self) -> int:
        """How many entries are kept (some possibly expired)."""
        return len(self._items)

    def get(self, key: K) -> V | None:
        """Return the value for ``key``, or None if absent or expired."""
        found = self._items.get(key)
        if found is None or found[0] <= self._clock():
            return None
        return found[1]

    def put(self, key: K, value: V) -> None:
        """Store ``value`` for ``key`` for the next ``ttl`` seconds."""
        now = self._clock()
        self._items.pop(key, None)
        self._items[key] = (now + self.ttl, value)
        while self._items and (
            len(self._items) > self.max_items or next(iter(self._items.values()))[0] <= now
        ):
            self._items.popitem(last=False)

    def add_new(self, key: K, value: V) -> bool:
        """Store ``value`` unless ``key`` is already there; True if it was new (first sighting)."""
        if self.get(key) is not None:
            return False
        self.put(key, value)
        return True
