"""Which words of a text match a query, and how much of the query a text covers.

One mechanism serves three needs of the answer composer: whether the best passages are relevant
at all (coverage of the query's weight), which sentences answer best (coverage again), and which
words to emphasise (the match spans). A query word matches a text word exactly when their stems
agree, and partly (``compound_credit``) through compound parts: the query ``Anzeigen`` matches
``Werbeanzeigen`` by its head, ``Lieferkettenrisiko`` matches ``Lieferkette`` by a part.

Each query word weighs its main-field idf, so ``OpenAI`` (in nearly every passage) counts little
and ``Windsurf`` much; a word known only through its compound parts weighs its rarest part's
compound-field idf. A word the index has never seen asks about something the archive does not
mention: it weighs ``unseen_weight`` (the idf of the rarest term) or, when topical, four times
that. German capitalises nouns and names, which carry a question's topic ("Wetter", "Apple",
"Stargate"), while lower-case words are mostly the question's own verbs and adverbs ("bot",
"finanzieren", "morgen"): a word that is not topical (capitalised but not the first word, a code
such as ``MAI-1``, a number) counts half.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.compounds import compound_parts
from knowledge.index import QueryTerm, QueryTerms, SearchIndex

__all__ = ["Query", "TermMatch", "coverage", "find_matches", "parse_query"]

#: Floor of a word's weight: rank-bm25's epsilon floor can make an idf tiny or negative.
_MIN_WEIGHT = 0.05


@dataclass(frozen=True, slots=True)
class Query:
    """An analysed question: its distinct content words with weights, and its stopwords.

    Attributes:
        text: The question as searched.
        terms: The index's analysis (repeats kept; this is what is scored).
        words: One entry per distinct content term, in question order.
        weights: The coverage weight of each entry of ``words``.
        stopwords: The filler words the question had.
    """

    text: str
    terms: QueryTerms
    words: tuple[QueryTerm, ...]
    weights: tuple[float, ...]
    stopwords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A span of a text that matches query word number ``word`` with ``credit`` (0..1]."""

    start: int
    end: int
    word: int
    credit: float


def _topical(surface: str, position: int, opening: int) -> bool:
    """Capitalised nouns and names (not the question's first word), codes and numbers."""
    if any(char.isdigit() for char in surface) or any(char.isupper() for char in surface[1:]):
        return True
    return surface[:1].isupper() and position > opening


def _weight(term: QueryTerm, text: str, opening: int, unseen_weight: float) -> float:
    original = text[term.word.start : term.word.end]
    topical = _topical(original, term.word.start, opening)
    if term.main_idf is not None:
        base = term.main_idf
    else:
        known_parts = [idf for idf in term.compound_idf[1:] if idf is not None]
        base = max(known_parts) if known_parts else unseen_weight * (4.0 if topical else 1.0)
    return max(base * (1.0 if topical else 0.5), _MIN_WEIGHT)


def parse_query(text: str, index: SearchIndex, *, unseen_weight: float) -> Query:
    """Analyse a question against an index into weighted content words.

    Args:
        text: The cleaned question.
        index: The search index (its analyzer, vocabulary and idf).
        unseen_weight: The weight of a word the index has never seen.
    """
    words = index.analyzer.words(text)
    terms = index.analyze_words(words)
    opening = words[0].start if words else 0
    first: dict[str, QueryTerm] = {}
    for term in terms.terms:
        first.setdefault(term.term, term)
    distinct = tuple(first.values())
    return Query(
        text=text,
        terms=terms,
        words=distinct,
        weights=tuple(_weight(term, text, opening, unseen_weight) for term in distinct),
        stopwords=tuple(word.surface for word in words if word.term is None),
    )


def find_matches(
    text: str, query: Query, index: SearchIndex, *, compound_credit: float = 0.5
) -> list[TermMatch]:
    """Find the words of ``text`` that match the query, exactly or through compound parts."""
    by_term = {term.term: i for i, term in enumerate(query.words)}
    by_part = {part: i for i, term in enumerate(query.words) for part in term.parts}
    matches: list[TermMatch] = []
    for word in index.analyzer.words(text):
        if word.term is None:
            continue
        if word.term in by_term:
            matches.append(TermMatch(word.start, word.end, by_term[word.term], 1.0))
        elif word.term in by_part:  # the question's compound contains this word
            matches.append(TermMatch(word.start, word.end, by_part[word.term], compound_credit))
        else:  # this word is a compound containing a query word
            parts = compound_parts(word, index.decompounder, index.analyzer)
            hit = next((by_term[part] for part in parts if part in by_term), None)
            if hit is not None:
                matches.append(TermMatch(word.start, word.end, hit, compound_credit))
    return matches


def coverage(query: Query, matches: Sequence[TermMatch]) -> float:
    """The share (0..1) of the query's weight that the matches cover, each word counted once."""
    total = sum(query.weights)
    if total <= 0:
        return 0.0
    best: dict[int, float] = {}
    for match in matches:
        best[match.word] = max(best.get(match.word, 0.0), match.credit)
    return sum(query.weights[i] * credit for i, credit in best.items()) / total
