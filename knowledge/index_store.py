"""Disk persistence of the search index: a validated, atomically replaced cache directory.

:func:`save_index` writes JSON (manifest, term lists, vocabulary) and ``.npy`` arrays without
pickle into a temporary sibling directory, then renames it into place. :func:`load_index`
trusts nothing: format, caller key, analyzer fingerprint and parameters must match the manifest,
every file its SHA-256 (hashed only when its size, inode, modification or change time differ from
those the manifest recorded at the save: hashing 1.3 GB took seconds at each start of a 10^5
article archive), every array its dtype, shape and ranges; the arrays are then memory-mapped
read-only, so the server and its answering workers share one copy. It never raises on a bad cache;
it logs why and returns None, meaning "rebuild". :meth:`SearchIndex.save
<knowledge.index.SearchIndex.save>` and :meth:`SearchIndex.load
<knowledge.index.SearchIndex.load>` delegate here.

Messages are logged under the ``knowledge.index`` logger, the name they had before this module
was split out of :mod:`knowledge.index`, so existing log filters keep matching.

Errors: ``Exception`` -> :class:`IndexCacheError` (re-exported by :mod:`knowledge.index`), raised
by ``save_index`` when the target exists and holds something that is not an index cache (it is
never deleted).

Imports: :mod:`knowledge.index` imports this module; this module needs the ``SearchIndex`` class
only to build a loaded index, so it imports it inside :func:`load_index` (and for type hints
only under ``TYPE_CHECKING``), which keeps the import graph free of cycles.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from knowledge.analysis import Analyzer
from knowledge.bm25 import Bm25Params, ImpactMatrix
from knowledge.compounds import CompoundParams, Decompounder

if TYPE_CHECKING:
    from knowledge.index import SearchIndex

__all__ = ["IndexCacheError", "StagedSave", "load_index", "save_index"]

logger = logging.getLogger("knowledge.index")

_MANIFEST = "manifest.json"
_FORMAT = "newsdesk-search-index"
_FORMAT_VERSION = 2  # 2: term frequencies and lengths kept (delta segments)
_FIELDS = ("main", "compound")
_ARRAYS = ("idf", "indptr", "indices", "data", "tf", "lengths")
_DATA_FILES = (
    "vocabulary.json",
    *(f"{f}.{n}" for f in _FIELDS for n in ("terms.json", *(f"{a}.npy" for a in _ARRAYS))),
)
_MAX_JSON_BYTES = 1 << 30
_TICK_NS = 20_000_000  # two ticks of the coarsest clock Linux keeps file times with (100 Hz)


class IndexCacheError(Exception):
    """An index cannot be saved to the directory given (the message says why)."""


class _CacheRejectedError(Exception):
    """A cache failed a check; the message says which."""


class _ArchiveChangedError(_CacheRejectedError):
    """The cache was built from another archive: routine after any change, so logged at INFO."""


def save_index(index: SearchIndex, directory: Path, key: str) -> None:
    """Write an index atomically to ``directory`` (owned by the index) under ``key``.

    The files are written to a temporary sibling directory which then replaces
    ``directory``; readers see either the old cache or the new one, never a mix.

    Args:
        index: The index to save.
        directory: The cache directory; created or replaced.
        key: The caller's key (e.g. a hash of the articles); ``load_index`` must be given it.

    Raises:
        IndexCacheError: When ``directory`` holds files that are not part of a cache.
        OSError: When writing fails.
    """
    if index.has_delta:
        raise IndexCacheError("an index with a delta segment is saved once merged (rebuilt)")
    StagedSave(directory).finish(index, key)


class StagedSave:
    """A save begun before the build ends: a finished field can be written, and mapped, early.

    ``newsdesk index`` parks the main field here before the compound field is built, so the
    main field's arrays lie in files rather than in memory while the larger compound field's
    are made (:func:`knowledge.index_build.build_index`). :meth:`finish` writes the rest and
    puts the directory in place as :func:`save_index` does; the parked field's files are then
    the cache's, memory-mapped as a loaded index's are.

    Raises:
        IndexCacheError: When ``directory`` holds files that are not part of a cache.
        OSError: When the temporary directory cannot be made.
    """

    def __init__(self, directory: Path) -> None:
        _check_replaceable(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        self._directory = directory
        self._tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
        self._files: dict[str, str] = {}
        self._parked: dict[str, ImpactMatrix] = {}
        self._error: OSError | None = None

    def park(self, field: str, matrix: ImpactMatrix) -> ImpactMatrix:
        """Write a finished field's files; return the matrix over them, memory-mapped.

        When writing fails the matrix is returned as it is and :meth:`finish` raises the error.
        """
        if field not in _FIELDS:
            raise ValueError(f"unknown field {field!r}")
        if self._error is not None:
            return matrix
        files: dict[str, str] = {}
        try:
            _write_matrix(self._tmp, field, matrix, files)
            arrays = {
                name: np.load(self._tmp / f"{field}.{name}.npy", mmap_mode="r", allow_pickle=False)
                for name in _ARRAYS
            }
        except OSError as error:
            self._error = error
            return matrix
        self._files.update(files)
        self._parked[field] = parked = matrix.over(arrays)
        return parked

    def finish(self, index: SearchIndex, key: str) -> None:
        """Write what is not parked and the manifest, then replace the directory.

        Raises:
            IndexCacheError: When the index has a delta segment.
            OSError: When writing failed, now or while parking.
        """
        tmp, files = self._tmp, self._files
        try:
            if index.has_delta:
                raise IndexCacheError("an index with a delta segment is saved once merged")
            if self._error is not None:
                raise self._error
            _write(tmp, "vocabulary.json", sorted(index.decompounder.vocabulary), files)
            for field, matrix in (("main", index.main), ("compound", index.compound)):
                assert isinstance(matrix, ImpactMatrix)  # noqa: S101 - has_delta was checked
                if self._parked.get(field) is not matrix:
                    _write_matrix(tmp, field, matrix, files)
            identity = _identity(
                key, index.analyzer, index.params, index.compound_weight, index.compounds
            )
            stamps = {name: _stamp(tmp / name) for name in files}
            _outlast(max((stamp[3] for stamp in stamps.values()), default=0))
            manifest = {**identity, "n_docs": index.n_docs, "files": files, "stamps": stamps}
            _write(tmp, _MANIFEST, manifest, {})
            _swap(tmp, self._directory)
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Remove the temporary directory (a parked field's mapped arrays stay readable)."""
        shutil.rmtree(self._tmp, ignore_errors=True)


