"""Sentence splitting for German news text.

``split_sentences`` splits after ``.``, ``!``, ``?`` or ``…`` (optionally followed by closing
quotes or brackets) when whitespace and then an uppercase letter, a digit or an opening quote
follow. Every line break also ends a sentence. A single ``.`` does not end a sentence after an
ordinal written with one to three digits ("am 27. Januar", "der 3. Platz"), after an
abbreviation from :data:`ABBREVIATIONS`, after a single-letter initial ("J. R. R. Tolkien",
"z. B.") or after a dotted abbreviation ("z.B.", "U.S."). Decimals ("1.4", "37,5", "15.000") and
domains ("Creati.ai") contain no whitespace after the dot, so they never split.

The function is pure: it takes a string and returns values.
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "split_sentences"]

#: Lower-case abbreviations (without their final dot) after which a ``.`` ends no sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "abb", "abs", "abt", "allg", "anm", "apr", "aug", "bd", "bspw", "bzgl", "bzw", "ca",
        "chr", "co", "corp", "d.h", "dez", "dipl", "dr", "ebd", "engl", "etc", "evtl", "feb",
        "ff", "fr", "geb", "gem", "ggf", "hr", "hrsg", "inc", "ing", "inkl", "insb", "jan",
        "jh", "jhd", "jr", "kap", "lt", "ltd", "max", "med", "min", "mind", "mio", "mr", "mrd",
        "mrs", "ms", "nov", "nr", "o.ä", "okt", "phil", "prof", "rd", "s.o", "s.u", "sept",
        "sog", "sr", "st", "std", "str", "tel", "tsd", "u.a", "u.u", "usw", "v.a", "vgl",
        "vs", "z.b", "z.t", "zzgl",
    }
)  # fmt: skip

_BOUNDARY = re.compile(r"([.!?…]+)([»«“”\"'’)\]]*) (?=\S)")
_OPENING_QUOTES = frozenset("„“\"'»«‚‘")
_LEADING_PUNCT = "([{„“\"'»«‚‘"
_ORDINAL = re.compile(r"\d{1,3}")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")


def split_sentences(text: str) -> list[str]:
    """Split German text into sentences; every line break also ends a sentence.

    Args:
        text: Any text, possibly spanning several lines.

    Returns:
        The sentences in order, stripped, with inner whitespace collapsed, never empty.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(_split_line(" ".join(line.split())))
    return sentences


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        following = line[match.end()]
        if not (following.isupper() or following.isdigit() or following in _OPENING_QUOTES):
            continue
        if match.group(1) == "." and _dot_is_not_final(line[start : match.start()], following):
            continue
        sentences.append(line[start : match.end(2)].strip())
        start = match.end()
    sentences.append(line[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _dot_is_not_final(before: str, following: str) -> bool:
    token = before.rsplit(" ", 1)[-1].lstrip(_LEADING_PUNCT)
    if _ORDINAL.fullmatch(token):
        return following.isalpha()
    if len(token) == 1:
        return token.isalpha()
    return token.lower() in ABBREVIATIONS or _DOTTED.fullmatch(token) is not None
