"""The archive's saved state: its articles' metadata and passages, so a start reads no article.

Beside the saved index (:mod:`knowledge.index_store`) the knowledge base keeps a state folder
(``index-state/`` next to ``index/``) with, per article file, its path relative to the articles
folder, size, modification time, SHA-256 and metadata (``articles.json``), and every passage's
heading and sentences as one UTF-8 blob with offsets (``sentences.bin`` and ``.npy`` arrays).
:func:`refresh_articles` compares the folder with it by size and modification time: an
unchanged file is not read at all, a changed one is read and hashed, and only a file whose bytes
differ is split again. The sentences are memory-mapped and decoded one passage at a time
(:class:`PassageTable`), so a start costs a ``stat`` per file and reading the metadata, not the
archive, and processes that open the same state share its pages.

A file modified within :data:`RACY_NS` of the state's save is re-hashed at the next start (its
time stamp cannot tell a later change of the same size within the file system's resolution).

Trust: the manifest lists every file with its size and SHA-256 except the blob (only its size
and the offsets' bounds are checked: hashing it would read the whole archive's text at every
start); a decoding error shows as replacement characters, never an exception. Any other fault
means "no state" and a full read of the folder, logged at WARNING.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
    SkippedFile,
    load_articles,
    read_article,
    scan_folder,
)
from knowledge.text import Passage

__all__ = [
    "RACY_NS",
    "ArchiveState",
    "FileStamp",
    "PassageTable",
    "Refreshed",
    "load_state",
    "refresh_articles",
    "save_state",
]

logger = logging.getLogger(__name__)

RACY_NS = 2_000_000_000
"""Files modified this close (ns) before the state was saved are hashed again next time."""

_FORMAT = "newsdesk-archive-state"
_FORMAT_VERSION = 1
_MANIFEST = "manifest.json"
_BLOB = "sentences.bin"
_ARRAYS = ("slots", "passage_slots", "passage_heading", "article_passages")
_HASHED = ("articles.json", *(f"{name}.npy" for name in _ARRAYS))


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What a file looked like when it was read: size and modification time (ns)."""

    size: int
    mtime_ns: int


