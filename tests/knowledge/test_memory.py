"""Handing freed memory back: glibc's trim is found and called; elsewhere it is skipped."""

from __future__ import annotations

import platform

import pytest

from knowledge import memory


def test_glibc_trims() -> None:
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc_trim is glibc's")
    garbage = [str(i) * 100 for i in range(10_000)]
    del garbage
    assert memory.release_free_memory() is True


def test_without_malloc_trim_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    assert memory.release_free_memory() is False
