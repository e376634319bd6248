"""The knowledge base: articles, their passages and the search index over them, kept together.

:meth:`KnowledgeBase.open` loads the articles from a folder, splits them into passages, and reuses
the index saved in the cache folder when the articles, the chunking and the analyzer are unchanged
(content hashes), or builds and saves a new one. Beside the index it saves the archive's state
(:mod:`knowledge.state`: metadata, file stamps and passages), so a start over an unchanged folder
reads no article: a file is read only when its size or time stamp changed, and split again only
when its bytes did.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge.analysis import Analyzer, GermanAnalyzer
from knowledge.articles import Article, ArticleLoad, SkippedFile
from knowledge.bm25 import Bm25Params
from knowledge.dense import Encoder, SentenceVectors
from knowledge.hybrid import PassageMeaning, QuestionMeaning, hybrid_search
from knowledge.index import SearchIndex
from knowledge.index_store import IndexCacheError, StagedSave
from knowledge.languages import language_shares
from knowledge.matching import TermMatch, find_matches
from knowledge.memory import release_free_memory
from knowledge.query import Query, QueryReader
from knowledge.state import (
    ArchiveState,
    Buffer,
    PassageTable,
    PiecedBlob,
    Refreshed,
    load_state_again,
    refresh_articles,
    save_state,
)
from knowledge.summaries import summarize
from knowledge.text import Passage, split_passages

logger = logging.getLogger(__name__)

__all__ = ["CHUNKING_VERSION", "KnowledgeBase", "PassageHit"]

#: Bump when passage splitting changes, so saved indexes are rebuilt.
CHUNKING_VERSION = "passages-1"

Progress = Callable[[str], None]
_LANGUAGE_SAMPLE = 400  # passages whose language is told, spread evenly over the archive
MAX_DELTA_SHARE = 0.2  # a delta segment above this share of the passages means a full rebuild


@dataclass(frozen=True, slots=True)
class PassageHit:
    """A passage found for a query, with its article and BM25 score."""

    passage: Passage
    article: Article
    score: float


class KnowledgeBase:
    """Articles, passages and their index; answers searches and term matches."""

    def __init__(
        self,
        articles: Sequence[Article],
        passages: Sequence[Passage],
        index: SearchIndex,
        *,
        skipped: Sequence[SkippedFile] = (),
        loaded_from_cache: bool = False,
        build_seconds: float = 0.0,
        meaning: PassageMeaning | None = None,
        save_error: str | None = None,
        listing: tuple[tuple[str, int, int], ...] = (),
    ) -> None:
        """Hold already built parts; use :meth:`open` or :meth:`build` to make them.

        ``listing`` is what :meth:`open` saw of the folder (file, size, modification time), so a
        watcher can start from it instead of listing the folder again.
        """
        self.articles = tuple(articles)
        self.passages: Sequence[Passage] = (
            passages if isinstance(passages, PassageTable) else tuple(passages)
        )
        self.index = index
        self.skipped = tuple(skipped)
        self.loaded_from_cache = loaded_from_cache
        self.build_seconds = build_seconds
        self.meaning = meaning  # passage and sentence vectors, with a multilingual encoder
        self.vectors = None if meaning is None else meaning.vectors
        self.save_error = save_error
        self.listing = listing
        self._by_id = {article.id: article for article in self.articles}
        self._passages_of: dict[str, list[Passage]] = {}
        if not isinstance(self.passages, PassageTable):
            for passage in self.passages:
                self._passages_of.setdefault(passage.article_id, []).append(passage)
        self._summaries: dict[str, tuple[str, ...]] = {}
        self._reader: QueryReader | None = None

    @classmethod
    def build(
        cls,
        articles: Sequence[Article],
        *,
        analyzer: Analyzer | None = None,
        params: Bm25Params | None = None,
        skipped: Sequence[SkippedFile] = (),
    ) -> KnowledgeBase:
        """Split articles into passages and index them (no cache)."""
        started = time.perf_counter()
        passages = [p for article in articles for p in split_passages(article.id, article.text)]
        index = SearchIndex.build(
            [p.text for p in passages], analyzer or GermanAnalyzer(), params or Bm25Params()
        )
        return cls(
            articles,
            passages,
            index,
            skipped=skipped,
            build_seconds=time.perf_counter() - started,
        )

    @classmethod
    def open(
        cls,
        articles_dir: Path,
        cache_dir: Path,
        *,
        analyzer: Analyzer | None = None,
        params: Bm25Params | None = None,
        rebuild: bool = False,
        progress: Progress | None = None,
        encoder: Encoder | None = None,
        vectors_dir: Path | None = None,
        also: Sequence[Path] = (),
        delta: bool = False,
    ) -> KnowledgeBase:
        """Load the articles and reuse the cached index when it is still valid.

        When the saved index is stale but a few articles were added, changed or deleted since
        (at most :data:`MAX_DELTA_SHARE` of the passages), their passages go into a delta
        segment searched beside it (:meth:`SearchIndex.with_delta`), scored over the combined
        counts as a rebuild would; neither index nor state is saved then, so the next open
        finds the same main index and builds the delta again. A full build merges it.

        Args:
            articles_dir: Folder of ``.txt``/``.md`` articles.
            cache_dir: Folder for the saved index (created when missing).
            analyzer: The text analyzer (default :class:`GermanAnalyzer`).
            params: BM25 parameters.
            rebuild: Ignore a saved index.
            progress: Called with a line of progress text for long steps.
            encoder: Encodes the passages' sentences (:mod:`knowledge.dense`); None for BM25 only.
            vectors_dir: Folder for the saved sentence vectors (default: ``<cache_dir>-vectors``).
            also: More article folders (e.g. the feeds folder), read after ``articles_dir``.
            delta: Allow a delta segment (the live archive does); without, a stale index is
                rebuilt whole (merged).

        Raises:
            knowledge.articles.ArticleError: the articles folder is missing.
        """
        say = progress or (lambda _message: None)
        analyzer, params = analyzer or GermanAnalyzer(), params or Bm25Params()
        state_dir = cache_dir.with_name(f"{cache_dir.name}-state")
        with _collector_paused():
            state = None if rebuild else load_state_again(state_dir, articles_dir, CHUNKING_VERSION)
        with _collector_paused() if state is not None else contextlib.nullcontext():
            fresh = refresh_articles(articles_dir, state, also=also)
        loaded = fresh.load
        read = f" ({fresh.read} read, the rest from the saved state)" if state else ""
        say(f"Loaded {len(loaded.articles)} articles from {articles_dir}{read}")
        texts = {a.id: a.text for a in loaded.articles if a.text}  # then the only holder of text
        articles = tuple(dataclasses.replace(a, text="") if a.text else a for a in loaded.articles)
        fresh = dataclasses.replace(fresh, load=ArticleLoad(articles, loaded.skipped))
        loaded = fresh.load
        read_any = bool(texts)
        passages, state_current = _passages(fresh, state, texts)
        del texts
        if read_any:  # the texts, their lines and sentences are freed: give the pages back
            release_free_memory()
        meaning = None
        if encoder is not None:
            encoded = _texts(passages)  # once: a saved passage table builds each passage anew
            vectors = SentenceVectors.open(
                encoder,
                (text for whole, sentences in encoded for text in (*sentences, whole)),
                vectors_dir or cache_dir.with_name(f"{cache_dir.name}-vectors"),
                say,
            )
            meaning = PassageMeaning(vectors, encoded)
        key = cache_key(loaded.articles)
        index = None if rebuild else SearchIndex.load(cache_dir, key, analyzer, params)
        if index is not None and index.n_docs == len(passages):
            _remember_main(cache_dir, key, index)
            say(f"Reused the saved index of {len(passages)} passages in {cache_dir}")
            if not (state_current and state is not None and state.key == key):
                _save_state(state_dir, articles_dir, fresh, passages, key)
            return cls(
                loaded.articles,
                passages,
                index,
                skipped=loaded.skipped,
                loaded_from_cache=True,
                meaning=meaning,
                listing=fresh.listing,
            )
        if delta and not rebuild and state is not None and state.key != key:
            combined = _with_delta(
                cache_dir, state, passages=passages, fresh=fresh, analyzer=analyzer, params=params
            )
            if combined is not None:
                say(f"Added {combined.n_docs - len(state.passages)} passages as a delta segment")
                return cls(
                    loaded.articles,
                    passages,
                    combined,
                    skipped=loaded.skipped,
                    loaded_from_cache=True,
                    meaning=meaning,
                    listing=fresh.listing,
                )
        say(f"Indexing {len(passages)} passages of {len(loaded.articles)} articles ...")
        started = time.perf_counter()
        index, stage = _build(passages, analyzer, params, cache_dir)
        seconds = time.perf_counter() - started
        save_error = _save(index, cache_dir, key, stage)
        if save_error is None:
            _remember_main(cache_dir, key, index)
            say(f"Indexed {len(passages)} passages in {seconds:.2f} s; saved to {cache_dir}")
            _save_state(state_dir, articles_dir, fresh, passages, key)
        else:
            say(f"Indexed {len(passages)} passages in {seconds:.2f} s; not saved: {save_error}")
        return cls(
            loaded.articles,
            passages,
            index,
            skipped=loaded.skipped,
            build_seconds=seconds,
            meaning=meaning,
            save_error=save_error,
            listing=fresh.listing,
        )

    def article(self, article_id: str) -> Article:
        """Return the article with this id (``KeyError`` when unknown)."""
        return self._by_id[article_id]

    def has_article(self, article_id: str) -> bool:
        """Tell whether the archive has an article with this id."""
        return article_id in self._by_id

    def passages_of(self, article_id: str) -> tuple[Passage, ...]:
        """The passages of one article, in order (empty for an unknown id)."""
        if isinstance(self.passages, PassageTable):
            return self.passages.of_article(article_id)
        return tuple(self._passages_of.get(article_id, ()))

    def summary(self, article_id: str) -> tuple[str, ...]:
        """Two or three sentences that summarise an article (computed once, then kept)."""
        if article_id not in self._summaries:
            self._summaries[article_id] = summarize(
                self.passages_of(article_id), self.index.analyzer, self.index.idf
            )
        return self._summaries[article_id]

    @property
    def reader(self) -> QueryReader:
        """The question reader of this archive (made at the first question)."""
        if self._reader is None:
            step = max(1, len(self.passages) // _LANGUAGE_SAMPLE)  # the sample language_shares
            sample = [self.passages[i].text for i in range(0, len(self.passages), step)]
            shares = language_shares(sample[:_LANGUAGE_SAMPLE], sample=_LANGUAGE_SAMPLE)
            self._reader = QueryReader(self.index, languages=shares)
        return self._reader

    def parse_query(self, text: str) -> Query:
        """Analyse a question: its language, content words and their alternatives."""
        return self.reader.read(text)

    def search(
        self, query: Query, k: int = 10, *, meaning: QuestionMeaning | None = None
    ) -> list[PassageHit]:
        """The ``k`` best passages for the query, best first (only those with a positive score).

        With the question's meaning (from :attr:`meaning`'s ``read``), words and meaning rank
        together (:func:`knowledge.hybrid.hybrid_search`); without it, BM25 alone.
        """
        if meaning is not None:
            hits = hybrid_search(self.index, query.groups, query.language, meaning, k=k)
        else:
            hits = self.index.search(query.groups, k)
        return [
            PassageHit(self.passages[h.doc], self._by_id[self.passages[h.doc].article_id], h.score)
            for h in hits
        ]

    def matches(self, text: str, query: Query) -> list[TermMatch]:
        """The words of ``text`` that match the query (for relevance, sentences, emphasis)."""
        return find_matches(text, query, self.index)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a start makes an object or two per article.

    Those objects live on, so each collection of them finds nothing; at 10^5 articles the
    collections took 0.5 of 1.3 s of taking the articles from the saved state.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _texts(passages: Sequence[Passage]) -> list[tuple[str, tuple[str, ...]]]:
    """Each passage as its whole text and its sentences, as the encoder sees them."""
    return [(p.text, tuple(s.strip() for s in p.sentences)) for p in passages]


def cache_key(articles: Sequence[Article]) -> str:
    """A hash of everything outside the index that decides its content."""
    digest = hashlib.sha256(CHUNKING_VERSION.encode())
    for article in articles:
        digest.update(f"\0{article.id}\0{article.digest}".encode())
    return digest.hexdigest()


def _build(
    passages: PassageTable, analyzer: Analyzer, params: Bm25Params, cache_dir: Path
) -> tuple[SearchIndex, StagedSave | None]:
    """Build the index, its main field parked in a save to ``cache_dir`` begun beforehand.

    The save is None when it cannot begin; the save after the build then meets the same cause
    and reports it.
    """
    try:
        stage: StagedSave | None = StagedSave(cache_dir)
    except (IndexCacheError, OSError):
        stage = None
    try:
        index = SearchIndex.build_streaming(
            (p.text for p in passages),
            analyzer,
            params,
            total=len(passages),
            park=None if stage is None else stage.park,
        )
    except BaseException:
        if stage is not None:
            stage.abandon()
        raise
    return index, stage


def _save(
    index: SearchIndex, cache_dir: Path, key: str, stage: StagedSave | None = None
) -> str | None:
    """Save the index; on failure log one warning and return the cause (the index is optional).

    A failed save leaves no partial cache behind (:func:`knowledge.index_store.save_index`
    removes its temporary folder, and the manifest is written last and validated on load).
    ``stage``, when given, is the save begun before the build, which it finishes.
    """
    try:
        if stage is None:
            index.save(cache_dir, key)
        else:
            stage.finish(index, key)
    except IndexCacheError as error:
        cause = str(error)
    except OSError as error:
        cause = f"cannot save the index to {cache_dir}: {error.strerror or error}"
    else:
        return None
    logger.warning("%s; answering from memory (the index is rebuilt at the next start)", cause)
    return cause


def _passages(
    fresh: Refreshed, state: ArchiveState | None, texts: dict[str, str]
) -> tuple[PassageTable, bool]:
    """The articles' passages, and whether the saved state holds as is.

    Articles whose bytes are unchanged keep their saved passages; only the others are split,
    from ``texts`` (the texts of the articles read), each text let go once split: the passages
    hold it (as after a start from the saved state).
    """
    ids = [a.id for a in fresh.load.articles]
    same = state is not None and list(state.passages.article_ids) == ids
    if state is not None and same and fresh.unchanged.issuperset(ids):
        return state.passages, state.records.same_stamps(fresh.stamps) and not fresh.rescanned
    if state is None:
        groups = ((a, split_passages(a, texts.pop(a, ""))) for a in ids)
        return PassageTable.from_groups(groups), False
    old = state.passages
    rows = {article_id: i for i, article_id in enumerate(old.article_ids)}
    runs: list[PassageTable | tuple[int, int]] = []  # new tables, or runs of saved rows
    for article_id in ids:
        row = rows.get(article_id) if article_id in fresh.unchanged else None
        if row is None:
            split = split_passages(article_id, texts.pop(article_id, ""))
            runs.append(PassageTable.from_groups([(article_id, split)]))
        elif runs and isinstance(runs[-1], tuple) and runs[-1][1] == row:
            runs[-1] = (runs[-1][0], row + 1)
        else:
            runs.append((row, row + 1))
    return _joined(old, runs), False


def _joined(old: PassageTable, runs: Sequence[PassageTable | tuple[int, int]]) -> PassageTable:
    """One passage table of ``runs``: rows ``[first, end)`` of ``old`` or a whole new table.

    The saved rows' bytes are not copied: the blob is pieced from the runs' own buffers (the
    saved one memory-mapped, shared by every process), and their offsets are copied a run at a
    time, not decoded into passages and packed again (seconds at 10^6 passages).
    """
    ids: list[str] = []
    pieces: list[tuple[Buffer, int, int]] = []
    slots, passage_slots = [np.zeros(1, np.int64)], [np.zeros(1, np.int64)]
    heading: list[npt.NDArray[np.bool_]] = []
    article_passages = [np.zeros(1, np.int64)]
    n_bytes = n_slots = n_passages = 0
    for run in runs:
        table, (first, end) = (
            (old, run) if isinstance(run, tuple) else (run, (0, len(run.article_ids)))
        )
        arrays = table.arrays()
        bounds = arrays["article_passages"]
        p0, p1 = int(bounds[first]), int(bounds[end])
        own = arrays["passage_slots"][p0 : p1 + 1]
        s0, s1 = int(own[0]), int(own[-1])
        ends = arrays["slots"][s0 : s1 + 1]
        b0, b1 = int(ends[0]), int(ends[-1])
        slots.append(np.asarray(ends[1:], dtype=np.int64) - b0 + n_bytes)
        pieces += table.blob_pieces(b0, b1)
        passage_slots.append(np.asarray(own[1:], dtype=np.int64) - s0 + n_slots)
        heading.append(np.asarray(arrays["passage_heading"][p0:p1], dtype=np.bool_))
        article_passages.append(np.asarray(bounds[first + 1 : end + 1], np.int64) - p0 + n_passages)
        ids.extend(table.article_ids[first:end])
        n_bytes, n_slots, n_passages = n_bytes + b1 - b0, n_slots + s1 - s0, n_passages + p1 - p0
    joined = {
        "slots": np.concatenate(slots),
        "passage_slots": np.concatenate(passage_slots),
        "passage_heading": np.concatenate(heading) if heading else np.zeros(0, np.bool_),
        "article_passages": np.concatenate(article_passages),
    }
    return PassageTable(ids, PiecedBlob(pieces), joined)


def _with_delta(
    cache_dir: Path,
    state: ArchiveState,
    *,
    passages: PassageTable,
    fresh: Refreshed,
    analyzer: Analyzer,
    params: Bm25Params,
) -> SearchIndex | None:
    """The saved main index with the changes since it as a delta segment, or None.

    None when the main index cannot be loaded or the changes exceed :data:`MAX_DELTA_SHARE`.
    Passages of unchanged articles map onto their main documents; the others are analysed.
    """
    old = state.passages
    old_bounds = old.arrays()["article_passages"]
    old_row = {article_id: i for i, article_id in enumerate(old.article_ids)}
    new_bounds = passages.arrays()["article_passages"]
    main_slots = np.full(len(old), -1, dtype=np.int64)
    delta_ranges: list[tuple[int, int]] = []
    for i, article_id in enumerate(passages.article_ids):
        start, end = int(new_bounds[i]), int(new_bounds[i + 1])
        row = old_row.get(article_id)
        if row is not None and article_id in fresh.unchanged:
            first = int(old_bounds[row])
            if int(old_bounds[row + 1]) - first == end - start:
                main_slots[first : first + end - start] = np.arange(start, end)
                continue
        if end > start:
            delta_ranges.append((start, end))
    delta_slots = np.array(
        [d for start, end in delta_ranges for d in range(start, end)], dtype=np.int64
    )
    if len(delta_slots) > MAX_DELTA_SHARE * max(len(passages), 1):
        return None
    main = _main_index(cache_dir, state.key, analyzer, params)
    if main is None or main.n_docs != len(old) or main.has_delta:
        return None
    try:
        return main.with_delta(
            [passages[int(d)].text for d in delta_slots],
            main_slots=main_slots,
            delta_slots=delta_slots,
        )
    except ValueError as error:  # e.g. a main index saved before term frequencies were kept
        logger.info("no delta segment over %s: %s", cache_dir, error)
        return None


_last_main: list[tuple[tuple[object, ...], SearchIndex]] = []  # the main index last loaded


def _main_index(
    cache_dir: Path, key: str, analyzer: Analyzer, params: Bm25Params
) -> SearchIndex | None:
    """The saved index under ``key``, the one loaded before while its files were not replaced.

    Each reopen with a delta segment needs the same main index; loading it checks the SHA-256 of
    every file (seconds at 10^5 articles), so the last one is kept while its manifest's inode,
    size and time stamp stay the same (a save replaces the whole folder).
    """
    identity = _saved_identity(cache_dir, key, analyzer, params)
    if identity is None:
        return None
    if _last_main and _last_main[0][0] == identity:
        return _last_main[0][1]
    main = SearchIndex.load(cache_dir, key, analyzer, params)
    _remember_main(cache_dir, key, main)
    return main


def _remember_main(cache_dir: Path, key: str, index: SearchIndex | None) -> None:
    """Keep ``index``, just loaded from or saved to ``cache_dir`` under ``key``, for a delta."""
    identity = (
        None if index is None else _saved_identity(cache_dir, key, index.analyzer, index.params)
    )
    _last_main[:] = [] if identity is None or index is None else [(identity, index)]


def _saved_identity(
    cache_dir: Path, key: str, analyzer: Analyzer, params: Bm25Params
) -> tuple[object, ...] | None:
    """What tells a saved index apart: folder, key, analysis and its manifest's file stamp."""
    try:
        manifest = (cache_dir / "manifest.json").stat()
    except OSError:
        return None
    stamp = (manifest.st_ino, manifest.st_size, manifest.st_mtime_ns)
    return (str(cache_dir.resolve()), key, analyzer.fingerprint(), params, stamp)


def _save_state(
    directory: Path,
    articles_dir: Path,
    fresh: Refreshed,
    passages: PassageTable,
    key: str,
) -> None:
    """Save the archive state beside the index; a failure is logged (the next start reads all)."""
    try:
        save_state(
            directory,
            articles_dir=articles_dir,
            articles=fresh.load.articles,
            stamps=fresh.stamps,
            passages=passages,
            key=key,
            chunking=CHUNKING_VERSION,
            scan=fresh.scan,
        )
    except OSError as error:
        logger.warning(
            "cannot save the archive state to %s: %s; the next start reads every article",
            directory,
            error.strerror or error,
        )
