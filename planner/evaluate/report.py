"""The evaluation workbook and the console summary of `planner evaluate`.

Sheets: Summary (metric, value), Scenarios (one row per evaluated scenario: the samples it stands
for, its bans, Cost(ω), tonnes beyond coverage, purchases not found, stock below obligation),
Shortfalls (scenario, mineral, country, year, tonnes beyond coverage) and Worst (the costliest
scenarios). Values are plain; text a spreadsheet would read as a formula is stored as quoted
text. Written atomically.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell

from planner.evaluate.run import Evaluation
from planner.files import write_atomically

__all__ = ["summary_rows", "summary_text", "write_evaluation"]

WORST = 10
_FORMULA_STARTS = ("=", "+", "-", "@")


def summary_rows(evaluation: Evaluation, extra: dict[str, object]) -> list[tuple[str, object]]:
    """The Summary sheet as (metric, value) rows."""
    return [
        *extra.items(),
        ("samples", evaluation.samples),
        ("distinct_scenarios", len(evaluation.scenarios)),
        ("expected_cost", evaluation.mean),
        ("expected_cost_low_95", evaluation.low),
        ("expected_cost_high_95", evaluation.high),
        ("share_coverage_not_met", evaluation.short_share),
        ("share_purchases_not_found", evaluation.not_found_share),
        ("share_obligation_not_held", evaluation.obligation_share),
        ("samples_not_solved", evaluation.failed),
        ("seconds", evaluation.seconds),
        ("scenarios_per_second", len(evaluation.scenarios) / max(evaluation.seconds, 1e-9)),
    ]


def summary_text(evaluation: Evaluation) -> str:
    """What the command prints."""
    lines = [
        f"Expected cost on {evaluation.samples:,} sampled scenarios: {evaluation.mean:,.0f} USD "
        f"(95% interval {evaluation.low:,.0f} – {evaluation.high:,.0f}).",
        f"Coverage not met in {evaluation.short_share:.1%} of the scenarios; planned purchases "
        f"not deliverable in {evaluation.not_found_share:.1%}.",
    ]
    if evaluation.obligation_share:
        lines.append(
            f"Stock obligations not held in {evaluation.obligation_share:.1%} of the scenarios "
            "(the plan bought too little for a later disruption; see the Scenarios sheet)."
        )
    where: dict[tuple[str, str, int], int] = {}
    for scenario, result in zip(evaluation.scenarios, evaluation.results, strict=True):
        for key in result.beyond_coverage:
            where[key] = where.get(key, 0) + scenario.weight
    for (m, r, t), count in sorted(where.items(), key=lambda item: -item[1])[:5]:
        lines.append(f"  {m}, {r}, {t}: short of coverage in {count / evaluation.samples:.1%}")
    if evaluation.failed:
        lines.append(f"{evaluation.failed} samples did not solve (see the Scenarios sheet).")
    lines.append(
        f"{len(evaluation.scenarios):,} distinct scenarios in {evaluation.seconds:.1f} s "
        f"({len(evaluation.scenarios) / max(evaluation.seconds, 1e-9):.0f} per second)."
    )
    return "\n".join(lines)


def write_evaluation(path: Path, evaluation: Evaluation, extra: dict[str, object]) -> None:
    """Write the evaluation workbook to `path`, atomically."""

    def write(temporary: Path) -> None:
        book = openpyxl.Workbook(write_only=True)
        _sheet(book, "Summary", ["metric", "value"], summary_rows(evaluation, extra))
        rows = _scenario_rows(evaluation)
        header = [
            "scenario",
            "samples",
            "bans",
            "cost",
            "beyond_coverage_t",
            "not_found_t",
            "below_obligation_t",
            "status",
        ]
        _sheet(book, "Scenarios", header, rows)
        _sheet(
            book,
            "Shortfalls",
            ["scenario", "mineral", "country", "year", "beyond_coverage_t"],
            [
                (f"scenario_{i}", m, r, t, tonnes)
                for i, result in enumerate(evaluation.results, start=1)
                for (m, r, t), tonnes in sorted(result.beyond_coverage.items())
            ],
        )
        worst = sorted(rows, key=lambda row: -(row[3] if row[3] == row[3] else float("inf")))
        _sheet(book, "Worst", header, worst[:WORST])
        book.save(temporary)

    write_atomically(path, write)


def _scenario_rows(evaluation: Evaluation) -> list[tuple]:
    return [
        (
            f"scenario_{i}",
            scenario.weight,
            scenario.description,
            result.cost,
            sum(result.beyond_coverage.values()),
            sum(result.not_found.values()),
            sum(result.below_obligation.values()),
            result.status,
        )
        for i, (scenario, result) in enumerate(
            zip(evaluation.scenarios, evaluation.results, strict=True), start=1
        )
    ]


def _sheet(book: openpyxl.Workbook, name: str, header: list[str], rows: list[tuple]) -> None:
    sheet = book.create_sheet(name)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


def _cell(sheet: object, value: object) -> object:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value
