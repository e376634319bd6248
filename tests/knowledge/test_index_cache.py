"""A saved index is reused only when everything matches; anything odd means rebuild."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import knowledge.index_store
from knowledge.analysis import GermanAnalyzer
from knowledge.bm25 import Bm25Params
from knowledge.compounds import CompoundParams
from knowledge.index import IndexCacheError, SearchIndex

KEY = "articles:3f2a|chunk:800/100"
DOCUMENTS = [
    "Microsoft investierte 13 Milliarden Dollar in OpenAI.",
    "Mozilla setzt $1.4 Billion auf eine Rebel Alliance aus Open-Source-Startups.",
    "Meta verdient mit Werbeanzeigen, Zeitungen mit Anzeigen.",
    "Das MAI-1-Modell lief auf 15.000 Nvidia H100-GPUs.",
    "Elon Musk bot 97,4 Milliarden Dollar für OpenAI.",
]
QUERIES = ["Wie viel bot Musk für OpenAI?", "Anzeigen", "H100 Modell", "Milliarden Dollar"]


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex.build(DOCUMENTS, GermanAnalyzer())


@pytest.fixture
def saved(tmp_path: Path, index: SearchIndex) -> Path:
    directory = tmp_path / "cache" / "index"
    index.save(directory, KEY)
    return directory


def load(directory: Path, **changes: Any) -> SearchIndex | None:
    options: dict[str, Any] = {"key": KEY, "analyzer": GermanAnalyzer(), **changes}
    return SearchIndex.load(directory, **options)


def test_save_then_load_gives_identical_scores(index: SearchIndex, saved: Path) -> None:
    loaded = load(saved)
    assert loaded is not None
    assert loaded.n_docs == index.n_docs == len(DOCUMENTS)
    assert loaded.params == index.params
    assert loaded.compound_weight == index.compound_weight
    assert loaded.decompounder.vocabulary == index.decompounder.vocabulary
    for query in QUERIES:
        assert np.array_equal(loaded.scores(query), index.scores(query))
        assert loaded.search(query) == index.search(query)
        assert loaded.analyze_query(query) == index.analyze_query(query)


def test_files_are_json_and_npy_only(saved: Path) -> None:
    names = sorted(p.name for p in saved.iterdir())
    assert "manifest.json" in names
    assert all(name.endswith((".json", ".npy")) for name in names)
    manifest = json.loads((saved / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["key"] == KEY
    assert manifest["analyzer"] == GermanAnalyzer().fingerprint()
    assert manifest["bm25"] == {"k1": 0.9, "b": 0.4, "epsilon": 0.25}
    assert not [p for p in saved.parent.iterdir() if p.name != "index"]  # no temp dirs left


def expect_rejected(
    directory: Path,
    caplog: pytest.LogCaptureFixture,
    reason: str,
    level: int = logging.WARNING,
    **changes: object,
) -> None:
    with caplog.at_level(level, logger="knowledge.index"):
        assert load(directory, **changes) is None
    assert reason in caplog.text


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"analyzer": GermanAnalyzer(stem=False)}, "analyzer differs"),
        ({"params": Bm25Params(k1=1.2)}, "bm25 differs"),
        ({"compound_weight": 0.25}, "compound_weight differs"),
        ({"compounds": CompoundParams(min_head=5)}, "compounds differs"),
    ],
)
def test_stale_cache_is_not_used(
    saved: Path, caplog: pytest.LogCaptureFixture, changes: dict[str, object], reason: str
) -> None:
    expect_rejected(saved, caplog, reason, logging.WARNING, **changes)


def test_a_cache_of_another_archive_is_not_used_and_is_no_warning(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expect_rejected(saved, caplog, "key differs", logging.INFO, key="articles:other")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # a routine rebuild


def test_missing_cache_is_not_used_and_is_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expect_rejected(tmp_path / "nothing-here", caplog, "missing", level=logging.INFO)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # a first start


def test_manifest_that_is_not_json(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    (saved / "manifest.json").write_text("{not json", encoding="utf-8")
    expect_rejected(saved, caplog, "manifest.json is not valid JSON")


def test_foreign_manifest(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    (saved / "manifest.json").write_text('{"format": "someone-else"}', encoding="utf-8")
    expect_rejected(saved, caplog, "format differs")
    (saved / "manifest.json").write_text("[1, 2, 3]", encoding="utf-8")
    expect_rejected(saved, caplog, "not a JSON object")


def test_truncated_array_file(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = saved / "main.data.npy"
    path.write_bytes(path.read_bytes()[:-9])
    expect_rejected(saved, caplog, "main.data.npy does not match its checksum")


def test_garbled_array_file(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = saved / "compound.indices.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    expect_rejected(saved, caplog, "checksum")


def rewrite(directory: Path, name: str, payload: bytes) -> None:
    """Replace a file and fix up the manifest's checksum, as a careful attacker would."""
    (directory / name).write_bytes(payload)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = hashlib.sha256(payload).hexdigest()
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


