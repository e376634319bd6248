"""Compose an answer from the best passages: pure policy, values in and a reply out.

Method:

1. **Relevance.** The question's words are weighted by idf (a word the archive has never seen
   weighs the most). A passage's *coverage* is the share of that weight its words match (exact
   stems count fully, compound parts half). When no top passage reaches ``min_relevance``, the bot
   says it found nothing rather than quoting a random passage. The threshold is calibrated in
   ``docs/RELEVANCE.md``.
2. **Sentences.** Every sentence of the top passages that matches the question is scored by its
   own coverage blended with its passage's (``context_weight``: a sentence whose surroundings
   also cover the question answers it better), scaled by its passage's BM25 score relative to
   the best. A question that asks for an amount ("wie viel",
   "wie hoch") or a time ("wann", "seit wann") expects one: sentences holding a number, or a date
   or year, score ``answer_type_bonus`` times more. News articles put their main fact first (the
   inverted pyramid): sentences of an article's opening passage score ``lead_bonus`` times more.
   The best sentence is taken, and up to two more that score at least ``follow_ratio`` of it,
   best first. Candidates come from up to ``candidate_passages`` hits scoring at least
   ``candidate_floor`` of the best.
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
    paragraph,
)
from knowledge import PassageHit, Query, TermMatch, coverage
from knowledge import relevance as coverage_of

__all__ = ["AnswerPolicy", "compose_answer", "emphasise", "expected_answer_type", "relevance"]

Matcher = Callable[[str, Query], list[TermMatch]]


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    """The knobs of answer composition (documented in the module docstring)."""

    min_relevance: float = 0.35
    max_sentences: int = 3
    candidate_passages: int = 8
    candidate_floor: float = 0.5
    follow_ratio: float = 0.6
    max_chars: int = 700
    answer_type_bonus: float = 1.5
    lead_bonus: float = 1.1
    context_weight: float = 0.5


AnswerType = Literal["amount", "time"]

_ASKS_AMOUNT = re.compile(
    r"(?i)\b(wie ?viele?|wieviel\w*|wie (hoch|teuer|gro(ß|ss)|lange|alt|stark)|welche[nrms]? "
    r"(betrag|summe|preis|anteil|bewertung)|how (much|many|high|long))\b"
)
_ASKS_TIME = re.compile(r"(?i)\b(wann|seit wann|bis wann|in welchem jahr|an welchem tag|when)\b")
_MONTHS = "januar|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember"
_HAS_AMOUNT = re.compile(r"\d")
_HAS_TIME = re.compile(
    rf"(?i)\b(1[89]\d\d|20\d\d|{_MONTHS}|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|gestern|heute)\b"
)


def expected_answer_type(question: str) -> AnswerType | None:
    """What a question asks for: an amount, a time, or nothing in particular."""
    if _ASKS_TIME.search(question):
        return "time"
    if _ASKS_AMOUNT.search(question):
        return "amount"
    return None


def _fits(sentence: str, answer_type: AnswerType | None) -> bool:
    if answer_type == "amount":
        return bool(_HAS_AMOUNT.search(sentence))
    if answer_type == "time":
        return bool(_HAS_TIME.search(sentence))
    return False


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
    query: Query, hits: Sequence[PassageHit], matcher: Matcher, policy: AnswerPolicy
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
        for sentence in hit.passage.sentences:
            if sentence in seen or len(sentence.split()) < 4:
                continue
            seen.add(sentence)
            matches = tuple(matcher(sentence, query))
            own = coverage(query, matches)
            score = (
                own * (1 - policy.context_weight) + context * policy.context_weight
            ) * rank_factor
            if own > 0 and _fits(sentence, answer_type):
                score *= policy.answer_type_bonus
            if own > 0:
                found.append(_Candidate(sentence, matches, score, hit))
    found.sort(key=lambda c: c.score, reverse=True)
    return found


def _choose(found: list[_Candidate], policy: AnswerPolicy) -> list[_Candidate]:
    chosen = found[:1]
    length = len(found[0].text)
    for candidate in found[1:]:
        if len(chosen) == policy.max_sentences:
            break
        if candidate.score < policy.follow_ratio * found[0].score:
            break
        if length + len(candidate.text) > policy.max_chars:
            continue
        chosen.append(candidate)
        length += len(candidate.text)
    return chosen


def relevance(query: Query, hits: Sequence[PassageHit], matcher: Matcher) -> float:
    """How well the best of the top three passages covers the question (0..1)."""
    return max((coverage_of(query, matcher(h.passage.text, query)) for h in hits[:3]), default=0.0)


def compose_answer(
    query: Query,
    hits: Sequence[PassageHit],
    matcher: Matcher,
    phrases: Phrasebook,
    *,
    archive_size: int,
    policy: AnswerPolicy | None = None,
) -> Reply:
    """Answer from the hits, or say helpfully that nothing relevant was found.

    Args:
        query: The analysed question.
        hits: The search hits, best first.
        matcher: Finds the query's words in a text (``KnowledgeBase.matches``).
        phrases: The bot's sentences in the configured language.
        archive_size: Number of articles (for the "nothing found" sentence).
        policy: The composition knobs.
    """
    policy = policy or AnswerPolicy()
    no_answer = Reply(
        (paragraph(phrases.no_answer.format(count=archive_size)),),
        kind=ReplyKind.NO_ANSWER,
        question=query.text,
    )
    if not hits or relevance(query, hits, matcher) < policy.min_relevance:
        return no_answer
    found = _candidates(query, hits, matcher, policy)
    if not found:
        return no_answer
    chosen = _choose(found, policy)

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
        )
        for article_id in order
    )
    paragraphs: tuple[Paragraph, ...] = (tuple(body),)
    return Reply(paragraphs, kind=ReplyKind.ANSWER, sources=sources, question=query.text)