def load_index(
    directory: Path,
    key: str,
    analyzer: Analyzer,
    params: Bm25Params,
    *,
    compound_weight: float,
    compounds: CompoundParams,
) -> SearchIndex | None:
    """Load a saved index, or None (with a logged warning) if missing, stale or corrupt.

    Nothing in the directory is trusted: no pickle is ever loaded, checksums, shapes,
    dtypes and ranges are checked, and any failure means "rebuild", never an exception.

    Args:
        directory: The cache directory written by ``save_index``.
        key: The key the cache must have been saved under.
        analyzer: The analyzer the cache must have been built with, used again for queries.
        params: The BM25 parameters the cache must have been built with.
        compound_weight: The compound-field weight the cache must have been built with.
        compounds: The decompounding parameters the cache must have been built with.

    Returns:
        The loaded index, or None when the cache cannot be used (the log says why).
    """
    # Deferred: knowledge.index imports this module at load time (see the module docstring).
    from knowledge.index import SearchIndex, _stopword_test  # noqa: PLC0415

    try:
        manifest = _read_json(directory / _MANIFEST)
        if not isinstance(manifest, dict):
            raise _CacheRejectedError("manifest is not a JSON object")
        expected = _identity(key, analyzer, params, compound_weight, compounds)
        for name, value in expected.items():
            if manifest.get(name) != value:
                if name == "key":
                    raise _ArchiveChangedError("stale: key differs (the archive changed)")
                raise _CacheRejectedError(f"stale or foreign cache: {name} differs")
        files = manifest.get("files")
        if not isinstance(files, dict) or set(files) != set(_DATA_FILES):
            raise _CacheRejectedError(f"manifest must list exactly the files {sorted(_DATA_FILES)}")
        stamps = manifest.get("stamps")
        for name, digest in files.items():
            if not _as_written(directory / name, stamps) and _sha256(directory / name) != digest:
                raise _CacheRejectedError(f"{name} does not match its checksum")
        n_docs = manifest.get("n_docs")
        if not isinstance(n_docs, int) or isinstance(n_docs, bool):
            raise _CacheRejectedError("n_docs must be an integer")
        main, compound = (_read_matrix(directory, f, n_docs, params) for f in _FIELDS)
        known = _string_list(_read_json(directory / "vocabulary.json"), "vocabulary.json")
        stopword = _stopword_test(analyzer)
        decompounder = Decompounder(known, compounds, stopword=stopword)
        return SearchIndex(
            analyzer,
            main=main,
            compound=compound,
            decompounder=decompounder,
            compound_weight=compound_weight,
        )
    except FileNotFoundError as error:  # no cache yet (first start) or a file gone
        level = logging.INFO if error.filename == str(directory / _MANIFEST) else logging.WARNING
        logger.log(level, "search index cache %s not used: missing %s", directory, error.filename)
    except _ArchiveChangedError as error:  # articles added, changed or removed: just rebuild
        logger.info("search index cache %s not used: %s", directory, error)
    except Exception as error:  # an untrusted cache must never stop the start
        logger.warning("search index cache %s not used: %s", directory, error)
    return None


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


