"""Extractive summaries of one article: two or three of its own sentences, in document order.

The method has two steps.

1. **The article's own summary wins.** A passage headed ``KURZFASSUNG``, ``Zusammenfassung``,
   ``TL;DR``, ``Das Wichtigste in Kürze``, ``Auf einen Blick``, ``Summary`` or ``Key takeaways``
   (case-insensitive; the name may be one part of a heading joined with " – ") is the author's
   summary: its first sentences (bullet items are sentences already) are taken as they stand.
   ``Fazit`` and ``Conclusion`` are not on the list: a conclusion judges the news ("Die Wette ist
   eine Absichtserklärung") instead of restating it (who did what), so its sentences compete like
   any others in step 2.
2. **Otherwise the sentences that cover the article's topic, early ones first.**

   - *Topic terms*: a term in at least ``MIN_TERM_COUNT`` of the article's sentences weighs
     ``count × idf`` (frequent here, rare in the archive); a term the index does not know weighs
     like the article's rarest known term. Terms seen once carry no weight: topics recur.
   - *Gain* of a sentence: the summed weight of its topic terms not yet in the summary, times the
     lead prior ``1 / (1 + i / LEAD_HALF_LIFE)`` for the ``i``-th sentence of the article (news
     states its main fact first: the inverted pyramid), divided by the square root of its length
     in characters. The summary's budget is characters, so long sentences pay for their length;
     the square root keeps the rate from favouring fragments.
   - *Selection*: repeatedly take the sentence of highest gain that still fits ``max_chars``
     (the first one always fits). Its terms then count as covered, so the next sentence must
     add something new, and a near-duplicate of a taken sentence gains next to nothing. Stop at
     ``max_sentences``, or when the best gain is below ``MIN_GAIN_SHARE`` of the first
     sentence's (a filler that merely fits the budget). When no term recurs every gain is 0 and
     the result is the lead: the first sentences that fit.

Noise never taken in step 2 (unless nothing else is left): table rows (`` | ``), sentences of
fewer than ``MIN_WORDS`` words, fragments that do not end with ``.`` or ``…`` (table rows without
pipes, labels, list lead-ins ending in ``:``), questions and exclamations (rhetoric and appeals,
not reported facts), captions and credits (``Foto:``, ``Bild:``, ``Quelle:``), and the writer's
own voice: sentences that, outside quotation marks, say "ich"/"wir"/"uns" or address the reader
("du", "euch", mid-sentence "Ihnen"), and whole passages whose heading does so, which is how site
boilerplate reads ("UNSER ZIEL", "Teile diesen Beitrag – Folge uns", "Unterstütze uns direkt").
Reported speech in quotation marks stays a candidate.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.analysis import Analyzer
from knowledge.text import Passage

__all__ = [
    "SUMMARY_HEADINGS",
    "is_boilerplate",
    "is_caption",
    "is_summary_heading",
    "is_table_row",
    "summarize",
]

#: Headings (case folded) of a section in which the author summarises the article.
SUMMARY_HEADINGS: frozenset[str] = frozenset(
    {
        "kurzfassung",
        "zusammenfassung",
        "tl;dr",
        "tldr",
        "das wichtigste in kürze",
        "das wichtigste in kuerze",
        "auf einen blick",
        "summary",
        "key takeaways",
    }
)

#: Shorter sentences are captions, labels or fragments.
MIN_WORDS = 6
#: A topic term occurs in at least this many of the article's sentences.
MIN_TERM_COUNT = 2
#: The sentence position at which the lead prior has fallen to one half.
LEAD_HALF_LIFE = 3.0
#: A further sentence must gain at least this share of the first sentence's gain.
MIN_GAIN_SHARE = 0.1

_HEADING_PARTS = re.compile(r"\s+[–—-]\s+")
_CLOSERS = "\"'“”«»‹›’)]"
_CAPTION = re.compile(
    r"^(?:fotos?|bild(?:er)?|grafik|quelle|screenshot|video|photo|image|credits?)\s*:",
    re.IGNORECASE,
)
# Quoted speech belongs to the people the article reports on, not to the writer.
_QUOTED = re.compile(r"„[^“”\"]*[“”\"]|“[^”]*”|»[^«]*«|«[^»]*»|\"[^\"]*\"")
# The writer's own voice: first person, or the reader addressed. Formal "Ihnen"/"Ihr" count only
# mid-sentence, where the capital marks them; "Sie" and "ihr" are ambiguous and left alone.
_VOICE = re.compile(
    r"\b(?:ich|mich|mir|wir|uns|unser(?:e[mnrs]?)?|du|dich|dir|dein(?:e[mnrs]?)?|euch|euer"
    r"|eure[mnrs]?)\b",
    re.IGNORECASE,
)
_FORMAL = re.compile(r"(?<=[\w,] )(?:Ihnen|Ihr|Ihre[mnrs]?)\b")


@dataclass(frozen=True, slots=True)
class _Sentence:
    position: int
    text: str
    terms: frozenset[str]


def is_summary_heading(heading: str | None) -> bool:
    """Return whether a passage heading names the author's own summary (e.g. "KURZFASSUNG")."""
    if not heading:
        return False
    parts = _HEADING_PARTS.split(heading)
    return any(part.strip().rstrip(":").strip().casefold() in SUMMARY_HEADINGS for part in parts)


