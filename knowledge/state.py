"""The archive's saved state: its articles' metadata and passages, so a start reads no article.

Beside the saved index (:mod:`knowledge.index_store`) the knowledge base keeps a state folder
(``index-state/`` next to ``index/``) with, per article file, its path relative to the articles
folder, SHA-256 and metadata (``articles.json``, one list per field), its size and modification
time (``stamps.npy``), the folder's scan (``folder.json``: its article files and each folder's
stamp, see :func:`knowledge.articles.walk_folder`), and every passage's heading and sentences
as one UTF-8 blob with offsets (``sentences.bin`` and ``.npy`` arrays).
:func:`refresh_articles` compares the folder with it by size and modification time: an
unchanged file is not read at all, a changed one is read and hashed, and only a file whose bytes
differ is split again. While no folder's change time moved the folder is not listed again
(each file is still ``stat``'ed). The sentences are memory-mapped and decoded one passage at a time
(:class:`PassageTable`), so a start costs a ``stat`` per file and reading the metadata, not the
archive, and processes that open the same state share its pages. A state of an older format is
not used, so the first start after an upgrade reads every article once and saves a new one.

A file modified within :data:`RACY_NS` of the state's save is re-hashed at the next start (its
time stamp cannot tell a later change of the same size within the file system's resolution).

Trust: the manifest lists every file with its size and SHA-256 except the blob (only its size
and the offsets' bounds are checked: hashing it would read the whole archive's text at every
start); a decoding error shows as replacement characters, never an exception. Any other fault
means "no state" and a full read of the folder, logged at WARNING.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import json
import logging
import mmap
import os
import shutil
import tempfile
import time
import uuid
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from knowledge.articles import (
    Article,
    ArticleError,
    ArticleLoad,
    FolderScan,
    SkippedFile,
    load_articles,
    read_article,
    walk_folder,
)
from knowledge.text import Passage

__all__ = [
    "RACY_NS",
    "ArchiveState",
    "ArticleRecords",
    "FileStamp",
    "PassageTable",
    "PiecedBlob",
    "Refreshed",
    "load_state",
    "load_state_again",
    "refresh_articles",
    "save_state",
    "trusted",
]

logger = logging.getLogger(__name__)

RACY_NS = 2_000_000_000
"""Files modified this close (ns) before the state was saved are hashed again next time."""

_FORMAT = "newsdesk-archive-state"
_FORMAT_VERSION = 2  # 2: records as columns and stamps as an array; the folder scan kept
_MANIFEST = "manifest.json"
_RECORDS = "articles.json"
_FOLDER = "folder.json"
_BLOB = "sentences.bin"
_ARRAYS = ("slots", "passage_slots", "passage_heading", "article_passages")
_HASHED = (_RECORDS, _FOLDER, "stamps.npy", *(f"{name}.npy" for name in _ARRAYS))


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What a file looked like when it was read: size and modification time (ns)."""

    size: int
    mtime_ns: int


Buffer = bytes | bytearray | mmap.mmap
"""A blob's own bytes: in memory or memory-mapped."""


class PiecedBlob:
    """Bytes laid end to end from pieces of other buffers, none of them copied.

    A reopen's passage table is mostly runs of the saved table's rows (a memory-mapped file
    shared by every process) with a few new articles' bytes between them; copying the runs
    would cost each process a private copy of the archive's text.
    """

    def __init__(self, pieces: Iterable[tuple[Buffer, int, int]]) -> None:
        """Hold ``pieces``: ``(buffer, start, end)``, bytes ``buffer[start:end]`` each, in order."""
        self._pieces = [(buffer, start, end) for buffer, start, end in pieces if end > start]
        lengths = (end - start for _buffer, start, end in self._pieces)
        self._starts = list(itertools.accumulate(lengths, initial=0))

    def __len__(self) -> int:
        """Number of bytes."""
        return self._starts[-1]

    def pieces(self, start: int, end: int) -> list[tuple[Buffer, int, int]]:
        """Bytes ``[start, end)`` as pieces of the underlying buffers (no copy)."""
        found: list[tuple[Buffer, int, int]] = []
        i = bisect.bisect_right(self._starts, start) - 1
        while start < end and i < len(self._pieces):
            buffer, first, last = self._pieces[i]
            at = self._starts[i]
            low, high = first + start - at, min(last, first + end - at)
            found.append((buffer, low, high))
            start = at + high - first
            i += 1
        return found

    def __getitem__(self, item: slice) -> bytes:
        """The bytes of a slice (step 1), copied out of their pieces."""
        start, stop, _step = item.indices(len(self))
        return b"".join(memoryview(b)[low:high] for b, low, high in self.pieces(start, stop))


