"""Stand-in encoders for the meaning tests: deterministic, tiny, and counting what they encode."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

from knowledge.dense import Vectors


class CountingEncoder:
    """A hashed bag of words per text; counts what it encodes."""

    def __init__(self, name: str = "fake-1") -> None:
        self.name = name
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.encoded.extend(texts)
        rows = np.zeros((len(texts), 16), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for word in text.lower().split():
                row[hashlib.sha256(word.encode()).digest()[0] % 16] += 1.0
        unit: Vectors = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        return unit


class TableEncoder:
    """Gives each listed text its direction (unit vectors); any other text the last axis."""

    name = "table-1"

    def __init__(self, directions: Mapping[str, Sequence[float]], dimensions: int = 4) -> None:
        self.directions = dict(directions)
        self.dimensions = dimensions

    def encode(self, texts: Sequence[str]) -> Vectors:
        rows = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            if text in self.directions:
                row[:] = self.directions[text]
            else:
                row[-1] = 1.0
        unit: Vectors = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        return unit
