"""Words and meaning together: the passage ranking that ``ask`` and ``eval`` share.

BM25 finds passages that share the question's words; across languages it shares only names,
numbers and what the glossary translates. The sentence encoder (:mod:`knowledge.dense`) finds
passages close in meaning in either language. :func:`hybrid_scores` adds the two per passage::

    score = bm25 / best bm25  +  weight · meaning

where *meaning* is the mean of the passage's own cosine with the question and its best
sentence's cosine (each alone ranks worse: the passage vector blurs a long passage, the best
sentence misses what is spread over two). The weight depends on whether the passage is in the
question's language: words are good evidence there, so meaning weighs less
(:attr:`FusionParams.same_language`) than where words barely match
(:attr:`FusionParams.other_language`). Chosen on our English translations of 330 GermanQuAD
questions and their German originals, both halves separately (``docs/BENCHMARKS.md``).

Every passage is scored (one matrix product), so a passage that shares no word with the question
can still come first when its meaning is close enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge.dense import SentenceVectors, Vectors
from knowledge.index import Hit, SearchIndex, TermGroups, top_k
from knowledge.languages import Language, text_language

__all__ = [
    "DEFAULT_FUSION",
    "FusionParams",
    "PassageMeaning",
    "QuestionMeaning",
    "hybrid_scores",
    "hybrid_search",
]


@dataclass(frozen=True, slots=True)
class FusionParams:
    """How much meaning weighs beside words (see the module doc).

    Attributes:
        same_language: Weight of meaning for a passage in the question's language.
        other_language: Weight of meaning for a passage in another language.
    """

    same_language: float = 2.0
    other_language: float = 4.0


DEFAULT_FUSION = FusionParams()


class PassageMeaning:
    """Each passage's vector, its sentences' vectors and its language, for :func:`hybrid_scores`.

    Args:
        vectors: Vectors of every passage text and every sentence (one store, by text).
        passages: Each passage as (its whole text, its sentences).
    """

    def __init__(self, vectors: SentenceVectors, passages: Sequence[tuple[str, Sequence[str]]]):
        self.vectors = vectors
        self._own = np.array([vectors.row(text) for text, _ in passages], dtype=np.int64)
        rows: list[int] = []
        owners: list[int] = []
        for i, (text, sentences) in enumerate(passages):
            mine = [vectors.row(s) for s in sentences] or [vectors.row(text)]
            rows.extend(mine)
            owners.extend([i] * len(mine))
        self._sentence_rows = np.array(rows, dtype=np.int64)
        self._owner = np.array(owners, dtype=np.int64)
        self._languages = np.array([text_language(text) for text, _ in passages], dtype="<U2")

    def __len__(self) -> int:
        return len(self._own)

    def read(self, question: str) -> QuestionMeaning:
        """Encode a question and compare it with every passage and sentence (once)."""
        return self.compare(self.vectors.encode_question(question))

    def compare(self, question: Vectors) -> QuestionMeaning:
        """Compare an encoded question with every passage and sentence."""
        return QuestionMeaning(self, self.vectors.cosines(question))

    def scores(self, cosines: Vectors) -> npt.NDArray[np.float64]:
        """Per passage: the mean of its own cosine and its best sentence's cosine."""
        best = np.full(len(self._own), -1.0)
        np.maximum.at(best, self._owner, cosines[self._sentence_rows])
        meaning: npt.NDArray[np.float64] = 0.5 * best + 0.5 * cosines[self._own]
        return meaning

    def best_sentence(self, cosines: Vectors) -> float:
        """The highest cosine of any sentence (0 for an empty archive)."""
        return float(cosines[self._sentence_rows].max()) if len(self._sentence_rows) else 0.0

    def weights(self, language: Language, params: FusionParams) -> npt.NDArray[np.float64]:
        """Meaning's weight per passage for a question in ``language``."""
        same = self._languages == language
        weights: npt.NDArray[np.float64] = np.where(
            same, params.same_language, params.other_language
        )
        return weights


@dataclass(frozen=True, slots=True)
class QuestionMeaning:
    """A question compared with an archive's passages and sentences (:meth:`PassageMeaning.read`).

    Attributes:
        archive: The passages it was compared with.
        cosines: The cosine with each vector of ``archive.vectors``, by row.
    """

    archive: PassageMeaning
    cosines: Vectors

    @property
    def best(self) -> float:
        """The highest cosine between the question and any sentence of the archive."""
        return self.archive.best_sentence(self.cosines)

    def similarity(self, sentence: str) -> float:
        """The cosine between the question and one sentence (0 when not in the archive)."""
        row = self.archive.vectors.find(sentence)
        return 0.0 if row is None else float(self.cosines[row])

    def passage_scores(self) -> npt.NDArray[np.float64]:
        """Per passage, its closeness in meaning (see :meth:`PassageMeaning.scores`)."""
        return self.archive.scores(self.cosines)


def hybrid_scores(
    bm25: npt.NDArray[np.float64],
    meaning: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """BM25 scaled to the best passage's, plus meaning times its weight (0 for no passage)."""
    top = float(bm25.max()) if len(bm25) else 0.0
    words = bm25 / top if top > 0 else np.zeros_like(bm25)
    fused: npt.NDArray[np.float64] = words + weights * np.maximum(meaning, 0.0)
    return fused


def hybrid_search(
    index: SearchIndex,
    groups: TermGroups,
    language: Language,
    meaning: QuestionMeaning,
    *,
    k: int = 10,
    params: FusionParams = DEFAULT_FUSION,
) -> list[Hit]:
    """The ``k`` best passages by words and meaning together, best first."""
    archive = meaning.archive
    if len(archive) != index.n_docs:
        raise ValueError(f"{len(archive)} passage vectors for {index.n_docs} passages")
    fused = hybrid_scores(
        index.scores(groups), meaning.passage_scores(), archive.weights(language, params)
    )
    return top_k(fused, k)
