"""Load news articles from a folder of plain-text and markdown files.

:func:`load_articles` reads every ``.txt`` and ``.md`` file below a folder (recursively, in
sorted path order, skipping hidden files and folders and other extensions). A file that
cannot be used is skipped, logged as a warning and reported as a :class:`SkippedFile`; the
other files still load. Reasons are short English phrases: ``"empty file"``,
``"empty file (only whitespace)"``, ``"not valid UTF-8 (byte 0xff at offset 0)"``,
``"binary data (contains NUL bytes)"``, ``"no text after the front matter"``,
``"unreadable: Permission denied"`` and ``"duplicate article id"`` (two files with the same
stem, e.g. ``a.txt`` and ``sub/a.md``: the first in sorted path order wins).

Only regular files whose resolved path stays inside the folder are read (:func:`scan_folder`):
a symbolic link to a file or folder outside it, a looping or dangling link, a FIFO or a device
file is skipped, so nobody who can drop a file in the folder can publish the host's files.
Folder links are never followed. Each such entry is warned about once per process, not on
every rescan.

A UTF-8 byte order mark is dropped and newlines become ``\\n``. A markdown file may start with
front matter between ``---`` lines holding simple ``key: value`` lines (values optionally
quoted) for ``title``, ``source``, ``url`` and ``published`` (``YYYY-MM-DD`` or a German date).
Front matter wins; whatever it leaves out is derived from the text by
:mod:`knowledge.metadata`.

Errors:
    ArticleError: :func:`read_article` raises it for a file that cannot be used, and
        :func:`load_articles` for a folder that does not exist. It carries ``path`` and a short
        ``reason``; its message is a full sentence naming the path.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import logging
import os
import stat
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.metadata import derive_published, derive_source, derive_title, parse_german_date

__all__ = [
    "ARTICLE_SUFFIXES",
    "Article",
    "ArticleError",
    "ArticleLoad",
    "FolderScan",
    "SkippedFile",
    "load_articles",
    "read_article",
    "scan_folder",
    "walk_folder",
]

logger = logging.getLogger(__name__)

#: File name endings that hold articles (compared case-insensitively).
ARTICLE_SUFFIXES: frozenset[str] = frozenset({".txt", ".md"})
_FRONT_MATTER_KEYS = frozenset({"title", "source", "url", "published"})
_FENCES = ("---", "...")
_warned: set[tuple[Path, str]] = set()  # unsafe entries already warned about in this process
_warned_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Article:
    """One news article with its metadata.

    Attributes:
        id: The file stem, e.g. ``"001_37de1b6d01b33ede"``.
        title: The front matter title, the headline, or the shortened opening sentence.
        source: The publisher, e.g. ``"Creati.ai"``, if the file names one.
        url: The article's address, if the front matter gives one.
        published: The publication date, if the file states one.
        text: The body text (front matter removed), newlines normalised to ``\\n``.
        path: The file the article was read from.
        digest: The SHA-256 hex digest of the file's raw bytes, for use as a cache key.
    """

    id: str
    title: str
    source: str | None
    url: str | None
    published: datetime.date | None
    text: str
    path: Path
    digest: str


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that was left out of a load, and why.

    Attributes:
        path: The file (or folder) that was skipped.
        reason: A short English phrase, e.g. ``"empty file"``.
    """

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class ArticleLoad:
    """The result of loading a folder: the usable articles and the skipped files.

    Attributes:
        articles: The articles, sorted by id.
        skipped: The skipped files, in the order they were met.
    """

    articles: tuple[Article, ...]
    skipped: tuple[SkippedFile, ...]


class ArticleError(Exception):
    """An article file or folder that cannot be used.

    Attributes:
        path: The file or folder concerned.
        reason: A short English phrase saying what is wrong.
    """

    def __init__(self, path: Path, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"Cannot use article file {path}: {reason}.")
        self.path = path
        self.reason = reason


