"""The figures of a search benchmark run: its JSON object, Markdown tables, ratios and targets.

The JSON object has a fixed shape (see :mod:`benchmarks.search`). The text report holds, per
size, a Markdown table of the figures, a table of ratios (other system / newsdesk, so above 1
means newsdesk is faster or smaller) and, at the end, the issue's targets with their verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.corpus import CorpusSpec, QuerySpec
from benchmarks.measure import percentile
from benchmarks.runs import Outcome
from benchmarks.systems import REFERENCE, SYSTEMS
from knowledge.bm25 import DEFAULT_BM25

__all__ = [
    "FIGURES",
    "SizeResult",
    "as_json",
    "figures",
    "raw_figures",
    "targets",
    "text_report",
]

FIGURES = ("build_s", "peak_mb", "disk_mb", "load_s", "p50_ms", "p99_ms", "identical_to_reference")
"""The figures of each system and size, in the order of the JSON object."""

Figure = float | bool | None


@dataclass(frozen=True, slots=True)
class SizeResult:
    """The outcomes of one size; None for a system that was not run.

    Attributes:
        n_docs: Number of passages.
        outcomes: Per system, its outcome.
        reference_queries: How many of the first queries the reference timed and checked.
    """

    n_docs: int
    outcomes: dict[str, Outcome | None]
    reference_queries: int

    def p(self, system: str, q: float, first: int | None = None) -> float | None:
        """Return a system's ``q``-th latency percentile in ms, over its ``first`` queries."""
        outcome = self.outcomes.get(system)
        if outcome is None or not outcome.served.latencies_ms:
            return None
        return percentile(outcome.served.latencies_ms[:first], q)

    def identical(self, system: str) -> bool | None:
        """Return the reference's verdict on a system (None: the reference, or not checked)."""
        reference = self.outcomes.get(REFERENCE)
        if system == REFERENCE or reference is None:
            return None
        agreement = reference.served.agreement.get(system)
        return None if agreement is None else agreement.holds


def _sig(value: float | None) -> float | None:
    """Round to four significant digits (small positive figures stay positive)."""
    return None if value is None else float(f"{value:.4g}")


def raw_figures(result: SizeResult, system: str) -> dict[str, Figure]:
    """Return the figures of one system at one size, unrounded (all None when not run)."""
    outcome = result.outcomes.get(system)
    if outcome is None:
        return dict.fromkeys(FIGURES)
    built, served = outcome.built, outcome.served
    return {
        "build_s": built.build_s,
        "peak_mb": built.peak_mb,
        "disk_mb": built.disk_mb,
        "load_s": served.load_s,
        "p50_ms": result.p(system, 50),
        "p99_ms": result.p(system, 99),
        "identical_to_reference": result.identical(system),
    }


def figures(result: SizeResult, system: str) -> dict[str, Figure]:
    """Return the JSON figures of one system at one size, to four significant digits."""
    return {
        name: value if isinstance(value, bool) else _sig(value)
        for name, value in raw_figures(result, system).items()
    }


def as_json(results: Sequence[SizeResult]) -> dict[str, object]:
    """Return the one JSON object of a run."""
    return {
        "sizes": {str(r.n_docs): {s: figures(r, s) for s in SYSTEMS} for r in results},
    }