def summarize(
    passages: Sequence[Passage],
    analyzer: Analyzer,
    idf: Callable[[str], float | None],
    *,
    max_sentences: int = 3,
    max_chars: int = 420,
) -> tuple[str, ...]:
    """Summarise one article in a few of its own sentences (method: see the module docstring).

    Args:
        passages: One article's passages in order, as made by :func:`knowledge.text.split_passages`.
        analyzer: The analyzer of the index that ``idf`` comes from.
        idf: The archive-wide idf of a term, None for a term that no passage has.
        max_sentences: At most this many sentences.
        max_chars: The sentences joined with spaces are at most this long, unless the first
            sentence alone is longer: an article with a sentence always gets one.

    Returns:
        The summary sentences in document order; ``()`` for an article without sentences.

    Raises:
        ValueError: If ``max_sentences`` or ``max_chars`` is below 1.
    """
    if max_sentences < 1 or max_chars < 1:
        raise ValueError(
            f"max_sentences and max_chars must be at least 1; "
            f"got max_sentences={max_sentences}, max_chars={max_chars}"
        )
    own = [s for p in passages if is_summary_heading(p.heading) for s in p.sentences if s.strip()]
    if own:
        return _first_that_fit(own, max_sentences, max_chars)
    sentences = _candidates(passages, analyzer)
    weights = _topic_weights(sentences, idf)
    chosen: list[_Sentence] = []
    covered: set[str] = set()
    length = -1  # the joined length so far, counting a space before every sentence
    first_gain = 0.0
    while len(chosen) < max_sentences:
        options = [
            s
            for s in sentences
            if s not in chosen and (not chosen or length + 1 + len(s.text) <= max_chars)
        ]
        if not options:
            break
        best = max(options, key=lambda s: (_gain(s, weights, covered), -s.position))
        gain = _gain(best, weights, covered)
        if chosen and gain < MIN_GAIN_SHARE * first_gain:
            break
        first_gain = first_gain if chosen else gain
        chosen.append(best)
        covered |= best.terms
        length += 1 + len(best.text)
    return tuple(s.text for s in sorted(chosen, key=lambda s: s.position))


def _first_that_fit(
    sentences: Sequence[str], max_sentences: int, max_chars: int
) -> tuple[str, ...]:
    """Take sentences from the start while they fit; the first one always."""
    taken = [sentences[0]]
    length = len(sentences[0])
    for sentence in sentences[1:max_sentences]:
        if length + 1 + len(sentence) > max_chars:
            break
        taken.append(sentence)
        length += 1 + len(sentence)
    return tuple(taken)


def _candidates(passages: Sequence[Passage], analyzer: Analyzer) -> list[_Sentence]:
    """Number every sentence; keep those that state something, or all when none does."""
    every: list[_Sentence] = []
    kept: list[_Sentence] = []
    for passage in passages:
        boilerplate = is_boilerplate(passage)
        for text in passage.sentences:
            if not text.strip():
                continue
            sentence = _Sentence(len(every), text, frozenset(analyzer.terms(text)))
            every.append(sentence)
            if not boilerplate and _is_statement(text):
                kept.append(sentence)
    return kept or every


def is_boilerplate(passage: Passage) -> bool:
    """Whether a passage is the site speaking (its heading in the writer's own voice)."""
    return passage.heading is not None and _in_own_voice(passage.heading)


def is_table_row(text: str) -> bool:
    """Whether a sentence is a row of a Markdown-style table (``a | b | c``)."""
    return " | " in text or text.count("|") >= 2


def is_caption(text: str) -> bool:
    """Whether a sentence is an image caption or credit (``Foto: NBC News``)."""
    return bool(_CAPTION.match(text))


def _is_statement(text: str) -> bool:
    """Whether a sentence reports something: no table row, caption, fragment, question or call."""
    ending = text.rstrip().rstrip(_CLOSERS).rstrip()
    return not (
        is_table_row(text)
        or len(text.split()) < MIN_WORDS
        or not ending.endswith((".", "…"))
        or is_caption(text)
        or _in_own_voice(text)
    )


def _in_own_voice(text: str) -> bool:
    """Whether text outside quotation marks speaks as "I"/"we" or to the reader."""
    own = _QUOTED.sub(" ", text)
    return bool(_VOICE.search(own) or _FORMAL.search(own))


def _topic_weights(
    sentences: Sequence[_Sentence], idf: Callable[[str], float | None]
) -> dict[str, float]:
    """Weigh each term found in at least ``MIN_TERM_COUNT`` sentences: ``count × idf``."""
    counts = Counter(term for s in sentences for term in s.terms)
    known = {term: idf(term) for term in counts}
    rarest = max((value for value in known.values() if value is not None), default=1.0)
    weights: dict[str, float] = {}
    for term, count in counts.items():
        if count >= MIN_TERM_COUNT:
            value = known[term]
            weights[term] = count * (rarest if value is None else value)
    return weights


def _gain(sentence: _Sentence, weights: dict[str, float], covered: set[str]) -> float:
    """The new topic weight a sentence adds, times its lead prior, per root of its length."""
    new = sum(weights.get(term, 0.0) for term in sentence.terms - covered)
    prior = 1.0 / (1.0 + sentence.position / LEAD_HALF_LIFE)
    return new * prior / math.sqrt(len(sentence.text))