def read_article(path: Path) -> Article:
    """Read one ``.txt`` or ``.md`` file into an :class:`Article`.

    Args:
        path: The file to read.

    Returns:
        The article, with metadata from front matter or derived from the text.

    Raises:
        ArticleError: If the file is unreadable, empty, not UTF-8 or holds binary data.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(path, f"unreadable: {exc.strerror or exc}") from exc
    if not raw:
        raise ArticleError(path, "empty file")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        raise ArticleError(path, reason) from exc
    text = decoded.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise ArticleError(path, "binary data (contains NUL bytes)")
    if not text.strip():
        raise ArticleError(path, "empty file (only whitespace)")
    fields: dict[str, str] = {}
    if path.suffix.lower() == ".md":
        fields, text = _split_front_matter(text)
        if not text.strip():
            raise ArticleError(path, "no text after the front matter")
    return Article(
        id=path.stem,
        title=fields.get("title") or derive_title(text) or path.stem,
        source=fields.get("source") or derive_source(text),
        url=fields.get("url") or None,
        published=_published(fields.get("published"), text, path),
        text=text,
        path=path,
        digest=hashlib.sha256(raw).hexdigest(),
    )


def load_articles(directory: Path, *, also: Sequence[Path] = ()) -> ArticleLoad:
    """Load every article file below a folder, skipping (and logging) unusable ones.

    Args:
        directory: The folder to search recursively.
        also: More folders read the same way after it (a missing one is empty), e.g. the feeds
            folder beside the seeds; an id met twice keeps the first.

    Returns:
        The articles sorted by id, and the files that were skipped with their reasons.

    Raises:
        ArticleError: If ``directory`` does not exist or is not a folder.
    """
    if not directory.is_dir():
        problem = "does not exist" if not directory.exists() else "is not a folder"
        raise ArticleError(directory, f"folder {problem}", f"Article folder {directory} {problem}.")
    skipped: list[SkippedFile] = []
    articles: dict[str, Article] = {}
    paths = _article_paths(directory, skipped)
    for folder in also:
        paths.extend(_article_paths(folder, skipped) if folder.is_dir() else ())
    for path in paths:
        try:
            article = read_article(path)
        except ArticleError as exc:
            _skip(skipped, path, exc.reason)
            continue
        kept = articles.get(article.id)
        if kept is not None:
            _skip(skipped, path, "duplicate article id", f"kept {kept.path}")
            continue
        articles[article.id] = article
    ordered = tuple(articles[key] for key in sorted(articles))
    return ArticleLoad(articles=ordered, skipped=tuple(skipped))


def scan_folder(directory: Path) -> tuple[tuple[Path, ...], tuple[SkippedFile, ...]]:
    """List the article files below a folder that are safe to read, and the entries left out.

    Only regular files whose resolved path stays inside ``directory`` are listed; links to
    files or folders outside it, looping or dangling links, FIFOs and device files are left
    out (each logged as a warning once per process). Nothing is read, so it is cheap enough for
    a watcher that rescans every few seconds.

    Args:
        directory: The articles folder.

    Returns:
        The article paths in sorted path order, and the skipped entries with their reasons.
    """
    scan = walk_folder(directory)
    prefix = os.path.join(str(directory), "")
    return tuple(Path(prefix + name) for name in scan.files), scan.skipped


@dataclass(frozen=True, slots=True)
class FolderScan:
    """What :func:`walk_folder` found below a folder, as plain strings.

    Attributes:
        files: The safe article files, as paths below the folder (``os.sep`` between parts),
            in sorted path order (by their parts).
        skipped: The unsafe or unreadable entries left out, in the order they were met.
        folders: Each folder listed (``""`` for the folder itself) with the device, inode and
            change time (ctime, ns) it had just before it was listed.
        links: Whether a symbolic link was met (its target may change while no folder does).
        listed_ns: When the walk started (``time.time_ns``).
    """

    files: tuple[str, ...]
    skipped: tuple[SkippedFile, ...]
    folders: tuple[tuple[str, int, int, int], ...]
    links: bool
    listed_ns: int

    @property
    def plain(self) -> bool:
        """No link and nothing skipped: the folders' entries alone decide the file list."""
        return not self.links and not self.skipped


def walk_folder(directory: Path) -> FolderScan:
    """:func:`scan_folder`'s walk, keeping names as strings and each folder's stamp.

    A folder's change time moves whenever an entry is added to, removed from or renamed in it
    (and, unlike its modification time, cannot be set back, as ``tar`` and ``rsync`` do), so
    while no folder's stamp changed (and it was not too close to ``listed_ns`` to trust) a
    plain scan's ``files`` still hold; the files' own stamps may have changed.
    """
    listed_ns = time.time_ns()
    skipped: list[SkippedFile] = []
    found: list[tuple[tuple[str, ...], str]] = []  # (parts below the folder, path below it)
    folders: list[tuple[str, int, int, int]] = []
    links = _walk(directory, skipped, found, folders)
    found.sort(key=lambda item: item[0])
    return FolderScan(
        tuple(name for _parts, name in found), tuple(skipped), tuple(folders), links, listed_ns
    )


def _article_paths(directory: Path, skipped: list[SkippedFile]) -> list[Path]:
    """The safe article files below ``directory``, as paths in sorted path order."""
    found: list[tuple[tuple[str, ...], str]] = []
    _walk(directory, skipped, found, [])
    found.sort(key=lambda item: item[0])
    prefix = os.path.join(str(directory), "")
    return [Path(prefix + name) for _parts, name in found]


