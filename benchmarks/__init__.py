"""Benchmarks of Newsdesk: reproducible measurements run by hand, not by the test suite.

Each benchmark is a module with a ``main(argv) -> int`` (``python -m benchmarks.NAME``, later
``newsdesk bench NAME``); ``docs/BENCHMARKS.md`` holds the figures and the commands. This package
sits on top of the others: it may import ``knowledge``, ``bot`` and ``adapters``, and nothing
below imports it. Benchmark-only libraries (bm25s) come from the ``bench`` extra. A smoke test
in ``tests/benchmarks`` runs each benchmark at its smallest size so it cannot rot.

Modules of the search benchmark (``python -m benchmarks.search``):
    corpus: the seeded generator of German-like passages and queries.
    measure: wall time, percentiles, peak memory, disk size and isolated child processes.
    systems: one measured run of one search system, made in a child process.
    report: the JSON object, the Markdown tables, the ratios and the targets.
    search: the command line.
"""

__all__: list[str] = []