def _num(value: float | None) -> str:
    """Format a figure with three significant digits, or a dash."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _ratio(other: Figure, ours: Figure) -> str:
    """Format ``other / ours`` or a dash."""
    if other is None or not ours or isinstance(other, bool) or isinstance(ours, bool):
        return "–"
    return _num(other / ours)


def _verdict(result: SizeResult, system: str) -> str:
    """Describe how a system's top 10 agreed with the reference's."""
    if result.outcomes.get(system) is None:
        return "not run"
    if system == REFERENCE:
        return "reference"
    reference = result.outcomes.get(REFERENCE)
    agreement = None if reference is None else reference.served.agreement.get(system)
    if agreement is None:
        return "not checked"
    text = f"{'yes' if agreement.holds else 'no'}: {agreement.identical}/{agreement.queries}"
    if agreement.all_scores is not None:
        text += ", every score and idf" if agreement.all_scores else ", some scores differ"
    return f"{text} (max rel. error {agreement.max_error:.1g})"


def _load_peaks(result: SizeResult) -> str:
    """Describe the peak memory of each load, which the table does not show."""
    peaks = [
        f"{system} {outcome.served.load_peak_mb:,.0f} MB"
        for system, outcome in result.outcomes.items()
        if outcome is not None and outcome.served.load_peak_mb is not None
    ]
    if not peaks:
        return ""
    return f" Peak memory of a fresh process loading the saved index: {', '.join(peaks)}."


def _size_report(result: SizeResult, n_terms: int, n_queries: int) -> list[str]:
    """Return the Markdown lines of one size."""
    outcome = next((o for o in result.outcomes.values() if o is not None), None)
    if outcome is None:
        return [f"### {result.n_docs:,} passages: no system was run", ""]
    spec, query = CorpusSpec(result.n_docs), QuerySpec()
    p = DEFAULT_BM25
    lines = [
        f"### {result.n_docs:,} passages, {outcome.built.n_tokens:,} terms",
        "",
        f"{spec.min_terms}-{spec.max_terms} terms per passage, Zipf s={spec.zipf_s} over "
        f"{n_terms:,} German stems; {n_queries} queries of {query.min_terms}-{query.max_terms} "
        f"terms, {REFERENCE} timed and checked on the first {result.reference_queries}; "
        f"k1 {p.k1}, b {p.b}, epsilon {p.epsilon}. Before its build each process holds "
        f"{outcome.built.corpus_mb:,.0f} MB (interpreter, libraries and the passages), counted in "
        f"its peak.{_load_peaks(result)}",
        "",
        "| system | build s | peak MB | disk MB | load s | p50 ms | p99 ms | top 10 = rank_bm25 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for system in SYSTEMS:
        f = figures(result, system)
        cells = [_num(f[name]) if f[name] is not None else "–" for name in FIGURES[:-1]]
        lines.append(f"| {system} | {' | '.join(cells)} | {_verdict(result, system)} |")
    lines += [
        "",
        "| other / newsdesk | build | peak | disk | load | p50 | p99 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    ours = raw_figures(result, "newsdesk")
    for system in SYSTEMS[1:]:
        if result.outcomes.get(system) is None or result.outcomes.get("newsdesk") is None:
            continue
        other = raw_figures(result, system)
        first = result.reference_queries if system == REFERENCE else None
        cells = [_ratio(other[name], ours[name]) for name in FIGURES[:4]]
        cells += [_ratio(result.p(system, q), result.p("newsdesk", q, first)) for q in (50, 99)]
        lines.append(f"| {system} | {' | '.join(cells)} |")
    return [*lines, ""]


def targets(results: Sequence[SizeResult]) -> list[str]:
    """Return the issue's targets with the measured figures and a verdict, for sizes run."""
    lines: list[str] = []

    def verdict(size: str, goal: str, measured: str, met: bool) -> None:
        lines.append(f"- {size}: {goal}: {measured}, {'met' if met else 'NOT met'}")

    for result in results:
        outcome = result.outcomes.get("newsdesk")
        p50 = result.p("newsdesk", 50)
        if outcome is None or p50 is None:
            continue
        load_s, peak_mb = outcome.served.load_s, outcome.built.peak_mb
        if result.n_docs == 100_000:
            ref = result.p(REFERENCE, 50)
            ours_same = result.p("newsdesk", 50, result.reference_queries)
            if ref is not None and ours_same:
                ratio = ref / ours_same
                verdict(
                    "10^5", "p50 at least 50x lower than rank_bm25", f"{ratio:,.0f}x", ratio >= 50
                )
            bm25s = result.p("bm25s", 50)
            if bm25s is not None:
                measured = f"{p50:.3g} ms against {bm25s:.3g} ms"
                verdict("10^5", "p50 no slower than bm25s", measured, p50 <= bm25s)
        if result.n_docs == 1_000_000:
            verdict("10^6", "p50 under 25 ms", f"{p50:.3g} ms", p50 < 25)
            if load_s is not None:
                verdict("10^6", "loads in seconds (under 10 s)", f"{load_s:.3g} s", load_s < 10)
            verdict("10^6", "build peak under 4 GiB", f"{peak_mb:,.0f} MB", peak_mb < 4096)
    return lines


def text_report(results: Sequence[SizeResult], n_terms: int, n_queries: int) -> str:
    """Return the Markdown report of a run: one section per size, then the targets."""
    lines: list[str] = []
    for result in results:
        lines += _size_report(result, n_terms, n_queries)
    found = targets(results)
    if found:
        lines += ["Targets:", "", *found]
    return "\n".join(lines).rstrip() + "\n"
