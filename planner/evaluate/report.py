"""The evaluation workbook and the console summary of `planner evaluate`.

Sheets: Summary (metric, value, unit), Scenarios (one row per evaluated scenario: the samples it
stands for, its bans, Cost(ω), tonnes beyond coverage, purchases not found, stock below
obligation), Shortfalls (scenario, mineral, country, year, tonnes beyond coverage) and Worst (the
costliest scenarios). Headers carry their unit (`cost (USD)`) through the results layout's
`Column.header`, so a reader finds a column with `planner.results.layout.column_key`. Values are
plain; text a spreadsheet would read as a formula is stored as quoted text. Written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.evaluate.run import Evaluation
from planner.files import write_atomically
from planner.results.layout import COUNT, TEXT, TONNES, USD, Column, SheetLayout
from planner.results.overview import header_note

__all__ = ["SCENARIOS", "SHORTFALLS", "summary_rows", "summary_text", "write_evaluation"]

WORST = 10
_FORMULA_STARTS = ("=", "+", "-", "@")


def _tonnes(name: str, meaning: str) -> Column:
    return Column(name, "t", meaning, TONNES)


_SCENARIO = Column("scenario", "", "evaluated scenario: scenario_1, scenario_2, ...", TEXT)
_BEYOND = _tonnes("beyond_coverage", "tonnes short beyond the coverage bound")
SCENARIOS = SheetLayout(
    "Scenarios",
    "distinct evaluated scenario",
    (
        _SCENARIO,
        Column("samples", "", "sampled scenarios it stands for", COUNT),
        Column("bans", "", "the bans of the scenario", TEXT),
        Column("cost", "USD", "Cost(ω) of the plan's first stage in the scenario", USD),
        _BEYOND,
        _tonnes("not_found", "planned purchases the scenario's supply could not deliver"),
        _tonnes("below_obligation", "stock held below the obligation (model.md 12)"),
        Column("status", "", "status of the scenario's solve", TEXT),
    ),
)
SHORTFALLS = SheetLayout(
    "Shortfalls",
    "scenario, mineral, country and year short of coverage",
    (
        _SCENARIO,
        Column("mineral", "", "mineral (Minerals sheet)", TEXT),
        Column("country", "", "alliance member (Countries sheet)", TEXT),
        Column("year", "year", "planning year", "0"),
        _BEYOND,
    ),
)
_SUMMARY_COLUMNS = (
    Column("metric", "", "name of the figure", TEXT),
    Column("value", "see unit", "the figure", "General"),
    Column("unit", "", "unit of the value", TEXT),
)
# The unit of each Summary figure ("" for counts, text and settings).
_SUMMARY_UNITS = {
    "expected_cost": "USD",
    "expected_cost_low_95": "USD",
    "expected_cost_high_95": "USD",
    "share_coverage_not_met": "share",
    "share_purchases_not_found": "share",
    "share_obligation_not_held": "share",
    "seconds": "s",
    "scenarios_per_second": "1/s",
    "gap_estimate": "USD",
    "gap_upper_95": "USD",
}


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
        summary = [
            (metric, value, _SUMMARY_UNITS.get(metric) or None)
            for metric, value in summary_rows(evaluation, extra)
        ]
        _sheet(book, "Summary", _SUMMARY_COLUMNS, summary)
        rows = _scenario_rows(evaluation)
        _sheet(book, SCENARIOS.name, SCENARIOS.columns, rows)
        _sheet(
            book,
            SHORTFALLS.name,
            SHORTFALLS.columns,
            [
                (f"scenario_{i}", m, r, t, tonnes)
                for i, result in enumerate(evaluation.results, start=1)
                for (m, r, t), tonnes in sorted(result.beyond_coverage.items())
            ],
        )
        worst = sorted(rows, key=lambda row: -(row[3] if row[3] == row[3] else float("inf")))
        _sheet(book, "Worst", SCENARIOS.columns, worst[:WORST])
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


def _sheet(
    book: openpyxl.Workbook, name: str, columns: Sequence[Column], rows: list[tuple]
) -> None:
    """A sheet whose bold header reads `name (unit)`, with each column's meaning in a note and
    widths that show the header."""
    sheet = book.create_sheet(name)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.display_width
    bold = Font(bold=True)
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        cell.comment = header_note(column)
        cells.append(cell)
    sheet.append(cells)
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