class PassageTable(Sequence[Passage]):
    """Passages of articles stored as one UTF-8 blob of slots (a heading or a sentence each).

    Passage ``i`` owns slots ``passage_slots[i]:passage_slots[i + 1]``; the first is its heading
    when ``passage_heading[i]``. The passages of article ``a`` (in the order of ``article_ids``)
    are ``article_passages[a]:article_passages[a + 1]``. Items are made when asked for.
    """

    def __init__(
        self,
        article_ids: Sequence[str],
        blob: Buffer | PiecedBlob,
        arrays: Mapping[str, npt.NDArray[Any]],
    ) -> None:
        """Hold the parts (see :meth:`from_passages` and :func:`load_state`)."""
        self.article_ids = tuple(article_ids)
        self._blob = blob
        self._slots = arrays["slots"]
        self._passage_slots = arrays["passage_slots"]
        self._heading = arrays["passage_heading"]
        self._article_passages = arrays["article_passages"]
        self._article_of = np.repeat(
            np.arange(len(self.article_ids), dtype=np.int32), np.diff(self._article_passages)
        )
        self._rows = {article_id: i for i, article_id in enumerate(self.article_ids)}

    @classmethod
    def from_passages(
        cls, article_ids: Sequence[str], passages_of: Mapping[str, Sequence[Passage]]
    ) -> PassageTable:
        """Pack passages, grouped by article in the order of ``article_ids``, into a table."""
        return cls.from_groups((a, passages_of.get(a, ())) for a in article_ids)

    @classmethod
    def from_groups(cls, groups: Iterable[tuple[str, Sequence[Passage]]]) -> PassageTable:
        """Pack each article's passages, article by article, keeping no passage object."""
        article_ids: list[str] = []
        blob = bytearray()
        slot_ends = array("q", [0])
        passage_slots = array("q", [0])
        heading = array("b")
        article_passages = array("q", [0])
        for article_id, passages in groups:
            article_ids.append(article_id)
            for passage in passages:
                parts = ((passage.heading,) if passage.heading else ()) + passage.sentences
                for part in parts:
                    blob += part.encode("utf-8")
                    slot_ends.append(len(blob))
                passage_slots.append(passage_slots[-1] + len(parts))
                heading.append(bool(passage.heading))
            article_passages.append(len(heading))
        arrays = {
            "slots": np.frombuffer(slot_ends, dtype=np.int64).copy(),
            "passage_slots": np.frombuffer(passage_slots, dtype=np.int64).copy(),
            "passage_heading": np.frombuffer(heading, dtype=np.int8).astype(np.bool_),
            "article_passages": np.frombuffer(article_passages, dtype=np.int64).copy(),
        }
        return cls(article_ids, blob, arrays)  # the bytearray itself: no copy of the text

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The offset arrays (the blob is :meth:`blob_pieces`)."""
        return {
            "slots": self._slots,
            "passage_slots": self._passage_slots,
            "passage_heading": self._heading,
            "article_passages": self._article_passages,
        }

    def blob_pieces(self, start: int = 0, end: int | None = None) -> list[tuple[Buffer, int, int]]:
        """Bytes ``[start, end)`` of the blob as ``(buffer, start, end)`` pieces, without a copy."""
        end = len(self._blob) if end is None else end
        if isinstance(self._blob, PiecedBlob):
            return self._blob.pieces(start, end)
        return [(self._blob, start, end)] if end > start else []

    def __len__(self) -> int:
        """Number of passages."""
        return len(self._heading)

    @overload
    def __getitem__(self, item: int) -> Passage: ...
    @overload
    def __getitem__(self, item: slice) -> Sequence[Passage]: ...
    def __getitem__(self, item: int | slice) -> Passage | Sequence[Passage]:
        """Passage ``item`` (decoded now), or a list of them for a slice."""
        if isinstance(item, slice):
            return [self[i] for i in range(*item.indices(len(self)))]
        if item < 0:
            item += len(self)
        if not 0 <= item < len(self):
            raise IndexError("passage index out of range")
        article = int(self._article_of[item])
        first, end = int(self._passage_slots[item]), int(self._passage_slots[item + 1])
        parts = [self._slot(s) for s in range(first, end)]
        heading = parts.pop(0) if self._heading[item] else None
        ordinal = item - int(self._article_passages[article])
        return Passage(self.article_ids[article], ordinal, heading, tuple(parts))

    def __iter__(self) -> Iterator[Passage]:
        """Every passage in order."""
        return (self[i] for i in range(len(self)))

    def of_article(self, article_id: str) -> tuple[Passage, ...]:
        """The passages of one article (empty for an unknown id)."""
        row = self._rows.get(article_id)
        if row is None:
            return ()
        first, end = self._article_passages[row], self._article_passages[row + 1]
        return tuple(self[i] for i in range(int(first), int(end)))

    def _slot(self, slot: int) -> str:
        start, end = int(self._slots[slot]), int(self._slots[slot + 1])
        return self._blob[start:end].decode("utf-8", "replace")


_COLUMNS = ("id", "path", "sha256", "title", "source", "url", "published")
_REQUIRED = frozenset({"id", "path", "sha256", "title"})  # the others may hold None


@dataclass(frozen=True, slots=True)
class ArticleRecords:
    """The saved articles' metadata and file stamps, one column per field (row ``i`` each).

    Attributes:
        ids: Article ids, in the order of the passage table.
        paths: Each article's file below the folder (or its full path when outside it).
        digests: SHA-256 of each file's bytes.
        titles, sources, urls, published: The metadata.
        sizes, mtimes: Each file's size and modification time (ns) when it was read (-1: none).
        rows: Row of each id.
    """

    ids: tuple[str, ...]
    paths: Sequence[str]
    digests: Sequence[str]
    titles: Sequence[str]
    sources: Sequence[str | None]
    urls: Sequence[str | None]
    published: Sequence[dt.date | None]
    sizes: Sequence[int]
    mtimes: Sequence[int]
    rows: Mapping[str, int]

    def article(self, row: int, path: Path) -> Article:
        """The saved article of row ``row``, read from ``path``; its ``text`` is empty."""
        return Article(
            self.ids[row],
            self.titles[row],
            self.sources[row],
            self.urls[row],
            self.published[row],
            "",
            path,
            self.digests[row],
        )

    def same_stamps(self, stamps: Mapping[str, FileStamp]) -> bool:
        """Whether ``stamps`` holds exactly the saved stamp of every saved article."""
        if len(stamps) != len(self.ids):
            return False
        rows, sizes, mtimes = self.rows, self.sizes, self.mtimes
        for article_id, stamp in stamps.items():
            row = rows.get(article_id)
            if row is None or stamp.size != sizes[row] or stamp.mtime_ns != mtimes[row]:
                return False
        return True


_NO_RECORDS = ArticleRecords((), (), (), (), (), (), (), (), (), {})


@dataclass(frozen=True, slots=True)
class ArchiveState:
    """A saved state: articles' metadata, their file stamps, passages, index key, folder scan.

    Attributes:
        records: The articles' metadata and file stamps (:meth:`ArticleRecords.article`).
        passages: The passages of every article.
        key: The key of the index saved with this state.
        saved_ns: When the state was written (``time.time_ns``).
        scan: The articles folder's plain scan the state was made from, if it can be trusted
            later (see :func:`knowledge.articles.walk_folder`); None to list the folder.
    """

    records: ArticleRecords
    passages: PassageTable
    key: str
    saved_ns: int
    scan: FolderScan | None = None


@dataclass(frozen=True, slots=True)
class Refreshed:
    """The folder compared with a saved state.

    Attributes:
        load: The articles now in the folder (text empty for those not read) and skipped files.
        stamps: File stamps of every article, by id.
        unchanged: Ids of the articles whose saved passages still hold (same bytes).
        read: Number of files read (and hashed) to find out.
        listing: Every article file seen (path below the folder, size, modification time), sorted:
            what :func:`bot.archive.folder_fingerprint` would list at that moment.
        scan: The scan of the articles folder used (the saved one while no folder changed).
        rescanned: Whether the folder was walked again and that walk is worth saving (a saved
            state without it would walk the folder at every start).
    """

    load: ArticleLoad
    stamps: Mapping[str, FileStamp]
    unchanged: frozenset[str]
    read: int
    listing: tuple[tuple[str, int, int], ...] = ()
    scan: FolderScan | None = None
    rescanned: bool = False


def trusted(scan: FolderScan) -> bool:
    """Whether a later start may take ``scan``'s files while its folders' stamps stay the same.

    It must be plain (no links, nothing skipped), and each folder's change time must lie
    :data:`RACY_NS` before the walk (a change in the same clock tick would not show).
    """
    before = scan.listed_ns - RACY_NS
    return scan.plain and all(ctime < before for _name, _dev, _ino, ctime in scan.folders)


def _current_scan(directory: Path, state: ArchiveState | None) -> tuple[FolderScan, bool]:
    """The state's scan while each of its folders has the same stamp, else a new walk.

    Returns the scan and whether it was walked now.
    """
    saved = state.scan if state is not None else None
    if saved is not None and trusted(saved):
        prefix = os.path.join(str(directory), "")
        for name, dev, ino, ctime in saved.folders:
            try:
                info = os.stat(prefix + name if name else str(directory))
            except OSError:
                break
            if (info.st_dev, info.st_ino, info.st_ctime_ns) != (dev, ino, ctime):
                break
        else:
            return saved, False
    return walk_folder(directory), True


def refresh_articles(
    directory: Path, state: ArchiveState | None, *, also: Sequence[Path] = ()
) -> Refreshed:
    """Load the folder's articles, reading only files whose size or time stamp changed.

    Same result as :func:`knowledge.articles.load_articles` (ids, metadata, skipped files,
    the first of duplicate ids in sorted path order, ``also`` folders read after ``directory``),
    except that an article taken from the state has an empty ``text``. The listing is of
    ``directory`` alone; files of the ``also`` folders are recorded by their full path.

    The folder is not listed again while none of its folders' stamps changed since the saved
    state's scan (:func:`trusted`); each file is still ``stat``'ed, so a file rewritten in place
    is seen.

    Raises:
        ArticleError: If ``directory`` does not exist or is not a folder.
    """
    if not directory.is_dir():
        load_articles(directory)  # raises the ArticleError of a missing folder
    scan, walked = _current_scan(directory, state)
    names, skipped = _names(directory, scan, also)
    records = state.records if state is not None else _NO_RECORDS
    trusted_before = state.saved_ns - RACY_NS if state is not None else 0
    articles: dict[str, Article] = {}
    stamps: dict[str, FileStamp] = {}
    unchanged: set[str] = set()
    listing: list[tuple[str, int, int]] = []
    read = 0
    for name, relative, inside in names:
        article_id = name[name.rfind(os.sep) + 1 : name.rfind(".")]  # the stem: a suffix is there
        try:
            info = os.stat(name)  # before reading: a change while reading shows next time
        except OSError:
            stamp = None
        else:
            stamp = FileStamp(info.st_size, info.st_mtime_ns)
            if inside:
                listing.append((relative, stamp.size, stamp.mtime_ns))
        path = Path(name)
        if article_id in articles:
            logger.warning(
                "Skipping article file %s: duplicate article id (kept %s)",
                path,
                articles[article_id].path,
            )
            skipped.append(SkippedFile(path, "duplicate article id"))
            continue
        row = records.rows.get(article_id, -1)
        same_file = row >= 0 and records.paths[row] == relative
        if (
            same_file
            and stamp is not None
            and stamp.mtime_ns < trusted_before
            and stamp.size == records.sizes[row]
            and stamp.mtime_ns == records.mtimes[row]
        ):
            articles[article_id], stamps[article_id] = records.article(row, path), stamp
            unchanged.add(article_id)
            continue
        read += 1
        try:
            article = read_article(path)
        except ArticleError as error:
            logger.warning("Skipping article file %s: %s", path, error.reason)
            skipped.append(SkippedFile(path, error.reason))
            continue
        articles[article_id] = article
        if stamp is not None:
            stamps[article_id] = stamp
        if same_file and records.digests[row] == article.digest:
            unchanged.add(article_id)
    ordered = tuple(articles[key] for key in sorted(articles))
    return Refreshed(
        ArticleLoad(ordered, tuple(skipped)),
        stamps,
        frozenset(unchanged),
        read,
        tuple(sorted(listing)),
        scan,
        walked and trusted(scan) and (state is None or state.scan != scan),
    )


def _names(
    directory: Path, scan: FolderScan, also: Sequence[Path]
) -> tuple[list[tuple[str, str, bool]], list[SkippedFile]]:
    """Each file to look at: its path, its name in the listing, whether it lies in ``directory``.

    Returns them with the entries the walks skipped; the ``also`` folders' files come last,
    named by their full path.
    """
    prefix = os.path.join(str(directory), "")
    names = [(prefix + name, name, True) for name in scan.files]
    skipped = list(scan.skipped)
    for folder in also:
        if not folder.is_dir():
            continue
        more = walk_folder(folder)
        there = os.path.join(str(folder), "")
        for full in (there + name for name in more.files):
            inside = full.startswith(prefix)
            names.append((full, full[len(prefix) :] if inside else full, inside))
        skipped.extend(more.skipped)
    return names, skipped


def save_state(
    directory: Path,
    *,
    articles_dir: Path,
    articles: Sequence[Article],
    stamps: Mapping[str, FileStamp],
    passages: PassageTable,
    key: str,
    chunking: str,
    scan: FolderScan | None = None,
) -> None:
    """Write the state atomically (a temporary sibling folder renamed into place).

    ``chunking`` names the passage splitting; :func:`load_state` refuses a state of another.
    ``scan`` (the articles folder's walk the articles came from) is kept when :func:`trusted`.

    Raises:
        OSError: When writing fails (nothing partial is left behind).
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    try:
        files: dict[str, dict[str, object]] = {}
        columns, stamp_rows = _columns(articles, articles_dir, stamps)
        _write_file(tmp / _RECORDS, json.dumps(columns, ensure_ascii=False).encode(), files)
        folder = None
        if scan is not None and trusted(scan):
            folder = {"files": scan.files, "folders": scan.folders, "listed_ns": scan.listed_ns}
        _write_file(tmp / _FOLDER, json.dumps(folder, ensure_ascii=False).encode(), files)
        arrays = {"stamps": np.array(stamp_rows, dtype=np.int64).reshape(-1, 2)}
        for name, array in {**arrays, **passages.arrays()}.items():
            buffer = tmp / f"{name}.npy"
            with buffer.open("wb") as out:
                np.save(out, array, allow_pickle=False)
            files[buffer.name] = {"size": buffer.stat().st_size, "sha256": _sha256(buffer)}
        blob = tmp / _BLOB
        with blob.open("wb") as out:
            for piece, start, end in passages.blob_pieces():
                out.write(memoryview(piece)[start:end])
        files[_BLOB] = {"size": blob.stat().st_size}
        manifest = {
            "format": _FORMAT,
            "format_version": _FORMAT_VERSION,
            "key": key,
            "chunking": chunking,
            "articles_dir": str(articles_dir),
            "saved_ns": time.time_ns(),
            "files": files,
        }
        (tmp / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        _swap(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_state(directory: Path, articles_dir: Path, chunking: str) -> ArchiveState | None:
    """Read a saved state of ``articles_dir`` and ``chunking``, or None (logged) if unusable.

    A state of an older format is not used (logged at INFO): the next save replaces it.
    """
    try:
        manifest = json.loads((directory / _MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("manifest is not an object")
        version = manifest.get("format_version")
        if (
            manifest.get("format") == _FORMAT
            and isinstance(version, int)
            and (0 < version < _FORMAT_VERSION)
        ):
            logger.info("archive state %s is of an older format; every article is read", directory)
            return None
        if (manifest.get("format"), version) != (_FORMAT, _FORMAT_VERSION):
            raise ValueError("another format")
        if (manifest.get("articles_dir"), manifest.get("chunking")) != (
            str(articles_dir),
            chunking,
        ):
            logger.info("archive state %s is of another folder or chunking", directory)
            return None
        files = manifest["files"]
        if set(files) != {*_HASHED, _BLOB}:
            raise ValueError("files listed differ")
        for name, facts in files.items():
            path = directory / name
            if path.stat().st_size != facts["size"]:
                raise ValueError(f"{name} has another size")
            if name != _BLOB and _sha256(path) != facts["sha256"]:
                raise ValueError(f"{name} does not match its checksum")
        arrays = {
            name: np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in ("stamps", *_ARRAYS)
        }
        records = _records(_read_json(directory / _RECORDS), arrays.pop("stamps"))
        scan = _folder_scan(_read_json(directory / _FOLDER))
        blob = _map(directory / _BLOB)
        _check_table(arrays, len(records.ids), len(blob))
        table = PassageTable(records.ids, blob, arrays)
        key, saved_ns = str(manifest["key"]), int(manifest["saved_ns"])
        return ArchiveState(records, table, key, saved_ns, scan)
    except FileNotFoundError:
        logger.info("no archive state in %s yet", directory)
    except Exception as error:  # an untrusted state must never stop the start
        logger.warning("archive state %s not used: %s", directory, error)
    return None


_last_state: list[tuple[tuple[object, ...], ArchiveState]] = []  # the state last loaded


def load_state_again(directory: Path, articles_dir: Path, chunking: str) -> ArchiveState | None:
    """:func:`load_state`, or the state it loaded last while none of its files was replaced.

    A live archive reopens from the same saved state at every change (a delta segment saves
    none); reading and checking it again costs a second at 10^5 articles. The one loaded last
    is kept while every file of it has the same inode, size, modification and change time
    (a save renames a new folder into place; a change time cannot be set back).
    """
    identity = _identity(directory, articles_dir, chunking)
    if identity is not None and _last_state and _last_state[0][0] == identity:
        return _last_state[0][1]
    state = load_state(directory, articles_dir, chunking)
    _last_state[:] = [] if state is None or identity is None else [(identity, state)]
    return state


def _identity(directory: Path, articles_dir: Path, chunking: str) -> tuple[object, ...] | None:
    """The stamps of the state's files (None if one is missing), with what it was loaded for."""
    stamps: list[object] = [str(directory.resolve()), str(articles_dir), chunking]
    for name in (_MANIFEST, *_HASHED, _BLOB):
        try:
            info = (directory / name).stat()
        except OSError:
            return None
        stamps.append((name, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return tuple(stamps)


def _columns(
    articles: Sequence[Article], articles_dir: Path, stamps: Mapping[str, FileStamp]
) -> tuple[dict[str, list[str | None]], list[int]]:
    """The articles' records as one list per field, and their stamps as (size, mtime) pairs."""
    columns: dict[str, list[str | None]] = {name: [] for name in _COLUMNS}
    stamp_rows: list[int] = []
    prefix = os.path.join(str(articles_dir), "")
    for article in articles:
        name = str(article.path)
        if name.startswith(prefix):
            relative = name[len(prefix) :]
        elif article.path.is_relative_to(articles_dir):
            relative = str(article.path.relative_to(articles_dir))
        else:
            relative = name
        published = article.published.isoformat() if article.published else None
        values = (article.id, relative, article.digest, article.title, article.source,
                  article.url, published)  # fmt: skip
        for column, value in zip(columns.values(), values, strict=True):
            column.append(value)
        stamp = stamps.get(article.id)
        stamp_rows += (stamp.size, stamp.mtime_ns) if stamp else (-1, -1)
    return columns, stamp_rows


def _records(columns: object, stamps: npt.NDArray[Any]) -> ArticleRecords:
    """The article records of the saved columns and stamps, after checking their shape."""
    if not isinstance(columns, dict) or set(columns) != set(_COLUMNS):
        raise ValueError(f"{_RECORDS} must be an object of the columns {list(_COLUMNS)}")
    n = len(columns["id"]) if isinstance(columns["id"], list) else -1
    for name, column in columns.items():
        if not isinstance(column, list) or len(column) != n:
            raise ValueError(f"{_RECORDS}: column {name} is not a list of one value per article")
        kinds = (str,) if name in _REQUIRED else (str, type(None))
        if not all(type(value) in kinds for value in column):
            raise ValueError(f"{_RECORDS}: column {name} has a value of the wrong type")
    if stamps.dtype != np.int64 or stamps.shape != (n, 2):
        raise ValueError("stamps.npy has the wrong dtype or shape")
    ids = tuple(columns["id"])
    rows = {article_id: i for i, article_id in enumerate(ids)}
    if len(rows) != n:
        raise ValueError(f"{_RECORDS}: article ids are not distinct")
    # a bad date is a damaged state (ValueError)
    published = [dt.date.fromisoformat(day) if day else None for day in columns["published"]]
    sizes, mtimes = np.asarray(stamps).T.tolist() if n else ([], [])
    return ArticleRecords(
        ids,
        columns["path"],
        columns["sha256"],
        columns["title"],
        columns["source"],
        columns["url"],
        published,
        sizes,
        mtimes,
        rows,
    )


def _folder_scan(value: object) -> FolderScan | None:
    """The saved folder scan (None when none was saved), after checking its shape."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"files", "folders", "listed_ns"}:
        raise ValueError(f"{_FOLDER} must be null or an object of files, folders and listed_ns")
    files, folders, listed_ns = value["files"], value["folders"], value["listed_ns"]
    if not isinstance(files, list) or not all(type(name) is str for name in files):
        raise ValueError(f"{_FOLDER}: files must be a list of strings")
    if not isinstance(folders, list) or not all(_is_folder_stamp(f) for f in folders):
        raise ValueError(f"{_FOLDER}: folders must be lists of a name and three integers")
    if type(listed_ns) is not int:
        raise ValueError(f"{_FOLDER}: listed_ns must be an integer")
    stamps = tuple((name, dev, ino, mtime) for name, dev, ino, mtime in folders)
    return FolderScan(tuple(files), (), stamps, False, listed_ns)


def _is_folder_stamp(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and type(value[0]) is str
        and all(type(x) is int for x in value[1:])
    )


def _read_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def _check_table(arrays: Mapping[str, npt.NDArray[Any]], n_articles: int, blob_size: int) -> None:
    slots, passage_slots = arrays["slots"], arrays["passage_slots"]
    heading, article_passages = arrays["passage_heading"], arrays["article_passages"]
    n_passages = len(heading)
    checks = {
        "slots": slots.dtype == np.int64 and slots.ndim == 1 and len(slots) >= 1,
        "passage_slots": passage_slots.dtype == np.int64
        and passage_slots.shape == (n_passages + 1,),
        "passage_heading": heading.dtype == np.bool_ and heading.ndim == 1,
        "article_passages": article_passages.dtype == np.int64
        and article_passages.shape == (n_articles + 1,),
    }
    for name, ok in checks.items():
        if not ok:
            raise ValueError(f"{name} has the wrong dtype or shape")
    bounds = (
        (slots, 0, blob_size),
        (passage_slots, 0, len(slots) - 1),
        (article_passages, 0, n_passages),
    )
    for offsets, first, last in bounds:
        if offsets[0] != first or offsets[-1] != last or np.any(np.diff(offsets) < 0):
            raise ValueError("offsets must rise from the start to the end of what they index")


def _map(path: Path) -> bytes | mmap.mmap:
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            return b""
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def _write_file(path: Path, data: bytes, files: dict[str, dict[str, object]]) -> None:
    path.write_bytes(data)
    files[path.name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _swap(new: Path, directory: Path) -> None:
    """Put the folder ``new`` in place of ``directory`` with renames."""
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old-{uuid.uuid4().hex}")
        directory.rename(old)
        new.rename(directory)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(directory)
