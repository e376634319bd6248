"""Thanks and greetings: chat messages that are not questions, answered as a person would.

"Danke!", "hi", "thanks, you're awesome!" or "Guten Morgen zusammen" are not searched: a search
finds a rare word of them somewhere ("Wochenende", "awesome") or, worse, tells the person that
their greeting had only filler words. :func:`courtesy_of` recognises a message made only of
courtesy words (and the words that address someone), with at least one thanks or greeting in it.
One word outside these lists, a name or a topic, makes it a question again: "hi, was macht
OpenAI?" is searched as usual.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["Courtesy", "courtesy_of"]

Courtesy = Literal["thanks", "greeting"]


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


_THANKS = _lexicon("thanks thank thx ty tysm danke dank dankeschön dankschön merci cheers")
_GREETINGS = _lexicon(
    """hi hello hallo hey heya hiya howdy moin servus huhu yo grüß gruß grüezi morning morgen
    guten gute good tag abend evening afternoon mahlzeit bye goodbye tschüss tschüs ciao
    later weekend wochenende"""
)
#: Words that only address someone, praise, or fill out a thanks or greeting.
_FILLERS = _lexicon(
    """you you're youre u ya dir du dich euch ihr alle zusammen leute team everyone everybody
    all folks guys mate bot newsdesk na so very much vielen vielmals sehr lot a the und and for
    für it is that this das es ist was war how are wie geht geht's gehts going doing läuft
    alles gut heute today day your dein deine schönes schönen schöne nice have hab habe great
    awesome super toll cool perfekt perfect prima klasse genial top spitze excellent brilliant
    wow answer antwort job work arbeit help hilfe again nochmal noch mal bis bald später see
    cu soon bei with what's whats up sup how's hows klar"""
)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
#: Greetings that are questions in form ("how are you?"), made only of filler words.
_HOW_ARE_YOU = re.compile(
    r"\bhow (?:are|r) (?:you|u|ya)\b|\bhow'?s (?:it|your day) going\b|\bwhat'?s up\b"
    r"|\bwie geht'?s\b|\bwie geht es\b|\balles (?:gut|klar)\b"
)


def courtesy_of(text: str) -> Courtesy | None:
    """``"thanks"`` or ``"greeting"`` for a message of courtesy words only, else None."""
    words = [w.casefold().replace("\u2019", "'") for w in _WORD.findall(text)]
    if not words or len(words) > 8 or re.search(r"\d", text):
        return None
    known = _THANKS | _GREETINGS | _FILLERS
    if any(word not in known for word in words):
        return None
    if any(word in _THANKS for word in words):
        return "thanks"
    if any(word in _GREETINGS for word in words) or _HOW_ARE_YOU.search(" ".join(words)):
        return "greeting"
    return None