class PassageTable(Sequence[Passage]):
    """Passages of articles stored as one UTF-8 blob of slots (a heading or a sentence each).

    Passage ``i`` owns slots ``passage_slots[i]:passage_slots[i + 1]``; the first is its heading
    when ``passage_heading[i]``. The passages of article ``a`` (in the order of ``article_ids``)
    are ``article_passages[a]:article_passages[a + 1]``. Items are made when asked for.
    """

    def __init__(
        self,
        article_ids: Sequence[str],
        blob: bytes | bytearray | mmap.mmap,
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
        """The offset arrays (the blob is :meth:`blob_view`)."""
        return {
            "slots": self._slots,
            "passage_slots": self._passage_slots,
            "passage_heading": self._heading,
            "article_passages": self._article_passages,
        }

    def blob_view(self) -> memoryview:
        """The UTF-8 blob of every slot, without a copy."""
        return memoryview(self._blob)

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


_Record = tuple[str, str, str, str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class ArchiveState:
    """A saved state: articles' metadata, their file stamps, passages, index key.

    Attributes:
        records: Per article id: its file below the folder, SHA-256, title, publisher, address
            and date (ISO or None); :meth:`article` makes the article (with an empty ``text``).
        stamps: Each article's file stamp, by article id.
        passages: The passages of every article.
        key: The key of the index saved with this state.
        saved_ns: When the state was written (``time.time_ns``).
    """

    records: Mapping[str, _Record]
    stamps: Mapping[str, FileStamp]
    passages: PassageTable
    key: str
    saved_ns: int

    def article(self, article_id: str, path: Path) -> Article:
        """The saved article ``article_id``, read from ``path``; its ``text`` is empty."""
        _relative, digest, title, source, url, published = self.records[article_id]
        return Article(
            id=article_id,
            title=title,
            source=source,
            url=url,
            published=dt.date.fromisoformat(published) if published else None,
            text="",
            path=path,
            digest=digest,
        )


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
    """

    load: ArticleLoad
    stamps: Mapping[str, FileStamp]
    unchanged: frozenset[str]
    read: int
    listing: tuple[tuple[str, int, int], ...] = ()


def stamp_of(path: Path) -> FileStamp | None:
    """The size and modification time of a file, None when it cannot be stat'ed."""
    try:
        info = path.stat()
    except OSError:
        return None
    return FileStamp(info.st_size, info.st_mtime_ns)


def refresh_articles(
    directory: Path, state: ArchiveState | None, *, also: Sequence[Path] = ()
) -> Refreshed:
    """Load the folder's articles, reading only files whose size or time stamp changed.

    Same result as :func:`knowledge.articles.load_articles` (ids, metadata, skipped files,
    the first of duplicate ids in sorted path order, ``also`` folders read after ``directory``),
    except that an article taken from the state has an empty ``text``. The listing is of
    ``directory`` alone; files of the ``also`` folders are recorded by their full path.

    Raises:
        ArticleError: If ``directory`` does not exist or is not a folder.
    """
    if not directory.is_dir():
        load_articles(directory)  # raises the ArticleError of a missing folder
    saved = state.records if state is not None else {}
    paths, unsafe = scan_folder(directory)
    skipped: list[SkippedFile] = list(unsafe)
    for folder in also:
        more, unsafe = scan_folder(folder) if folder.is_dir() else ((), ())
        paths += more
        skipped.extend(unsafe)
    articles: dict[str, Article] = {}
    stamps: dict[str, FileStamp] = {}
    unchanged: set[str] = set()
    listing: list[tuple[str, int, int]] = []
    read = 0
    prefix = str(directory) + os.sep
    for path in paths:
        article_id = path.stem
        stamp = stamp_of(path)  # before reading: a change while reading shows next time
        name = str(path)
        inside = name.startswith(prefix) or path.is_relative_to(directory)
        relative = name[len(prefix) :] if name.startswith(prefix) else name
        if inside and not name.startswith(prefix):
            relative = str(path.relative_to(directory))
        if stamp is not None and inside:
            listing.append((relative, stamp.size, stamp.mtime_ns))
        if article_id in articles:
            logger.warning(
                "Skipping article file %s: duplicate article id (kept %s)",
                path,
                articles[article_id].path,
            )
            skipped.append(SkippedFile(path, "duplicate article id"))
            continue
        old = saved.get(article_id)
        same_file = old is not None and old[0] == relative
        if (
            same_file
            and state is not None
            and stamp is not None
            and state.stamps.get(article_id) == stamp
            and stamp.mtime_ns < state.saved_ns - RACY_NS
        ):
            articles[article_id], stamps[article_id] = state.article(article_id, path), stamp
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
        if same_file and old is not None and old[1] == article.digest:
            unchanged.add(article_id)
    ordered = tuple(articles[key] for key in sorted(articles))
    return Refreshed(
        ArticleLoad(ordered, tuple(skipped)),
        stamps,
        frozenset(unchanged),
        read,
        tuple(sorted(listing)),
    )


def save_state(
    directory: Path,
    *,
    articles_dir: Path,
    articles: Sequence[Article],
    stamps: Mapping[str, FileStamp],
    passages: PassageTable,
    key: str,
    chunking: str,
) -> None:
    """Write the state atomically (a temporary sibling folder renamed into place).

    ``chunking`` names the passage splitting; :func:`load_state` refuses a state of another.

    Raises:
        OSError: When writing fails (nothing partial is left behind).
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    try:
        records = [_record(a, articles_dir, stamps.get(a.id)) for a in articles]
        files: dict[str, dict[str, object]] = {}
        _write_file(tmp / "articles.json", json.dumps(records, ensure_ascii=False).encode(), files)
        for name, array in passages.arrays().items():
            buffer = tmp / f"{name}.npy"
            with buffer.open("wb") as out:
                np.save(out, array, allow_pickle=False)
            files[buffer.name] = {"size": buffer.stat().st_size, "sha256": _sha256(buffer)}
        blob = tmp / _BLOB
        with blob.open("wb") as out:
            out.write(passages.blob_view())
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
    """Read a saved state of ``articles_dir`` and ``chunking``, or None (logged) if unusable."""
    try:
        manifest = json.loads((directory / _MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("manifest is not an object")
        if (manifest.get("format"), manifest.get("format_version")) != (_FORMAT, _FORMAT_VERSION):
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
        records = json.loads((directory / "articles.json").read_text(encoding="utf-8"))
        if not isinstance(records, list):
            raise ValueError("articles.json is not a list")
        ids: list[str] = []
        saved: dict[str, _Record] = {}
        stamps: dict[str, FileStamp] = {}
        for record in records:
            article_id, kept, stamp = _checked(record)
            ids.append(article_id)
            saved[article_id], stamps[article_id] = kept, stamp
        arrays = {
            name: np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in _ARRAYS
        }
        blob = _map(directory / _BLOB)
        _check_table(arrays, len(ids), len(blob))
        table = PassageTable(ids, blob, arrays)
        return ArchiveState(saved, stamps, table, str(manifest["key"]), int(manifest["saved_ns"]))
    except FileNotFoundError:
        logger.info("no archive state in %s yet", directory)
    except Exception as error:  # an untrusted state must never stop the start
        logger.warning("archive state %s not used: %s", directory, error)
    return None


def _record(article: Article, articles_dir: Path, stamp: FileStamp | None) -> list[object]:
    published = article.published.isoformat() if article.published else None
    inside = article.path.is_relative_to(articles_dir)
    relative = str(article.path.relative_to(articles_dir)) if inside else str(article.path)
    size, mtime = (stamp.size, stamp.mtime_ns) if stamp else (-1, -1)
    return [relative, size, mtime, article.digest, article.id, article.title, article.source,
            article.url, published]  # fmt: skip


def _checked(record: object) -> tuple[str, _Record, FileStamp]:
    """An article record's id, metadata and stamp, after checking its shape."""
    if not isinstance(record, list) or len(record) != 9:
        raise ValueError("an article record is not a list of 9 values")
    relative, size, mtime, digest, article_id, title, source, url, published = record
    if not all(isinstance(x, str) for x in (relative, digest, article_id, title)):
        raise ValueError("an article record has a field of the wrong type")
    if not (isinstance(size, int) and isinstance(mtime, int)):
        raise ValueError("an article record has a stamp of the wrong type")
    if not all(x is None or isinstance(x, str) for x in (source, url, published)):
        raise ValueError("an article record has a field of the wrong type")
    if published:
        dt.date.fromisoformat(published)  # a bad date is a damaged state (ValueError)
    return article_id, (relative, digest, title, source, url, published), FileStamp(size, mtime)


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
