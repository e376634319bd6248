"""Which words of a text match a query, and how much of the query a text covers.

One mechanism serves three needs of the answer composer: whether the best passages are relevant
at all (coverage of the query's relevance weights), which sentences answer best (coverage with
the ranking weights), and which words to emphasise (the match spans). The weights and the slots
of a question come from :mod:`knowledge.query`.

**Matches.** A text word satisfies a slot fully when its stem is one of an alternative's terms
*and* its surface is an inflection of that alternative's surface (:mod:`knowledge.inflection`:
``Wetter`` does not match ``Wette``). Compounds match in part: a text compound containing a
slot's term (``Werbeanzeigen`` for ``Anzeigen``) earns ``compound_credit`` for every slot among
its parts (``Umsatzbeteiligung`` for ``Beteiligung am Umsatz``); a text word that is a
part of a question compound (``Lieferkette`` for ``Lieferkettenrisiko``) earns that part's share
of the compound's idf, so ``Spiel`` covers little of ``Fußballspiel``, whose other part the
archive has never seen.

**Coverage** is the matched weight over the total plus ``prior``: a question made only of
generic words has a small total and cannot reach a high coverage by matching them.
:func:`coverage` uses the ranking weights; :func:`relevance` the relevance weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.compounds import compound_parts
from knowledge.index import SearchIndex
from knowledge.inflection import inflection_related
from knowledge.query import Query

__all__ = [
    "RELEVANCE_PASSAGES",
    "TermMatch",
    "coverage",
    "find_matches",
    "inflection_related",
    "relevance",
]

#: A question's relevance is that of the best of its top passages, this many.
RELEVANCE_PASSAGES = 3


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A span of a text matching query slot ``word``: fully, as a compound, or one ``part``."""

    start: int
    end: int
    word: int
    credit: float
    part: str | None = None


def find_matches(
    text: str, query: Query, index: SearchIndex, *, compound_credit: float = 0.5
) -> list[TermMatch]:
    """Find the words of ``text`` that match the query, exactly or through compound parts."""
    by_term: dict[str, list[tuple[int, str]]] = {}
    for i, slot in enumerate(query.slots):
        for alternative in slot.alternatives:
            for term in alternative.terms:
                by_term.setdefault(term, []).append((i, alternative.surface))
    by_part = {part: i for i, shares in enumerate(query.part_shares) for part in shares}
    matches: list[TermMatch] = []
    for word in index.analyzer.words(text):
        if word.term is None:
            continue
        if word.term in by_term:
            candidates = by_term[word.term]
            hit = next((i for i, s in candidates if inflection_related(word.surface, s)), None)
            if hit is not None:
                matches.append(TermMatch(word.start, word.end, hit, 1.0))
        elif word.term in by_part:  # a part of the question's compound
            i = by_part[word.term]
            share = query.part_shares[i][word.term]
            matches.append(TermMatch(word.start, word.end, i, share, part=word.term))
        else:  # a compound containing query words: each of them is matched in part
            parts = compound_parts(word, index.decompounder, index.analyzer)
            slots = dict.fromkeys(by_term[part][0][0] for part in parts if part in by_term)
            matches.extend(TermMatch(word.start, word.end, i, compound_credit) for i in slots)
    return matches


def coverage(query: Query, matches: Sequence[TermMatch], *, prior: float = 1.0) -> float:
    """How much of the question a text covers, with the ranking weights (0..1).

    Args:
        query: The analysed question.
        matches: Matches found in one text.
        prior: Weight added to the total, so that generic-only questions stay low.
    """
    return _covered(query.weights, _credits(matches), prior)


def relevance(query: Query, matches: Sequence[TermMatch], *, prior: float = 0.6) -> float:
    """How much of the question a text covers, with the relevance weights (0..1)."""
    return _covered(query.relevance_weights, _credits(matches), prior)


def _credits(matches: Sequence[TermMatch]) -> dict[int, float]:
    """Each matched word's credit: full, compound, or the sum of its distinct parts' shares."""
    whole: dict[int, float] = {}
    parts: dict[int, dict[str, float]] = {}
    for match in matches:
        if match.part is None:
            whole[match.word] = max(whole.get(match.word, 0.0), match.credit)
        else:
            parts.setdefault(match.word, {})[match.part] = match.credit
    return {
        i: min(1.0, max(whole.get(i, 0.0), sum(parts.get(i, {}).values())))
        for i in set(whole) | set(parts)
    }


def _covered(weights: Sequence[float], credits: dict[int, float], prior: float) -> float:
    if not weights:
        return 0.0
    return sum(weights[i] * c for i, c in credits.items()) / (sum(weights) + prior)