class Exploit:
    """Unpickling this creates a marker file: proof that something was unpickled."""

    marker: Path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("as_npy", [True, False])
def test_planted_pickle_is_never_unpickled(
    saved: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, as_npy: bool
) -> None:
    exploit = Exploit()
    exploit.marker = tmp_path / "pwned"
    if as_npy:  # an object array, which .npy can only hold as a pickle
        buffer = io.BytesIO()
        np.save(buffer, np.array([exploit, 1], dtype=object), allow_pickle=True)
        payload = buffer.getvalue()
    else:
        payload = pickle.dumps(np.array([exploit], dtype=object))
    rewrite(saved, "main.idf.npy", payload)
    expect_rejected(saved, caplog, "main.idf.npy is not a plain array (pickled data is refused)")
    assert not exploit.marker.exists()


def test_consistent_but_wrong_shape_is_rejected(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(2, dtype=np.int64), allow_pickle=False)
    rewrite(saved, "main.indptr.npy", buffer.getvalue())
    expect_rejected(saved, caplog, "indptr")


def test_out_of_range_documents_are_rejected(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    indices = np.load(saved / "compound.indices.npy")
    indices[-1] = len(DOCUMENTS) + 3
    buffer = io.BytesIO()
    np.save(buffer, indices, allow_pickle=False)
    rewrite(saved, "compound.indices.npy", buffer.getvalue())
    expect_rejected(saved, caplog, "document indices must lie")


def test_vocabulary_that_is_not_a_list_of_strings(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rewrite(saved, "vocabulary.json", b'{"a": 1}')
    expect_rejected(saved, caplog, "vocabulary.json must be a JSON list of strings")


def test_save_replaces_an_older_cache(tmp_path: Path, saved: Path) -> None:
    bigger = SearchIndex.build([*DOCUMENTS, "Noch ein Artikel über Anthropic."], GermanAnalyzer())
    bigger.save(saved, "articles:new")
    assert load(saved) is None
    loaded = load(saved, key="articles:new")
    assert loaded is not None
    assert loaded.n_docs == len(DOCUMENTS) + 1
    assert [h.doc for h in loaded.search("Anthropic")] == [len(DOCUMENTS)]
    assert sorted(p.name for p in saved.parent.iterdir()) == ["index"]


def test_save_refuses_to_replace_a_directory_that_is_not_a_cache(
    tmp_path: Path, index: SearchIndex
) -> None:
    directory = tmp_path / "precious"
    directory.mkdir()
    (directory / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(IndexCacheError, match=r"notes\.txt"):
        index.save(directory, KEY)
    assert (directory / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_an_untouched_cache_is_loaded_without_hashing_its_files(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hashing(path: Path) -> str:
        pytest.fail(f"{path.name} was hashed although its stamp is the one saved")

    monkeypatch.setattr("knowledge.index_store._sha256", hashing)
    assert load(saved) is not None


def test_a_file_garbled_with_its_times_set_back_is_still_caught(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = saved / "main.indices.npy"
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))  # in place: same inode and size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time still moves
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    expect_rejected(saved, caplog, "main.indices.npy does not match its checksum")


def test_a_cache_saved_without_stamps_is_hashed_and_used(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = json.loads((saved / "manifest.json").read_text(encoding="utf-8"))
    del manifest["stamps"]  # as saved before the stamps were kept
    (saved / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    hashed: list[str] = []
    real = knowledge.index_store._sha256

    def hashing(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr("knowledge.index_store._sha256", hashing)
    assert load(saved) is not None
    assert sorted(hashed) == sorted(manifest["files"])
