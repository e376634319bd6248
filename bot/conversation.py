"""Follow-up questions in a thread: read with what the thread asked and was told before.

"Wie viel bot Musk für OpenAI?" then "und wann war das?" in the same Slack thread or Discord
reply chain: the second question alone has only filler words. A question is read as a follow-up
when it has no word to search for and starts like one (``und``, ``and``, ``aber``) or asks
(``wann?``), or when it points back (``das``, ``er``, ``dahinter``, ``it``, ``that``) with at
most two words of its own; "danke!" and "Und was ist MAI-1?" are read alone. It is
then searched together with the thread's last few questions and the gist (first sentence) of the
last answer, newest first after the question itself; the reply still restates only what was typed.
A question that stands on its own ("Was ist MAI-1?") is read alone, even in a thread.

Conversations are keyed by the adapter's thread id *inside* the channel's destination key
(:func:`conversation_key`), so no context ever crosses channels or platforms; the turns live in
the store, and turns older than the expiry are neither read nor kept. Pure functions; the core
calls them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.replies import Reply, ReplyKind, plain
from bot.store import Destination, Turn

__all__ = ["TURNS", "conversation_key", "follow_up_text", "is_follow_up", "turn_of"]

#: How many earlier turns of a thread a follow-up is read with.
TURNS = 3

_CONTINUES = frozenset(
    {"und", "aber", "also", "dann", "oder", "and", "but", "so", "then", "or", "what"}
)
_POINTS_BACK = frozenset(
    {
        "das", "dies", "dieses", "diese", "dieser", "dafür", "dazu", "damals", "dort", "er",
        "dahinter", "davon", "darüber", "damit", "daran", "daraus", "dabei", "dagegen",
        "sie", "es", "ihm", "ihn", "ihr", "ihnen", "deren", "dessen", "that", "this", "it",
        "he", "she", "they", "them", "him", "her", "its", "their", "then", "there", "those",
    }
)  # fmt: skip
_WORD = re.compile(r"[\w'-]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def conversation_key(destination: Destination, thread: str) -> str:
    """The store key of one thread: it names the platform and channel, so it never crosses."""
    return f"{destination.key}:{thread}"


def is_follow_up(question: str, own_words: int) -> bool:
    """Whether ``question`` reads as a follow-up to what came before in its thread.

    Args:
        question: The cleaned question.
        own_words: How many words of its own to search for it has (stopwords and filler gone).
    """
    words = [word.casefold() for word in _WORD.findall(question)]
    if not words:
        return False
    if own_words == 0 and (words[0] in _CONTINUES or question.rstrip().endswith("?")):
        return True
    return own_words <= 2 and any(word in _POINTS_BACK for word in words)


def follow_up_text(question: str, earlier: Sequence[Turn]) -> str:
    """The text a follow-up is searched with: itself, the thread's questions (newest first),
    then the gist of the last answer."""
    parts = [question, *(turn.question for turn in reversed(earlier))]
    if earlier and earlier[-1].answer:
        parts.append(earlier[-1].answer)
    return " ".join(part.strip() for part in parts if part.strip())


def turn_of(question: str, reply: Reply) -> Turn:
    """What a thread keeps of one question: the question, and an answer's first sentence."""
    if reply.kind is not ReplyKind.ANSWER or not reply.paragraphs:
        return Turn(question)
    spans = [span for span in reply.paragraphs[0] if span.style != "citation"]
    first = _SENTENCE.split(plain(spans).strip(), maxsplit=1)[0]
    return Turn(question, first)
