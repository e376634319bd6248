"""Which words of a text match a query, and how much of the query a text covers.

One mechanism serves three needs of the answer composer: whether the best passages are relevant
at all (coverage of the query's weight), which sentences answer best (coverage again), and which
words to emphasise (the match spans).

**Weights.** Two questions need two weightings of the question's words.

- *Which sentence answers best* ranks within the archive: a word weighs its main-field idf
  times its :func:`specificity` in general German, so ``OpenAI`` (in nearly every passage) counts
  little next to ``Windsurf``, and so does ``heute`` (in one passage, but one of the commonest
  German words). A word the index has never seen weighs ``unseen_weight`` (the idf of the rarest
  term) times its specificity.
- *Whether the archive covers the question at all* must not punish the archive's own topic:
  that ``OpenAI`` is everywhere is evidence *for* coverage. Here a word weighs its specificity
  alone, doubled when the archive has never seen it (it names something the archive lacks) and
  doubled again when that unseen word is capitalised inside the question: German capitalises
  nouns and names (``Apple``, ``Bayern``), so it names the topic even when it is common.

**Matches.** A text word matches a query word fully when their stems agree *and* their surfaces
are inflections of one another: Snowball stems both ``Wetter`` and ``Wette`` to ``wett``, so after
the longest common prefix (umlauts folded) what remains of each must be a German inflection
ending (``Modell``/``Modelle``, ``kauft``/``kaufen``; not ``Wetter``/``Wette``). Compounds match
in part: a text compound containing the query word (``Werbeanzeigen`` for ``Anzeigen``) earns
``compound_credit``; a text word that is a part of a query compound (``Lieferkette`` for
``Lieferkettenrisiko``) earns that part's share of the compound's idf, so ``Spiel`` covers little
of ``Fußballspiel``, whose other part the archive has never seen.

**Coverage** is the matched weight over the total plus ``prior``: a question made only of
generic words has a small total and cannot reach a high coverage by matching them.
:func:`coverage` uses the ranking weights; :func:`relevance` the coverage weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.compounds import compound_parts
from knowledge.index import QueryTerm, QueryTerms, SearchIndex
from knowledge.specificity import specificity

__all__ = [
    "Query",
    "TermMatch",
    "coverage",
    "find_matches",
    "inflection_related",
    "parse_query",
    "relevance",
]

#: Inflection endings of German nouns, adjectives and verbs (what may follow a shared prefix).
_ENDINGS = frozenset(
    {
        *("", "e", "em", "en", "end", "ende", "enden", "ens", "er", "ern", "es", "et", "est"),
        *("n", "ns", "s", "st", "t", "te", "ten", "tet", "test"),
    }
)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})

#: Floor of a word's weight: rank-bm25's epsilon floor can make an idf tiny or negative.
_MIN_WEIGHT = 0.05


@dataclass(frozen=True, slots=True)
class Query:
    """An analysed question: its distinct content words with weights, and its stopwords.

    Attributes:
        text: The question as searched.
        terms: The index's analysis (repeats kept; this is what is scored).
        words: One entry per distinct content term, in question order.
        weights: The ranking weight of each entry of ``words`` (idf times specificity).
        relevance_weights: The weight of each word for deciding relevance (see module doc).
        part_shares: For each word, the share of its weight each compound part carries.
        stopwords: The filler words the question had.
    """

    text: str
    terms: QueryTerms
    words: tuple[QueryTerm, ...]
    weights: tuple[float, ...]
    relevance_weights: tuple[float, ...]
    part_shares: tuple[dict[str, float], ...]
    stopwords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A span of a text matching query word ``word``: fully, as a compound, or one ``part``."""

    start: int
    end: int
    word: int
    credit: float
    part: str | None = None


