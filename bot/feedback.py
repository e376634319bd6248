"""What people thought of the answers: the ``newsdesk feedback`` report.

Pure: the store's :class:`~bot.store.AnswerFeedback` rows in, lines of text out. Votes are
counted per question (questions that differ only in case and spacing are one question), then the
worst-rated answers are listed: most 👎 over 👍 first, with the platform, the day and the articles
they quoted, so someone can read what went wrong. Nothing here changes how answers are ranked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.store import AnswerFeedback

__all__ = ["QuestionVotes", "feedback_report", "question_votes", "worst_answers"]


@dataclass(frozen=True, slots=True)
class QuestionVotes:
    """The votes on every answer to one question."""

    question: str
    answers: int
    up: int
    down: int


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _same(question: str) -> str:
    return " ".join(question.casefold().split())


def question_votes(rows: Sequence[AnswerFeedback]) -> list[QuestionVotes]:
    """Votes per question, most voted first (then the worse one, then alphabetically)."""
    grouped: dict[str, list[AnswerFeedback]] = {}
    for row in rows:
        grouped.setdefault(_same(row.answer.question), []).append(row)
    totals = [
        QuestionVotes(
            question=group[0].answer.question,
            answers=len(group),
            up=sum(r.up for r in group),
            down=sum(r.down for r in group),
        )
        for group in grouped.values()
    ]
    return sorted(totals, key=lambda q: (-(q.up + q.down), q.up - q.down, _same(q.question)))


def worst_answers(rows: Sequence[AnswerFeedback], limit: int = 10) -> list[AnswerFeedback]:
    """The answers with more 👎 than 👍, worst first (net score, then most 👎, then oldest)."""
    bad = [row for row in rows if row.down > row.up]
    bad.sort(key=lambda r: (r.up - r.down, -r.down, r.answer.answered_at, r.answer.answer_id))
    return bad[:limit]


def feedback_report(
    rows: Sequence[AnswerFeedback], title: Callable[[str], str | None], *, limit: int = 10
) -> list[str]:
    """The report's lines.

    Args:
        rows: Every voted-on answer (``Store.feedback()``).
        title: An article's title by id, or None when it left the archive.
        limit: How many worst-rated answers to list.
    """
    if not rows:
        return ["No votes yet: answers get 👍/👎 buttons in Slack and Discord."]
    up, down = sum(r.up for r in rows), sum(r.down for r in rows)
    votes, answers = _count(up + down, "vote"), _count(len(rows), "answer")
    lines = [f"{votes} on {answers}: {up} 👍, {down} 👎.", "", "Per question:"]
    for q in question_votes(rows):
        times = _count(q.answers, "answer")
        lines.append(f"  {q.up:3} 👍 {q.down:3} 👎  {q.question} ({times})")
    worst = worst_answers(rows, limit)
    lines += ["", "Worst-rated answers:" if worst else "No answer has more 👎 than 👍."]
    for n, row in enumerate(worst, start=1):
        answer = row.answer
        day = answer.answered_at.date().isoformat()
        lines.append(
            f"  {n}. {row.up} 👍 {row.down} 👎  {answer.question} ({answer.platform}, {day})"
        )
        for article in answer.article_ids:
            lines.append(f"       {article}: {title(article) or '(no longer in the archive)'}")
        if not answer.article_ids:
            lines.append("       (it quoted no article: the archive had nothing to say)")
    return lines
