"""Fit a reply into a platform's size limits: cut at a sentence, never mid-markup.

Adapters render spans into their own markup, which can be longer than the text (escaping,
bold markers). :func:`fit_spans` therefore works on the neutral spans with the adapter's own
``measure`` of a rendered span, and cuts the span that overflows at its last sentence end that
still fits (else at a word, else hard), so markup is never left half open.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.replies import Span

__all__ = ["cut_at_sentence", "fit_spans"]

_SENTENCE_END = re.compile(r"[.!?…][»«“”\"')\]]*(?=\s)")


def cut_at_sentence(text: str, limit: int) -> str:
    """The longest prefix of ``text`` of at most ``limit`` characters ending a sentence.

    Falls back to the last whole word (with "…"), then to a hard cut, when no sentence fits.
    """
    if len(text) <= limit:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if m.end() <= limit]
    if ends and ends[-1] >= limit // 3:
        return text[: ends[-1]]
    words = text[: max(limit - 1, 0)].rsplit(" ", 1)[0]
    if words and len(words) < limit - 1:
        return words.rstrip(",;:–- ") + "…"
    return text[: max(limit - 1, 0)] + "…" if limit > 0 else ""


def fit_spans(
    spans: Sequence[Span],
    budget: int,
    *,
    measure: Callable[[Span], int] = lambda span: len(span.text),
) -> tuple[tuple[Span, ...], bool]:
    """Keep spans while their rendered size fits ``budget``; cut the first that does not.

    Args:
        spans: A paragraph (or several joined) of neutral spans.
        budget: The room left, in the adapter's units (characters of rendered markup).
        measure: The rendered size of one span in the adapter's markup.

    Returns:
        The spans that fit (the last one possibly cut at a sentence) and whether anything was cut.
    """
    kept: list[Span] = []
    used = 0
    for span in spans:
        size = measure(span)
        if used + size <= budget:
            kept.append(span)
            used += size
            continue
        overhead = size - len(span.text)  # markup around the text, e.g. "*" ... "*"
        room = budget - used - overhead
        if span.style != "citation" and room > 20:
            kept.append(Span(cut_at_sentence(span.text, room), span.style))
        return tuple(kept), True
    return tuple(kept), False
