"""Compose an answer from the best passages: pure policy, values in and a reply out.

Method:

1. **Relevance.** The question's slots (:mod:`knowledge.query`: each content word with its
   spelling correction and translations) are weighted by specificity; a passage's relevance is
   the share of that weight its words satisfy (exact stems count fully, compound parts in
   part). When no top passage reaches ``min_relevance``, the bot says it found nothing rather
   than quoting a random passage. With the multilingual encoder (:mod:`knowledge.dense`), a
   question whose meaning is close to an archive sentence (cosine at least ``min_similarity``)
   passes too, however few of its words match: a paraphrase or another language. Both
   thresholds are calibrated in ``docs/RELEVANCE.md``.
2. **Sentences.** Only :func:`answer_sentences` are quoted: no site boilerplate, table rows,
   captions or rhetorical questions, and a list lead-in ending in ``:`` comes with its items.
   Each that matches the question is scored by its own coverage blended with its passage's
   (``context_weight``: a sentence whose surroundings also cover the question answers it
   better), scaled by its passage's BM25 score relative to the best. A question that asks for
   an amount ("wie viel", "how much"), a time ("wann", "when") or a cause ("warum", "why")
   expects one: sentences holding a number (in digits or words), a date or year, or a cause
   ("weil", "um … zu", "because") score ``answer_type_bonus`` times more; so does, for "wie
   lange", "in welchem Zeitraum" or "how long", a duration ("vier Jahren", "monatelang", "bis
   2030"). News articles put their main fact first
   (the inverted pyramid): sentences of an article's opening passage score ``lead_bonus``
   times more. The best sentence is taken, and up to two more that score at least
   ``follow_ratio`` of it, best first; a sentence of another article only when that article's
   passage covers the question by itself, and the same sentence (syndicated news) only once.
   Candidates come from up to ``candidate_passages`` hits scoring at least ``candidate_floor``
   of the best.
3. **Citations.** Each sentence cites its article; articles are numbered in the order the answer
   cites them (so the best sentence's article is [1]), one source entry per article, showing the
   article's best passage and its score.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.phrases import Phrasebook
from bot.replies import (
    Paragraph,
    Reply,
    ReplyKind,
    Source,
    Span,
    defuse_mass_mentions,
)
from knowledge import (
    RELEVANCE_PASSAGES,
    Passage,
    PassageHit,
    Query,
    TermMatch,
    coverage,
    is_boilerplate,
    is_caption,
    is_table_row,
)
from knowledge import relevance as coverage_of

__all__ = [
    "AnswerPolicy",
    "AnswerType",
    "answer_sentences",
    "compose_answer",
    "emphasise",
    "expected_answer_type",
    "fits_answer_type",
    "relevance",
]

Matcher = Callable[[str, Query], list[TermMatch]]
Closeness = Callable[[str], float]  # cosine of the question with one sentence


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    """The knobs of answer composition (documented in the module docstring)."""

    min_relevance: float = 0.35
    min_similarity: float = 0.40
    max_sentences: int = 3
    candidate_passages: int = 8
    candidate_floor: float = 0.5
    follow_ratio: float = 0.5
    max_chars: int = 700
    answer_type_bonus: float = 1.5
    lead_bonus: float = 1.1
    context_weight: float = 0.5
    meaning_weight: float = 2.0


AnswerType = Literal["amount", "time", "duration", "cause"]

_ASKS_AMOUNT = re.compile(
    r"(?i)\b(wie ?viele?|wieviel\w*|wie (hoch|teuer|gro(ß|ss)|alt|stark)|welche[nrms]? "
    r"(betrag|summe|preis|anteil|bewertung)|how (much|many|high|big|old)|"
    r"what (price|amount|sum|share|percentage|valuation))\b"
)
_ASKS_DURATION = re.compile(
    r"(?i)\b(wie lange?|in welchem zeitraum|über welchen zeitraum|how long|for how long|"
    r"(over|in|within) what (period|time ?frame))\b"
)
_ASKS_TIME = re.compile(
    r"(?i)\b(wann|seit wann|bis wann|in welchem jahr|an welchem tag|when|what year|which year)\b"
)
#: A keyword query naming a time ("Sam Altman birth year", "Gründungsjahr OpenAI") asks for one
#: too, unless it asks for an amount or a rate ("Wie viel Umsatz", "Umsatz pro Jahr").
_NAMES_TIME = re.compile(r"(?i)(?<!pro )(?<!per )(?<!je )(?<!a )\b(year|date|\w*jahr|datum)\b")
_ASKS_CAUSE = re.compile(r"(?i)\b(warum|weshalb|wieso|weswegen|why|how come)\b")
_HAS_CAUSE = re.compile(
    r"(?i)\b(weil|denn|deshalb|daher|darum|deswegen|wegen|aufgrund|infolge|damit|sodass|"
    r"um\b.{1,80}?\bzu|grund|ursache|ziel|because|due to|since|so that|in order to|reason)\b"
)
_NUMBER_WORDS = (
    r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend|"
    r"millionen?|milliarden?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|hundred|thousand|millions?|billions?|dozen"
)
_UNITS = r"(jahr|monat|woche|tag|stunde|minute|year|month|week|day|hour|minute)\w*"
_MONTHS = "januar|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember"
_HAS_AMOUNT = re.compile(rf"(?i)\d|\b({_NUMBER_WORDS})\b")
_HAS_DURATION = re.compile(
    rf"(?i)(\d+|\b({_NUMBER_WORDS}|ein(em|en|er|e)?|an?|one))\s+(\w+\s+)?{_UNITS}\b|"
    r"\b\w+lang(e|en|er|es)?\b|\b(bis|until|seit|since)\s+(\d{4}|ende|end)\b"
)
_HAS_TIME = re.compile(
    rf"(?i)\b(1[89]\d\d|20\d\d|{_MONTHS}|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|gestern|heute)\b"
)


def expected_answer_type(question: str) -> AnswerType | None:
    """What a question asks for: an amount, a time, a cause, or nothing in particular."""
    if _ASKS_CAUSE.search(question):
        return "cause"
    if _ASKS_DURATION.search(question):
        return "duration"
    if _ASKS_TIME.search(question):
        return "time"
    if _ASKS_AMOUNT.search(question):
        return "amount"
    if _NAMES_TIME.search(question):
        return "time"
    return None


def fits_answer_type(sentence: str, answer_type: AnswerType | None) -> bool:
    """Tell whether a sentence holds what the question asks for (a number, a time, ...)."""
    if answer_type == "amount":
        return bool(_HAS_AMOUNT.search(sentence))
    if answer_type == "time":
        return bool(_HAS_TIME.search(sentence))
    if answer_type == "duration":
        return bool(_HAS_DURATION.search(sentence))
    if answer_type == "cause":
        return bool(_HAS_CAUSE.search(sentence))
    return False


_LIST_ITEM_SEPARATOR = " • "
_NORMAL = re.compile(r"\W+")


def answer_sentences(passage: Passage) -> list[str]:
    """The sentences of a passage that may be quoted as an answer.

    Site boilerplate (a passage whose heading speaks as the site), table rows, captions,
    questions and fragments of fewer than four words never answer. A list lead-in ending in
    ``:`` is quoted with the items that follow it in the passage (``… umfassen: • Trail: … •
    Oumi: …``); without items it says nothing and is left out.
    """
    if is_boilerplate(passage):
        return []
    sentences = passage.sentences
    found: list[str] = []
    for i, sentence in enumerate(sentences):
        text = sentence.strip()
        if text.endswith(":"):
            items = [s.strip() for s in sentences[i + 1 :] if not s.strip().endswith(":")]
            if items:
                found.append(text + _LIST_ITEM_SEPARATOR + _LIST_ITEM_SEPARATOR.join(items))
            continue
        if (
            len(text.split()) < 4
            or is_table_row(text)
            or is_caption(text)
            or text.rstrip("\"'“”«»‹›’)]").endswith("?")
        ):
            continue
        found.append(text)
    return found


def _normal(sentence: str) -> str:
    """A sentence reduced to its words, to spot the same sentence in two articles."""
    return _NORMAL.sub(" ", sentence.casefold()).strip()


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    matches: tuple[TermMatch, ...]
    score: float
    hit: PassageHit


def emphasise(text: str, matches: Sequence[TermMatch]) -> tuple[Span, ...]:
    """Split ``text`` into plain and emphasised spans at the match positions."""
    spans: list[Span] = []
    position = 0
    for match in sorted(matches, key=lambda m: m.start):
        if match.start < position:
            continue
        if match.start > position:
            spans.append(Span(text[position : match.start]))
        spans.append(Span(text[match.start : match.end], "emphasis"))
        position = match.end
    if position < len(text):
        spans.append(Span(text[position:]))
    return tuple(spans)


def _candidates(
    query: Query,
    hits: Sequence[PassageHit],
    matcher: Matcher,
    policy: AnswerPolicy,
    closeness: Closeness | None = None,
) -> list[_Candidate]:
    top = hits[0].score
    answer_type = expected_answer_type(query.text)
    found: list[_Candidate] = []
    seen: set[str] = set()
    for hit in hits[: policy.candidate_passages]:
        if hit.score < policy.candidate_floor * top:
            break
        rank_factor = 0.6 + 0.4 * (hit.score / top if top > 0 else 0.0)
        if hit.passage.ordinal == 0:
            rank_factor *= policy.lead_bonus
        context = coverage(query, matcher(hit.passage.text, query))
        for sentence in answer_sentences(hit.passage):
            if _normal(sentence) in seen:
                continue
            seen.add(_normal(sentence))
            matches = tuple(matcher(sentence, query))
            own = coverage(query, matches)
            score = (
                own * (1 - policy.context_weight) + context * policy.context_weight
            ) * rank_factor
            if own == 0:
                continue
            if fits_answer_type(sentence, answer_type):
                score *= policy.answer_type_bonus
            if closeness is not None:
                score *= 1 + policy.meaning_weight * max(0.0, closeness(sentence))
            found.append(_Candidate(sentence, matches, score, hit))
    found.sort(key=lambda c: c.score, reverse=True)
    return found


def _choose(
    query: Query, found: list[_Candidate], matcher: Matcher, policy: AnswerPolicy
) -> list[_Candidate]:
    """The best sentence and up to two more that score at least ``follow_ratio`` of it.

    A sentence from another article joins only when its passage covers the question on its
    own (relevance at least ``min_relevance``): a second source must be about the question.
    """
    chosen = found[:1]
    length = len(found[0].text)
    covering: dict[str, bool] = {found[0].hit.article.id: True}
    for candidate in found[1:]:
        if len(chosen) == policy.max_sentences:
            break
        if candidate.score < policy.follow_ratio * found[0].score:
            break
        if length + len(candidate.text) > policy.max_chars:
            continue
        article = candidate.hit.article.id
        if article not in covering:
            own = coverage_of(query, matcher(candidate.hit.passage.text, query))
            covering[article] = own >= policy.min_relevance
        if not covering[article]:
            continue
        chosen.append(candidate)
        length += len(candidate.text)
    return chosen


def relevance(query: Query, hits: Sequence[PassageHit], matcher: Matcher) -> float:
    """How well the best of the top three passages covers the question (0..1)."""
    top = hits[:RELEVANCE_PASSAGES]
    return max((coverage_of(query, matcher(h.passage.text, query)) for h in top), default=0.0)


def compose_answer(
    query: Query,
    hits: Sequence[PassageHit],
    matcher: Matcher,
    phrases: Phrasebook,
    *,
    archive_size: int,
    policy: AnswerPolicy | None = None,
    similarity: float | None = None,
    closeness: Closeness | None = None,
    platform: str | None = None,
) -> Reply:
    """Answer from the hits, or say helpfully that nothing relevant was found.

    Args:
        query: The analysed question.
        hits: The search hits, best first.
        matcher: Finds the query's words in a text (``KnowledgeBase.matches``).
        phrases: The bot's sentences in the configured language.
        archive_size: Number of articles (for the "nothing found" sentence).
        policy: The composition knobs.
        similarity: The question's best cosine with an archive sentence; None without an encoder.
        platform: The asker's platform, for the syntax of the ``sources`` command it suggests.
    """
    policy = policy or AnswerPolicy()
    no_answer = Reply(
        (phrases.say(phrases.no_answer, platform, count=archive_size),),
        kind=ReplyKind.NO_ANSWER,
        question=query.text,
    )
    close = similarity is not None and similarity >= policy.min_similarity
    if not hits or (not close and relevance(query, hits, matcher) < policy.min_relevance):
        return no_answer
    found = _candidates(query, hits, matcher, policy, closeness)
    if not found:
        return no_answer
    chosen = _choose(query, found, matcher, policy)

    # number articles in the order the answer cites them; each source shows its best passage
    order = list(dict.fromkeys(c.hit.article.id for c in chosen))
    number = {article_id: i + 1 for i, article_id in enumerate(order)}
    best: dict[str, PassageHit] = {}
    for hit in hits:
        best.setdefault(hit.article.id, hit)

    body: list[Span] = []
    for i, candidate in enumerate(chosen):
        if i:
            body.append(Span(" "))
        # defuse the whole sentence first: emphasis could split "@here" across two spans
        safe = defuse_mass_mentions(candidate.text)
        matches = candidate.matches if safe == candidate.text else matcher(safe, query)
        body.extend(emphasise(safe, matches))
        body.append(Span(str(number[candidate.hit.article.id]), "citation"))
    sources = tuple(
        Source(
            number=number[article_id],
            article_id=article_id,
            title=best[article_id].article.title,
            publisher=best[article_id].article.source,
            published=best[article_id].article.published,
            passage=best[article_id].passage.text,
            score=round(best[article_id].score, 6),
            url=best[article_id].article.url,
        )
        for article_id in order
    )
    paragraphs: tuple[Paragraph, ...] = (tuple(body),)
    return Reply(paragraphs, kind=ReplyKind.ANSWER, sources=sources, question=query.text)