def _write_matrix(
    directory: Path, field: str, matrix: ImpactMatrix, digests: dict[str, str]
) -> None:
    """Write one field's term list and arrays."""
    _write(directory, f"{field}.terms.json", list(matrix.terms), digests)
    for name, array in matrix.to_arrays().items():
        _write(directory, f"{field}.{name}.npy", array, digests)


def _write(directory: Path, name: str, value: object, digests: dict[str, str]) -> None:
    """Write an array (.npy, no pickle) or JSON value and record its SHA-256."""
    path = directory / name
    if isinstance(value, np.ndarray):
        with path.open("wb") as file:
            np.save(file, value, allow_pickle=False)
    else:
        path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    digests[name] = _sha256(path)


def _stamp(path: Path) -> list[int]:
    """What tells a file's bytes unchanged without reading them: size, inode, mtime and ctime."""
    info = path.stat()
    return [info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns]


def _outlast(ctime_ns: int) -> None:
    """Wait until a write now would get a later change time than ``ctime_ns``.

    File times come from a clock that may tick only every few milliseconds; without the wait a
    file rewritten within the same tick right after the save would keep its recorded stamp.
    """
    wait_ns = ctime_ns + _TICK_NS - time.time_ns()
    if wait_ns > 0:
        time.sleep(wait_ns / 1e9)


def _as_written(path: Path, stamps: object) -> bool:
    """Whether ``path`` still has the stamp the manifest recorded when it was written.

    Writing a file changes its change time (ctime), which, unlike the modification time, cannot
    be set back, so a file with its recorded stamp holds the bytes hashed at the save; any other
    (or no recorded stamp, as in an index saved before stamps were kept) is hashed again.
    """
    return isinstance(stamps, dict) and stamps.get(path.name) == _stamp(path)


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
            # memory-mapped read-only: processes opening the same cache share its pages
            array = np.load(directory / f"{field}.{name}.npy", mmap_mode="r", allow_pickle=False)
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
