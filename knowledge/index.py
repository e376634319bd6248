"""The passage search index: two BM25 fields, compound-aware queries, a validated disk cache.

Field ``main`` holds the analyzer's stemmed terms. Field ``compound`` holds the same terms plus
the stemmed parts of every compound word, split against the corpus's own vocabulary (see
:mod:`knowledge.compounds`), so ``Anzeigen`` reaches ``Werbeanzeigen``. A passage scores
``main + compound_weight * compound``; queries are analysed and decompounded the same way.

Persistence: :meth:`SearchIndex.save` writes JSON (manifest, term lists, vocabulary) and
``.npy`` arrays without pickle into a temporary sibling directory, then renames it into place.
:meth:`SearchIndex.load` trusts nothing: format, caller key, analyzer fingerprint and
parameters must match the manifest, every file its SHA-256, every array its dtype, shape and
ranges. It never raises on a bad cache; it logs why and returns None, meaning "rebuild".

Errors: ``Exception`` -> :class:`IndexCacheError`, raised by ``save`` when the target exists
and holds something that is not an index cache (it is never deleted).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge.analysis import Analyzer, Word
from knowledge.bm25 import DEFAULT_BM25, Bm25Params, ImpactMatrix
from knowledge.compounds import (
    DEFAULT_COMPOUNDS,
    CompoundParams,
    Decompounder,
    compound_parts,
    compound_terms,
    corpus_vocabulary,
)

__all__ = [
    "DEFAULT_COMPOUND_WEIGHT",
    "FieldScores",
    "Hit",
    "IndexCacheError",
    "QueryTerm",
    "QueryTerms",
    "SearchIndex",
    "top_k",
]

logger = logging.getLogger(__name__)

DEFAULT_COMPOUND_WEIGHT = 0.5
"""Weight of the compound field, tuned on GermanQuAD (see knowledge.evaluation)."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a document index and its score."""

    doc: int
    score: float


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One analysed query word with what the index knows about it.

    Attributes:
        word: The query word (surface, span in the query, main term).
        term: Its main-field term.
        parts: Stemmed compound parts, matched in the compound field.
        main_idf: Idf of ``term`` in the main field, None when no passage has it.
        compound_idf: Idf of ``term`` and of each part in the compound field (None: unknown).
    """

    word: Word
    term: str
    parts: tuple[str, ...]
    main_idf: float | None
    compound_idf: tuple[float | None, ...]

    @property
    def known(self) -> bool:
        """Tell whether some passage has the term or one of its parts."""
        return self.main_idf is not None or any(i is not None for i in self.compound_idf)


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """An analysed query: one entry per non-stopword token, repeats kept."""

    terms: tuple[QueryTerm, ...]

    @property
    def main(self) -> tuple[str, ...]:
        """Terms scored in the main field."""
        return tuple(t.term for t in self.terms)

    @property
    def compound(self) -> tuple[str, ...]:
        """Terms scored in the compound field: each term and its parts."""
        return tuple(x for t in self.terms for x in (t.term, *t.parts))

    @property
    def unknown(self) -> tuple[str, ...]:
        """Surfaces of the query words no passage matches in either field."""
        return tuple(t.word.surface for t in self.terms if not t.known)


@dataclass(frozen=True, slots=True)
class FieldScores:
    """Per-field BM25 scores of every passage for one query."""

    main: npt.NDArray[np.float64]
    compound: npt.NDArray[np.float64]
    compound_weight: float

    @property
    def total(self) -> npt.NDArray[np.float64]:
        """The combined score ``main + compound_weight * compound``."""
        return self.main + self.compound_weight * self.compound


def top_k(scores: npt.NDArray[np.float64], k: int) -> list[Hit]:
    """Return the ``k`` best positive scores, best first, ties by ascending document."""
    positive = np.flatnonzero(scores > 0)
    if k <= 0 or not len(positive):
        return []
    values = scores[positive]
    if len(positive) > k:
        kth = np.partition(values, len(values) - k)[len(values) - k]
        positive, values = positive[values >= kth], values[values >= kth]
    order = np.lexsort((positive, -values))[:k]
    return [Hit(int(positive[i]), float(values[i])) for i in order]


class SearchIndex:
    """BM25 passage index with a main and a lower-weighted compound field."""

    def __init__(
        self,
        analyzer: Analyzer,
        *,
        main: ImpactMatrix,
        compound: ImpactMatrix,
        decompounder: Decompounder,
        compound_weight: float,
    ) -> None:
        if main.n_docs != compound.n_docs or main.params != compound.params:
            raise ValueError("main and compound fields must cover the same documents and params")
        self.analyzer = analyzer
        self.main = main
        self.compound = compound
        self.decompounder = decompounder
        self.compound_weight = compound_weight

    @property
    def n_docs(self) -> int:
        """Number of indexed documents."""
        return self.main.n_docs

    @property
    def params(self) -> Bm25Params:
        """The BM25 parameters of both fields."""
        return self.main.params

    @property
    def compounds(self) -> CompoundParams:
        """The decompounding parameters."""
        return self.decompounder.params

    @classmethod
    def build(
        cls,
        documents: Sequence[str],
        analyzer: Analyzer,
        params: Bm25Params = DEFAULT_BM25,
        *,
        compound_weight: float = DEFAULT_COMPOUND_WEIGHT,
        compounds: CompoundParams = DEFAULT_COMPOUNDS,
        progress: Progress | None = None,
    ) -> SearchIndex:
        """Analyse and index documents (one passage each).

        Args:
            documents: Passage texts; hit ``doc`` values index into this sequence.
            analyzer: The analyzer, used again for queries.
            params: BM25 parameters of both fields.
            compound_weight: Weight of the compound field in the combined score.
            compounds: Decompounding parameters.
            progress: Called with (documents analysed, total) now and then.

        Returns:
            The index.
        """
        analysed: list[list[Word]] = []
        for i, text in enumerate(documents):
            analysed.append(analyzer.words(text))
            if progress is not None and (i + 1) % 1000 == 0:
                progress(i + 1, len(documents))
        if progress is not None:
            progress(len(documents), len(documents))
        return cls.build_from_words(
            analysed,
            analyzer,
            params,
            compound_weight=compound_weight,
            compounds=compounds,
        )

    @classmethod
    def build_from_words(
        cls,
        documents: Sequence[Sequence[Word]],
        analyzer: Analyzer,
        params: Bm25Params = DEFAULT_BM25,
        *,
        compound_weight: float = DEFAULT_COMPOUND_WEIGHT,
        compounds: CompoundParams = DEFAULT_COMPOUNDS,
    ) -> SearchIndex:
        """Index documents already analysed by ``analyzer.words`` (e.g. reused per article).

        The decompounding vocabulary is the whole corpus's, so compound terms are derived here.
        """
        decompounder = Decompounder(
            corpus_vocabulary(documents, compounds.min_df),
            compounds,
            stopword=_stopword_test(analyzer),
        )
        main_docs = [[w.term for w in words if w.term is not None] for words in documents]
        cache: dict[str, tuple[str, ...]] = {}
        compound_docs = [
            compound_terms(words, decompounder, analyzer, cache) for words in documents
        ]
        main = ImpactMatrix.build(main_docs, params)
        compound = ImpactMatrix.build(compound_docs, params)
        return cls(
            analyzer,
            main=main,
            compound=compound,
            decompounder=decompounder,
            compound_weight=compound_weight,
        )

    def idf(self, term: str) -> float | None:
        """Return the main-field idf of a term, None when no passage has it."""
        return self.main.idf(term)

    def max_idf(self) -> float:
        """Return the largest main-field idf (that of the rarest term), 0 when empty."""
        return float(self.main.row_idf.max()) if len(self.main.row_idf) else 0.0

    def split_compound(self, surface: str) -> tuple[str, ...]:
        """Return the surface parts of a case-folded word against the index's vocabulary."""
        return self.decompounder.split(surface)

    def analyze_query(self, query: str) -> QueryTerms:
        """Analyse a query: terms, compound parts and their idf in each field."""
        return self.analyze_words(self.analyzer.words(query))

    def analyze_words(self, words: Sequence[Word]) -> QueryTerms:
        """Return the query terms of words already produced by ``analyzer.words``."""
        terms: list[QueryTerm] = []
        for word in words:
            if word.term is None:
                continue
            parts = compound_parts(word, self.decompounder, self.analyzer)
            terms.append(
                QueryTerm(
                    word=word,
                    term=word.term,
                    parts=parts,
                    main_idf=self.main.idf(word.term),
                    compound_idf=tuple(self.compound.idf(x) for x in (word.term, *parts)),
                )
            )
        return QueryTerms(tuple(terms))

    def compound_terms(self, text: str) -> list[str]:
        """Return the compound-field terms of any text (e.g. a sentence) for this index."""
        return compound_terms(self.analyzer.words(text), self.decompounder, self.analyzer)

    def field_scores(self, query: str | QueryTerms) -> FieldScores:
        """Return the main and compound scores of every document."""
        terms = self.analyze_query(query) if isinstance(query, str) else query
        return FieldScores(
            self.main.scores(terms.main), self.compound.scores(terms.compound), self.compound_weight
        )

    def scores(self, query: str | QueryTerms) -> npt.NDArray[np.float64]:
        """Return the combined score of every document (float64, length ``n_docs``)."""
        return self.field_scores(query).total

    def search(self, query: str | QueryTerms, k: int = 10) -> list[Hit]:
        """Return up to ``k`` documents with a positive score, best first, ties by index."""
        return top_k(self.scores(query), k)

    def save(self, directory: Path, key: str) -> None:
        """Write the index atomically to ``directory`` (owned by the index) under ``key``.

        The files are written to a temporary sibling directory which then replaces
        ``directory``; readers see either the old cache or the new one, never a mix.

        Raises:
            IndexCacheError: When ``directory`` holds files that are not part of a cache.
            OSError: When writing fails.
        """
        _check_replaceable(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
        try:
            files: dict[str, str] = {}
            _write(tmp, "vocabulary.json", sorted(self.decompounder.vocabulary), files)
            for field, matrix in (("main", self.main), ("compound", self.compound)):
                _write(tmp, f"{field}.terms.json", list(matrix.terms), files)
                for name, array in matrix.to_arrays().items():
                    _write(tmp, f"{field}.{name}.npy", array, files)
            manifest = {**self._identity(key), "n_docs": self.n_docs, "files": files}
            _write(tmp, _MANIFEST, manifest, {})
            _swap(tmp, directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _identity(self, key: str) -> dict[str, object]:
        """Return the manifest entries a loaded cache must match exactly."""
        return _identity(key, self.analyzer, self.params, self.compound_weight, self.compounds)

    @classmethod
    def load(
        cls,
        directory: Path,
        key: str,
        analyzer: Analyzer,
        params: Bm25Params = DEFAULT_BM25,
        *,
        compound_weight: float = DEFAULT_COMPOUND_WEIGHT,
        compounds: CompoundParams = DEFAULT_COMPOUNDS,
    ) -> SearchIndex | None:
        """Load a saved index, or None (with a logged warning) if missing, stale or corrupt.

        Nothing in the directory is trusted: no pickle is ever loaded, checksums, shapes,
        dtypes and ranges are checked, and any failure means "rebuild", never an exception.
        """
        try:
            manifest = _read_json(directory / _MANIFEST)
            if not isinstance(manifest, dict):
                raise _CacheRejectedError("manifest is not a JSON object")
            expected = _identity(key, analyzer, params, compound_weight, compounds)
            for name, value in expected.items():
                if manifest.get(name) != value:
                    raise _CacheRejectedError(f"stale or foreign cache: {name} differs")
            files = manifest.get("files")
            if not isinstance(files, dict) or set(files) != set(_DATA_FILES):
                raise _CacheRejectedError(
                    f"manifest must list exactly the files {sorted(_DATA_FILES)}"
                )
            for name, digest in files.items():
                if _sha256(directory / name) != digest:
                    raise _CacheRejectedError(f"{name} does not match its checksum")
            n_docs = manifest.get("n_docs")
            if not isinstance(n_docs, int) or isinstance(n_docs, bool):
                raise _CacheRejectedError("n_docs must be an integer")
            main, compound = (_read_matrix(directory, f, n_docs, params) for f in _FIELDS)
            known = _string_list(_read_json(directory / "vocabulary.json"), "vocabulary.json")
            stopword = _stopword_test(analyzer)
            decompounder = Decompounder(known, compounds, stopword=stopword)
            return cls(
                analyzer,
                main=main,
                compound=compound,
                decompounder=decompounder,
                compound_weight=compound_weight,
            )
        except FileNotFoundError as error:  # no cache yet (first start) or a file gone
            level = (
                logging.INFO if error.filename == str(directory / _MANIFEST) else logging.WARNING
            )
            logger.log(
                level, "search index cache %s not used: missing %s", directory, error.filename
            )
        except Exception as error:  # an untrusted cache must never stop the start
            logger.warning("search index cache %s not used: %s", directory, error)
        return None


_MANIFEST = "manifest.json"
_FORMAT = "newsdesk-search-index"
_FORMAT_VERSION = 1
_FIELDS = ("main", "compound")
_ARRAYS = ("idf", "indptr", "indices", "data")
_DATA_FILES = (
    "vocabulary.json",
    *(f"{f}.{n}" for f in _FIELDS for n in ("terms.json", *(f"{a}.npy" for a in _ARRAYS))),
)
_MAX_JSON_BYTES = 1 << 30


class IndexCacheError(Exception):
    """An index cannot be saved to the directory given (the message says why)."""


class _CacheRejectedError(Exception):
    """A cache failed a check; the message says which."""


def _identity(
    key: str,
    analyzer: Analyzer,
    params: Bm25Params,
    compound_weight: float,
    compounds: CompoundParams,
) -> dict[str, object]:
    """Return what identifies an index: format, caller key, analyzer and parameters."""
    return {
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "key": key,
        "analyzer": analyzer.fingerprint(),
        "bm25": params.as_dict(),
        "compound_weight": compound_weight,
        "compounds": compounds.as_dict(),
    }


def _stopword_test(analyzer: Analyzer) -> Callable[[str], bool]:
    """Return the decompounder's stopword test: the analyzer gives the word no term."""
    return lambda surface: analyzer.term(surface) is None


def _write(directory: Path, name: str, value: object, digests: dict[str, str]) -> None:
    """Write an array (.npy, no pickle) or JSON value and record its SHA-256."""
    path = directory / name
    if isinstance(value, np.ndarray):
        with path.open("wb") as file:
            np.save(file, value, allow_pickle=False)
    else:
        path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    digests[name] = _sha256(path)


def _sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_json(path: Path) -> object:
    """Read a JSON file of bounded size."""
    if path.stat().st_size > _MAX_JSON_BYTES:
        raise _CacheRejectedError(f"{path.name} is larger than {_MAX_JSON_BYTES} bytes")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _CacheRejectedError(f"{path.name} is not valid JSON: {error}") from error


def _string_list(value: object, name: str) -> list[str]:
    """Return ``value`` if it is a list of strings."""
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _CacheRejectedError(f"{name} must be a JSON list of strings")
    return value


def _read_matrix(directory: Path, field: str, n_docs: int, params: Bm25Params) -> ImpactMatrix:
    """Read and check one field's impact matrix."""
    terms = _string_list(_read_json(directory / f"{field}.terms.json"), f"{field}.terms.json")
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name in _ARRAYS:
        try:
            array = np.load(directory / f"{field}.{name}.npy", allow_pickle=False)
        except ValueError as error:
            raise _CacheRejectedError(
                f"{field}.{name}.npy is not a plain array (pickled data is refused): {error}"
            ) from error
        if not isinstance(array, np.ndarray):
            raise _CacheRejectedError(f"{field}.{name}.npy is not a single array")
        arrays[name] = array
    return ImpactMatrix.from_arrays(terms, arrays, n_docs=n_docs, params=params)


def _check_replaceable(directory: Path) -> None:
    """Refuse to replace a directory holding anything but index cache files."""
    if not directory.exists():
        return
    if not directory.is_dir():
        raise IndexCacheError(f"cannot save the index to {directory}: it is not a directory")
    allowed = {_MANIFEST, *_DATA_FILES}
    for entry in directory.iterdir():
        if entry.name not in allowed or not entry.is_file():
            raise IndexCacheError(
                f"refusing to replace {directory}: {entry.name!r} is not part of an index cache"
            )


def _swap(new: Path, directory: Path) -> None:
    """Put the directory ``new`` in place of ``directory`` with renames."""
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old-{uuid.uuid4().hex}")
        directory.rename(old)
        new.rename(directory)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(directory)