def inflection_related(first: str, second: str) -> bool:
    """Tell whether two case-folded words are inflections of one another (see module doc)."""
    a, b = first.translate(_FOLD), second.translate(_FOLD)
    pairs = enumerate(zip(a, b, strict=False))
    shared = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
    return shared >= 2 and a[shared:] in _ENDINGS and b[shared:] in _ENDINGS


def _weight(term: QueryTerm, unseen_weight: float) -> float:
    if term.main_idf is not None:
        base = term.main_idf
    else:
        known_parts = [idf for idf in term.compound_idf[1:] if idf is not None]
        base = max(known_parts) if known_parts else unseen_weight
    return max(base * specificity(term.word.surface), _MIN_WEIGHT)


def _relevance_weight(term: QueryTerm, capitalised: bool) -> float:
    weight = specificity(term.word.surface)
    if not term.known:
        weight *= 4.0 if capitalised else 2.0
    return weight


def _capitalised_inside(text: str, term: QueryTerm, opening: int) -> bool:
    return term.word.start > opening and text[term.word.start : term.word.start + 1].isupper()


def _part_shares(term: QueryTerm, unseen_weight: float) -> dict[str, float]:
    idfs = [unseen_weight if idf is None else max(idf, _MIN_WEIGHT) for idf in term.compound_idf]
    total = sum(idfs[1:])
    return {part: idf / total for part, idf in zip(term.parts, idfs[1:], strict=True)}


def parse_query(text: str, index: SearchIndex, *, unseen_weight: float) -> Query:
    """Analyse a question against an index into weighted content words.

    Args:
        text: The cleaned question.
        index: The search index (its analyzer, vocabulary and idf).
        unseen_weight: The base weight of a word the index has never seen.
    """
    words = index.analyzer.words(text)
    terms = index.analyze_words(words)
    first: dict[str, QueryTerm] = {}
    for term in terms.terms:
        first.setdefault(term.term, term)
    distinct = tuple(first.values())
    opening = words[0].start if words else 0
    return Query(
        text=text,
        terms=terms,
        words=distinct,
        weights=tuple(_weight(term, unseen_weight) for term in distinct),
        relevance_weights=tuple(
            _relevance_weight(term, _capitalised_inside(text, term, opening)) for term in distinct
        ),
        part_shares=tuple(_part_shares(term, unseen_weight) for term in distinct),
        stopwords=tuple(word.surface for word in words if word.term is None),
    )


def find_matches(
    text: str, query: Query, index: SearchIndex, *, compound_credit: float = 0.5
) -> list[TermMatch]:
    """Find the words of ``text`` that match the query, exactly or through compound parts."""
    by_term = {term.term: i for i, term in enumerate(query.words)}
    by_part = {part: i for i, shares in enumerate(query.part_shares) for part in shares}
    matches: list[TermMatch] = []
    for word in index.analyzer.words(text):
        if word.term is None:
            continue
        if word.term in by_term:
            i = by_term[word.term]
            if inflection_related(word.surface, query.words[i].word.surface):
                matches.append(TermMatch(word.start, word.end, i, 1.0))
        elif word.term in by_part:  # a part of the question's compound
            i = by_part[word.term]
            share = query.part_shares[i][word.term]
            matches.append(TermMatch(word.start, word.end, i, share, part=word.term))
        else:  # a compound containing a query word
            parts = compound_parts(word, index.decompounder, index.analyzer)
            hit = next((by_term[part] for part in parts if part in by_term), None)
            if hit is not None:
                matches.append(TermMatch(word.start, word.end, hit, compound_credit))
    return matches


def coverage(query: Query, matches: Sequence[TermMatch], *, prior: float = 1.0) -> float:
    """How much of the question a text covers, with the ranking weights (0..1).

    Args:
        query: The analysed question.
        matches: Matches found in one text.
        prior: Weight added to the total, so that generic-only questions stay low.
    """
    return _covered(query.weights, _credits(matches), prior)


def relevance(query: Query, matches: Sequence[TermMatch], *, prior: float = 0.3) -> float:
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
