"""Passage-retrieval evaluation on SQuAD-format question sets (e.g. GermanQuAD).

Every distinct context becomes one document; every question is a query whose one relevant
document is its own context (identical context strings share one document). Reported are
MRR@10, Recall@1, Recall@5, the share of questions whose best passages pass the relevance gate
(the same measure ``ask`` uses before answering), the number of queries and queries per second.

A question file (``{"questions": [{"id": ..., "question": ...}]}``, e.g. English translations of
GermanQuAD questions) replaces the set's questions by their SQuAD ids: :func:`with_questions`.

Errors: ``ValueError`` -> :class:`SquadFormatError`, raised by :func:`load_squad` and
:func:`parse_squad` with a message naming the file and the JSON path of the bad value. A file
that cannot be read at all raises ``OSError`` as usual.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.analysis import Analyzer
from knowledge.bm25 import DEFAULT_BM25, Bm25Params
from knowledge.compounds import DEFAULT_COMPOUNDS, CompoundParams
from knowledge.dense import Encoder, SentenceVectors
from knowledge.hybrid import PassageMeaning, hybrid_search
from knowledge.index import DEFAULT_COMPOUND_WEIGHT, SearchIndex
from knowledge.languages import language_shares
from knowledge.matching import RELEVANCE_PASSAGES, find_matches, relevance
from knowledge.query import QueryReader
from knowledge.sentences import split_sentences

__all__ = [
    "EvalQuestion",
    "EvalResult",
    "EvalSet",
    "SquadFormatError",
    "evaluate",
    "evaluate_index",
    "load_questions",
    "load_squad",
    "meaning_of_contexts",
    "parse_squad",
    "reciprocal_rank",
    "with_questions",
]


Progress = Callable[[int, int], None]


class SquadFormatError(ValueError):
    """A SQuAD file is malformed; the message names the file and the bad value."""


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    """One question and the index of its relevant document."""

    question: str
    relevant: int
    id: str = ""


@dataclass(frozen=True, slots=True)
class EvalSet:
    """Distinct contexts (the documents) and the questions asked about them."""

    contexts: tuple[str, ...]
    questions: tuple[EvalQuestion, ...]


@dataclass(frozen=True, slots=True)
class EvalResult:
    """Retrieval quality and speed of one evaluation run.

    Attributes:
        mrr_at_10: Mean reciprocal rank of the relevant passage within the first 10.
        recall_at_1: Share of questions whose passage ranks first.
        recall_at_5: Share of questions whose passage is among the first 5.
        passes_gate: Share of questions whose top passages reach the relevance gate (``None``
            when no gate was given: the matching it takes is the slowest part of a run).
        queries: Number of questions asked.
        qps: Questions answered per second (analysis and search, not indexing).
        documents: Number of distinct passages indexed.
    """

    mrr_at_10: float
    recall_at_1: float
    recall_at_5: float
    queries: int
    qps: float
    documents: int = 0
    passes_gate: float | None = None

    def as_json(self) -> dict[str, float | int]:
        """``{"mrr@10", "recall@1", "recall@5", "queries", "qps"}``: a fixed shape that outside
        checks read (``passes_gate`` is in the text report only)."""
        return {
            "mrr@10": self.mrr_at_10,
            "recall@1": self.recall_at_1,
            "recall@5": self.recall_at_5,
            "queries": self.queries,
            "qps": self.qps,
        }


def _member(obj: object, key: str, where: str) -> object:
    """Return ``obj[key]`` after checking that ``obj`` is a JSON object."""
    if not isinstance(obj, dict):
        raise SquadFormatError(f"{where} must be a JSON object, got {type(obj).__name__}")
    return obj.get(key)


def _list(obj: object, key: str, where: str) -> list[object]:
    """Return the list ``obj[key]``."""
    value = _member(obj, key, where)
    if not isinstance(value, list):
        raise SquadFormatError(f"{where}.{key} must be a list, got {value!r:.60}")
    return value


def _text(obj: object, key: str, where: str) -> str:
    """Return the string ``obj[key]``."""
    value = _member(obj, key, where)
    if not isinstance(value, str):
        raise SquadFormatError(f"{where}.{key} must be a string, got {value!r:.60}")
    return value


def parse_squad(data: object, source: str = "<data>") -> EvalSet:
    """Turn parsed SQuAD JSON (``data[].paragraphs[].context``, ``.qas[].question``) into a set.

    Raises:
        SquadFormatError: When the structure differs, a question is blank or there is none.
    """
    documents: dict[str, int] = {}
    questions: list[EvalQuestion] = []
    for a, article in enumerate(_list(data, "data", source)):
        for p, paragraph in enumerate(_list(article, "paragraphs", f"{source}: data[{a}]")):
            where = f"{source}: data[{a}].paragraphs[{p}]"
            context = _text(paragraph, "context", where)
            qas = _list(paragraph, "qas", where)
            doc = documents.setdefault(context, len(documents))
            for q, qa in enumerate(qas):
                question = _text(qa, "question", f"{where}.qas[{q}]")
                if not question.strip():
                    raise SquadFormatError(f"{where}.qas[{q}].question is blank")
                qid = _member(qa, "id", f"{where}.qas[{q}]")
                questions.append(EvalQuestion(question, doc, "" if qid is None else str(qid)))
    if not questions:
        raise SquadFormatError(f"{source}: contains no questions")
    return EvalSet(tuple(documents), tuple(questions))


def load_squad(path: Path) -> EvalSet:
    """Read a SQuAD-format JSON file into an evaluation set.

    Raises:
        OSError: When the file cannot be read.
        SquadFormatError: When it is not UTF-8 JSON or not SQuAD-shaped.
    """
    raw = Path(path).read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SquadFormatError(f"{path}: not UTF-8 JSON: {error}") from error
    return parse_squad(data, str(path))


def with_questions(eval_set: EvalSet, questions: dict[str, str]) -> EvalSet:
    """The set's questions whose id ``questions`` has, asked in its wording instead.

    Raises:
        SquadFormatError: When an id is not in the set.
    """
    known = {q.id for q in eval_set.questions}
    unknown = [qid for qid in questions if qid not in known]
    if unknown:
        raise SquadFormatError(f"question ids not in the SQuAD file: {', '.join(unknown[:5])}")
    return EvalSet(
        eval_set.contexts,
        tuple(
            EvalQuestion(questions[q.id], q.relevant, q.id)
            for q in eval_set.questions
            if q.id in questions
        ),
    )


def load_questions(path: Path) -> dict[str, str]:
    """Read a question file: ``{"questions": [{"id": ..., "question": "..."}, ...]}``.

    Raises:
        OSError: When the file cannot be read.
        SquadFormatError: When it is not UTF-8 JSON or not shaped like that.
    """
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SquadFormatError(f"{path}: not UTF-8 JSON: {error}") from error
    questions: dict[str, str] = {}
    for i, entry in enumerate(_list(data, "questions", str(path))):
        where = f"{path}: questions[{i}]"
        qid = _member(entry, "id", where)
        text = _text(entry, "question", where)
        if qid is None or not text.strip():
            raise SquadFormatError(f"{where} needs an id and a question")
        questions[str(qid)] = text
    if not questions:
        raise SquadFormatError(f"{path}: contains no questions")
    return questions


def reciprocal_rank(ranking: Sequence[int], relevant: int, cutoff: int = 10) -> float:
    """Return ``1 / rank`` of the relevant document within the first ``cutoff``, else 0."""
    for rank, doc in enumerate(ranking[:cutoff], start=1):
        if doc == relevant:
            return 1.0 / rank
    return 0.0


def evaluate_index(
    index: SearchIndex,
    eval_set: EvalSet,
    progress: Progress | None = None,
    *,
    gate: float | None = None,
    meaning: PassageMeaning | None = None,
    min_similarity: float | None = None,
) -> EvalResult:
    """Query a built index with every question of the set and measure the ranking.

    Questions are read as ``ask`` reads them (:class:`knowledge.query.QueryReader`: language,
    stopwords and filler, spelling corrections, translations where the contexts need them), and
    ranked as ``ask`` ranks them: with the contexts' ``meaning`` (:mod:`knowledge.hybrid`) when
    an encoder is installed, BM25 alone otherwise. A question passes the gate as in ``ask``:
    its words cover a top passage to ``gate``, or its meaning is within ``min_similarity`` of a
    sentence.
    """
    reader = QueryReader(index, languages=language_shares(eval_set.contexts))
    rr = hits_1 = hits_5 = 0.0
    total = len(eval_set.questions)
    searched = 0.0
    passed = 0
    for i, question in enumerate(eval_set.questions):
        started = time.perf_counter()
        query = reader.read(question.question)
        close = False
        if meaning is None:
            hits = index.search(query.groups, k=10)
        else:
            compared = meaning.read(question.question)
            hits = hybrid_search(index, query.groups, query.language, compared, k=10)
            close = min_similarity is not None and compared.best >= min_similarity
        ranking = [hit.doc for hit in hits]
        searched += time.perf_counter() - started
        rr += reciprocal_rank(ranking, question.relevant)
        hits_1 += question.relevant in ranking[:1]
        hits_5 += question.relevant in ranking[:5]
        if gate is not None:
            best = max(
                (
                    relevance(query, find_matches(eval_set.contexts[doc], query, index))
                    for doc in ranking[:RELEVANCE_PASSAGES]
                ),
                default=0.0,
            )
            passed += close or best >= gate
        if progress is not None and (i + 1) % 500 == 0 and i + 1 < total:
            progress(i + 1, total)
    elapsed = searched
    if progress is not None:
        progress(total, total)
    return EvalResult(
        mrr_at_10=rr / total,
        recall_at_1=hits_1 / total,
        recall_at_5=hits_5 / total,
        queries=total,
        qps=total / elapsed if elapsed > 0 else float("inf"),
        documents=index.n_docs,
        passes_gate=None if gate is None else passed / total,
    )


def evaluate(
    eval_set: EvalSet,
    analyzer: Analyzer,
    params: Bm25Params = DEFAULT_BM25,
    *,
    compound_weight: float = DEFAULT_COMPOUND_WEIGHT,
    compounds: CompoundParams = DEFAULT_COMPOUNDS,
    progress: Progress | None = None,
    gate: float | None = None,
    meaning: PassageMeaning | None = None,
    min_similarity: float | None = None,
) -> EvalResult:
    """Index the set's contexts with ``analyzer`` and evaluate every question.

    Args:
        eval_set: Contexts and questions, e.g. from :func:`load_squad`.
        analyzer: Analyzer for documents and queries.
        params: BM25 parameters.
        compound_weight: Weight of the compound field.
        compounds: Decompounding parameters.
        progress: Called with (queries done, total) now and then.
        gate: The relevance a question's best passages must reach to count as passing (none:
            not measured).
        meaning: The contexts' vectors (:func:`meaning_of_contexts`); None for BM25 alone.
        min_similarity: The closeness in meaning that also passes the gate.

    Returns:
        MRR@10, Recall@1, Recall@5, query count and queries per second (search only).
    """
    index = SearchIndex.build(
        eval_set.contexts,
        analyzer,
        params,
        compound_weight=compound_weight,
        compounds=compounds,
    )
    return evaluate_index(
        index, eval_set, progress, gate=gate, meaning=meaning, min_similarity=min_similarity
    )


def meaning_of_contexts(
    eval_set: EvalSet,
    encoder: Encoder,
    cache_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> PassageMeaning:
    """Each context as one passage with its sentences, encoded (and cached) for ranking."""
    passages = [
        (context, tuple(s.strip() for s in split_sentences(context) if s.strip()))
        for context in eval_set.contexts
    ]
    texts = (text for whole, sentences in passages for text in (*sentences, whole))
    return PassageMeaning(SentenceVectors.open(encoder, texts, cache_dir, progress), passages)
