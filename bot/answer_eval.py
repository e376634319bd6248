"""Answer quality on a set of team questions: right source, fact in the answer, abstentions.

A set (``tests/data/answers_*.json``) holds questions about an archive, each with the articles
whose text answers it and fact strings (any one must appear in the answer), and off-topic
questions the bot must not answer. Each question has a language (``de``, ``en``) and a kind
(``plain``, ``paraphrase``, ``typo``, ``keywords``, ``chat``; off-topic ones ``weather``,
``recipe``, ``sport``, ``general``, ``smalltalk``), and the report breaks the figures down by
both. ``newsdesk eval --answers FILE`` prints it.

Errors: ``ValueError`` -> :class:`AnswerSetError`, raised by :func:`parse_answer_set` with a
message naming the file and the entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.replies import Reply

__all__ = [
    "AnswerCase",
    "AnswerReport",
    "AnswerSet",
    "AnswerSetError",
    "Outcome",
    "evaluate_answers",
    "load_answer_set",
    "parse_answer_set",
]


class AnswerSetError(ValueError):
    """An answer set file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class AnswerCase:
    """One question of a set; ``articles`` and ``facts`` are empty for an off-topic one."""

    id: str
    question: str
    language: str
    kind: str
    articles: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        """Tell whether the archive answers this question."""
        return bool(self.articles)


@dataclass(frozen=True, slots=True)
class AnswerSet:
    """The answerable and the off-topic questions of one file."""

    answerable: tuple[AnswerCase, ...]
    offtopic: tuple[AnswerCase, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the bot did with one question."""

    case: AnswerCase
    answered: bool
    right_article: bool
    fact: bool

    @property
    def ok(self) -> bool:
        """Right for its kind: the fact from the right article, or an abstention."""
        if self.case.answerable:
            return self.right_article and self.fact
        return not self.answered


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of one group of questions."""

    answerable: int = 0
    right_article: int = 0
    fact: int = 0
    offtopic: int = 0
    abstained: int = 0

    def add(self, outcome: Outcome) -> Tally:
        """This tally with one more outcome."""
        if outcome.case.answerable:
            return Tally(
                self.answerable + 1,
                self.right_article + outcome.right_article,
                self.fact + outcome.fact,
                self.offtopic,
                self.abstained,
            )
        return Tally(
            self.answerable,
            self.right_article,
            self.fact,
            self.offtopic + 1,
            self.abstained + (not outcome.answered),
        )

    def as_json(self) -> dict[str, float | int | None]:
        """Counts and shares (None where a group has no question of that sort)."""
        return {
            "answerable": self.answerable,
            "right_article_first": _share(self.right_article, self.answerable),
            "fact_in_answer": _share(self.fact, self.answerable),
            "offtopic": self.offtopic,
            "offtopic_abstained": _share(self.abstained, self.offtopic),
        }


@dataclass(frozen=True, slots=True)
class AnswerReport:
    """Every outcome and the tallies overall, per language and per kind."""

    outcomes: tuple[Outcome, ...]
    overall: Tally
    by_language: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)

    @property
    def misses(self) -> tuple[Outcome, ...]:
        """The outcomes that were wrong."""
        return tuple(o for o in self.outcomes if not o.ok)

    def as_json(self) -> dict[str, object]:
        """The report as one JSON-ready object."""
        return {
            "overall": self.overall.as_json(),
            "by_language": {k: v.as_json() for k, v in sorted(self.by_language.items())},
            "by_kind": {k: v.as_json() for k, v in sorted(self.by_kind.items())},
            "misses": [
                {"id": o.case.id, "question": o.case.question, "answered": o.answered}
                for o in self.misses
            ],
        }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _strings(entry: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise AnswerSetError(f"{where}.{key} must be a list of non-empty strings")
    return tuple(value)


def _case(entry: object, where: str, *, answerable: bool) -> AnswerCase:
    if not isinstance(entry, dict):
        raise AnswerSetError(f"{where} must be a JSON object")
    texts = []
    for key in ("id", "question", "language", "kind"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise AnswerSetError(f"{where}.{key} must be a non-empty string")
        texts.append(value)
    case_id, question, language, kind = texts
    if not answerable:
        return AnswerCase(case_id, question, language, kind)
    case = AnswerCase(
        case_id,
        question,
        language,
        kind,
        articles=_strings(entry, "articles", where),
        facts=_strings(entry, "facts", where),
    )
    if not case.articles or not case.facts:
        raise AnswerSetError(f"{where} needs at least one article and one fact")
    return case


def parse_answer_set(data: object, source: str = "<data>") -> AnswerSet:
    """Turn parsed JSON (``answerable`` and ``offtopic`` lists) into an answer set.

    Raises:
        AnswerSetError: When an entry lacks a field or has the wrong type.
    """
    if not isinstance(data, dict):
        raise AnswerSetError(f"{source} must hold a JSON object")
    parts = []
    for key in ("answerable", "offtopic"):
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise AnswerSetError(f"{source}: {key} must be a list")
        parts.append(
            tuple(
                _case(e, f"{source}: {key}[{i}]", answerable=key == "answerable")
                for i, e in enumerate(entries)
            )
        )
    if not parts[0] and not parts[1]:
        raise AnswerSetError(f"{source} holds no questions")
    return AnswerSet(parts[0], parts[1])


def load_answer_set(path: Path) -> AnswerSet:
    """Read an answer set file.

    Raises:
        OSError: When the file cannot be read.
        AnswerSetError: When it is not UTF-8 JSON or not shaped as an answer set.
    """
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AnswerSetError(f"{path}: not UTF-8 JSON: {error}") from error
    return parse_answer_set(data, str(path))


def judge(case: AnswerCase, reply: Reply) -> Outcome:
    """Compare one reply with what its question needs."""
    answered = reply.answered
    right = answered and bool(reply.sources) and reply.sources[0].article_id in case.articles
    text = reply.text
    fact = answered and any(fact in text for fact in case.facts)
    return Outcome(case, answered, right, fact)


def evaluate_answers(
    cases: Iterable[AnswerCase],
    ask: Callable[[str], Reply],
    progress: Callable[[int], None] | None = None,
) -> AnswerReport:
    """Ask every question and tally the outcomes overall, per language and per kind."""
    outcomes = []
    overall = Tally()
    by_language: dict[str, Tally] = {}
    by_kind: dict[str, Tally] = {}
    for i, case in enumerate(cases, start=1):
        outcome = judge(case, ask(case.question))
        outcomes.append(outcome)
        overall = overall.add(outcome)
        by_language[case.language] = by_language.get(case.language, Tally()).add(outcome)
        by_kind[case.kind] = by_kind.get(case.kind, Tally()).add(outcome)
        if progress is not None and i % 50 == 0:
            progress(i)
    return AnswerReport(tuple(outcomes), overall, by_language, by_kind)