def _walk(
    directory: Path,
    skipped: list[SkippedFile],
    found: list[tuple[tuple[str, ...], str]],
    folders: list[tuple[str, int, int, int]],
) -> bool:
    """Walk ``directory`` (an ``os.walk`` without following folder links); return if a link was met.

    A plain file or folder entry costs no system call beyond listing its folder (its type comes
    from the listing, and being reached without a link it lies inside); only links are resolved.
    """

    def unreadable(error: OSError) -> None:
        _skip(skipped, Path(error.filename or directory), f"unreadable: {error.strerror}")

    try:
        inside = directory.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    if not inside.is_dir():
        return False
    links = False
    pending: list[tuple[str, tuple[str, ...]]] = [(str(directory), ())]
    while pending:
        root, parts = pending.pop()
        try:
            info = os.stat(root)
            with os.scandir(root) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            unreadable(error)
            continue
        folders.append((os.sep.join(parts), info.st_dev, info.st_ino, info.st_ctime_ns))
        subfolders: list[tuple[str, tuple[str, ...]]] = []
        for entry in entries:
            if not entry.name.startswith("."):
                item = (*parts, entry.name)
                links |= _visit(
                    entry, item, inside=inside, found=found, folders=subfolders, skipped=skipped
                )
        pending.extend(reversed(subfolders))
    return links


def _visit(
    entry: os.DirEntry[str],
    parts: tuple[str, ...],
    *,
    inside: Path,
    found: list[tuple[tuple[str, ...], str]],
    folders: list[tuple[str, tuple[str, ...]]],
    skipped: list[SkippedFile],
) -> bool:
    """Sort one listed entry: a folder to descend, an article file, or an unsafe entry.

    Returns whether the entry is a symbolic link that matters (to a folder or an article file).
    """
    link = entry.is_symlink()
    try:
        folder = entry.is_dir()  # through a link, as os.walk tells folders from files
    except OSError:
        folder = False
    if folder:
        if not link:
            folders.append((entry.path, parts))
        elif _outside(Path(entry.path), inside):
            reason = "symbolic link to a folder outside the articles folder"
            _skip_once(skipped, Path(entry.path), reason)
        return link
    if os.path.splitext(entry.name)[1].lower() not in ARTICLE_SUFFIXES:
        return False  # never read, whatever it is or points to
    if not link and entry.is_file(follow_symlinks=False):
        found.append((parts, os.sep.join(parts)))
        return False
    path = Path(entry.path)
    problem = _unsafe(path, inside)
    if problem:
        _skip_once(skipped, path, problem)
    else:
        found.append((parts, os.sep.join(parts)))
    return link


def _outside(path: Path, inside: Path) -> bool:
    try:
        return not path.resolve(strict=True).is_relative_to(inside)
    except (OSError, RuntimeError):
        return True


def _unsafe(path: Path, inside: Path) -> str | None:
    """Why ``path`` must not be read, or ``None`` for a regular file inside the folder."""
    try:
        resolved = path.resolve(strict=True)
        mode = resolved.stat().st_mode
    except RuntimeError:  # Python 3.11 and 3.12 report a link loop so
        return "symbolic link loop"
    except OSError as error:  # a loop from 3.13 on; otherwise reading says what is wrong
        return "symbolic link loop" if error.errno == errno.ELOOP else None
    if not resolved.is_relative_to(inside):
        return "symbolic link to a file outside the articles folder"
    if stat.S_ISREG(mode):
        return None
    kind = {stat.S_IFIFO: " (a FIFO)", stat.S_IFCHR: " (a device)", stat.S_IFBLK: " (a device)"}
    return "not a regular file" + kind.get(stat.S_IFMT(mode), "")


def _skip_once(skipped: list[SkippedFile], path: Path, reason: str) -> None:
    """Record a skipped unsafe entry; warn only the first time this process meets it."""
    with _warned_lock:
        first = (path, reason) not in _warned
        _warned.add((path, reason))
    if first:
        logger.warning("Skipping article file %s: %s", path, reason)
    skipped.append(SkippedFile(path=path, reason=reason))


def _skip(skipped: list[SkippedFile], path: Path, reason: str, detail: str = "") -> None:
    suffix = f" ({detail})" if detail else ""
    logger.warning("Skipping article file %s: %s%s", path, reason, suffix)
    skipped.append(SkippedFile(path=path, reason=reason))


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in _FENCES), None)
    if end is None:
        return {}, text  # an opening rule without a closing one is no front matter
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if colon and key in _FRONT_MATTER_KEYS:
            fields[key] = _unquote(value.strip())
    return fields, "\n".join(lines[end + 1 :]).lstrip("\n")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    return value


def _published(value: str | None, text: str, path: Path) -> datetime.date | None:
    if value:
        date = parse_german_date(value)
        if date is not None:
            return date
        logger.warning(
            "Article file %s: front matter date %r is not a date (use YYYY-MM-DD or "
            "'27. Januar 2026'); using the date found in the text",
            path,
            value,
        )
    return derive_published(text)
