"""Measuring helpers: peak memory, wall time per call, percentiles, disk size, child processes.

Peak memory is the process's resident high-water mark (``VmHWM`` in ``/proc/self/status``). On
Linux it can be reset (writing ``5`` to ``/proc/self/clear_refs``), so one child process can
report the peak of its build alone rather than that of generating its input; elsewhere the peak
falls back to ``ru_maxrss``, the high-water mark since the process started.

Each system is measured in a fresh Python process (:func:`run_isolated`), so no system inherits
another's memory or warm caches. The child is ``python -m benchmarks.measure MODULE:FUNCTION TASK
RESULT``: it reads the pickled task, calls the function and pickles its result. Unlike
``multiprocessing``'s spawn, this works whatever the caller's main module is. The pickles are
written and read by this module alone, in a private temporary directory.
"""

from __future__ import annotations

import gc
import importlib
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

__all__ = [
    "available_mb",
    "directory_mb",
    "peak_rss_mb",
    "percentile",
    "reset_peak_rss",
    "rss_mb",
    "run_isolated",
    "time_calls",
]

T = TypeVar("T")
R = TypeVar("R")
_STATUS = Path("/proc/self/status")
_MB = 1024 * 1024


def _status_kb(key: str) -> int | None:
    """Return a ``kB`` figure of ``/proc/self/status``, None where there is none."""
    try:
        for line in _STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mb() -> float:
    """Return the process's resident memory now, in MiB (the peak where that is unknown)."""
    kb = _status_kb("VmRSS")
    return kb / 1024 if kb is not None else peak_rss_mb()


def peak_rss_mb() -> float:
    """Return the resident high-water mark in MiB, since the last reset or the start."""
    kb = _status_kb("VmHWM")
    if kb is None:  # not Linux: ru_maxrss is kB on Linux, bytes on macOS
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return kb / 1024


def reset_peak_rss() -> bool:
    """Reset the resident high-water mark to the current size; False where that is impossible."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


def available_mb() -> float | None:
    """Return ``MemAvailable`` of ``/proc/meminfo`` in MiB, None where unknown."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def directory_mb(path: Path) -> float:
    """Return the total size of the files under ``path`` in MiB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / _MB


def time_calls(
    call: Callable[[T], R],
    items: Sequence[T],
    *,
    warmup: int,
    after: Callable[[int, R], None] | None = None,
) -> list[float]:
    """Call ``call`` on each item and return each call's wall time in milliseconds.

    Args:
        call: The measured operation.
        items: Its inputs, measured in order.
        warmup: How many of the first items to run once, unmeasured, before measuring.
        after: Called with (item position, result) after each measured call, outside the timing.

    Returns:
        One wall time per item, from ``time.perf_counter_ns``.
    """
    for item in items[:warmup]:
        call(item)
    gc.collect()
    times: list[float] = []
    for i, item in enumerate(items):
        start = time.perf_counter_ns()
        result = call(item)
        times.append((time.perf_counter_ns() - start) / 1e6)
        if after is not None:
            after(i, result)
    return times


def percentile(values: Sequence[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) with linear interpolation, as numpy does."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def run_isolated(function: str, task: object, result_type: type[R]) -> R:
    """Run ``function(task)`` in a fresh Python process and return its result.

    Args:
        function: ``"package.module:name"`` of a function importable in the child.
        task: Its picklable argument.
        result_type: The type of its result, checked.

    Raises:
        subprocess.CalledProcessError: When the child fails (its traceback is on stderr).
        TypeError: When the result is not a ``result_type``.
    """
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp:
        task_path, result_path = Path(tmp) / "task.pickle", Path(tmp) / "result.pickle"
        task_path.write_bytes(pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL))
        command = [sys.executable, "-m", __name__, function, str(task_path), str(result_path)]
        subprocess.run(command, check=True)  # noqa: S603 (our own interpreter and module)
        result = pickle.loads(result_path.read_bytes())  # noqa: S301 (written by our child)
    if not isinstance(result, result_type):
        raise TypeError(f"{function} returned {type(result).__name__}, not {result_type.__name__}")
    return result


def _child(argv: Sequence[str]) -> int:
    """Run the child side of :func:`run_isolated`: ``MODULE:FUNCTION TASK RESULT``."""
    function, task_path, result_path = argv
    module, _, name = function.partition(":")
    call = getattr(importlib.import_module(module), name)
    task = pickle.loads(Path(task_path).read_bytes())  # noqa: S301 (written by our parent)
    Path(result_path).write_bytes(pickle.dumps(call(task), protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
