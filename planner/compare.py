"""`planner compare A B`: what differs between two results workbooks.

Both workbooks are read with the report's reader (`planner.report.results`), so a sheet that one
of them lacks is compared as empty, never an error. The comparison lists, as rows of (section,
item, A, B, B − A, unit): status and costs with their split, spending, builds (decision year and
size), CfD offers taken, stock bought by mineral and member, and the worst coverage by mineral
and scenario. Figures that are equal on both sides are left out except the headline ones. The
inputs are compared too: by the SHA-256 the Summaries record, and when both input paths can still
be read, sheet by sheet on their raw content (`planner.io.read_raw`).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Font

from planner.errors import PlannerError
from planner.files import write_atomically
from planner.report import names
from planner.report.results import Results, as_number, read_results

Value = str | float | None


@dataclass(frozen=True)
class Difference:
    """One compared figure. `change` is B − A for numbers, None otherwise."""

    section: str
    item: str
    first: Value
    second: Value
    unit: str = ""

    @property
    def change(self) -> float | None:
        if isinstance(self.first, float) and isinstance(self.second, float):
            return self.second - self.first
        return None

    @property
    def differs(self) -> bool:
        return not _same(self.first, self.second)


@dataclass
class Comparison:
    """The two workbooks' differences and how their inputs relate."""

    first: str
    second: str
    rows: list[Difference] = field(default_factory=list)
    same_input: bool | None = None  # None: a Summary lacks the SHA-256
    input_note: str = ""
    input_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, how it differs)

    @property
    def differences(self) -> list[Difference]:
        return [row for row in self.rows if row.differs]


def _same(first: Value, second: Value) -> bool:
    if isinstance(first, float) and isinstance(second, float):
        return math.isclose(first, second, rel_tol=1e-9, abs_tol=1e-6)
    return first == second


HEADLINE = (
    (names.STATUS, "status", ""),
    (names.EXPECTED_COST, "expected cost", "USD"),
    (names.OBJECTIVE, "objective", "USD"),
    (names.CVAR, "CVaR", "USD"),
    (names.MIP_GAP, "optimality gap", "share"),
)
SPENDING = (
    (names.SPEND_CAPEX, "refinery capex spent", "USD"),
    (names.SPEND_STOCKPILE, "stockpile purchases spent", "USD"),
    (names.BUDGET, "budget", "USD"),
)


def compare_results(
    first_path: str | os.PathLike[str], second_path: str | os.PathLike[str]
) -> Comparison:
    """Compare two results workbooks (a PlannerError, exit 1, when one cannot be read)."""
    first, second = read_results(first_path), read_results(second_path)
    comparison = Comparison(str(first_path), str(second_path))
    rows = comparison.rows
    rows += _summary_rows(first, second, "headline", HEADLINE, always=True)
    rows += _summary_rows(
        first,
        second,
        "cost split",
        [(metric, metric[5:].replace("_", " "), "USD") for metric in names.COST_METRICS],
    )
    rows += _summary_rows(first, second, "spending", SPENDING, always=True)
    rows += _member_spending(first, second)
    rows += _builds(first, second)
    rows += _offers(first, second)
    rows += _stock(first, second)
    rows += _coverage(first, second)
    _compare_inputs(comparison, first, second)
    return comparison


def _value(value: object) -> Value:
    number = as_number(value)
    if number is not None:
        return number
    return None if value is None or (isinstance(value, float)) else str(value)


def _summary_rows(
    first: Results,
    second: Results,
    section: str,
    metrics: Iterable[tuple[str, str, str]],
    always: bool = False,
) -> list[Difference]:
    rows = [
        Difference(
            section,
            label,
            _value(first.summary.get(metric)),
            _value(second.summary.get(metric)),
            unit,
        )
        for metric, label, unit in metrics
        if metric in first.summary or metric in second.summary
    ]
    return [row for row in rows if always or row.differs]


def _keyed(
    results: Results, sheet: str, key: list[str], column: str, aggregate: str = "sum"
) -> dict:
    """{key tuple: value} of one column, aggregated over rows with the same key."""
    if not results.has(sheet, *key, column):
        return {}
    table = results.sheets[sheet]
    values = pd.to_numeric(table[column], errors="coerce")
    grouped = values.groupby([table[k].astype(str) for k in key], sort=False)
    series = grouped.sum() if aggregate == "sum" else grouped.min()
    return {
        (index if isinstance(index, tuple) else (index,)): (None if pd.isna(v) else float(v))
        for index, v in series.items()
    }


def _paired(section: str, first: dict, second: dict, label: str, unit: str) -> list[Difference]:
    rows = []
    for key in dict.fromkeys([*first, *second]):
        row = Difference(
            section,
            f"{', '.join(key)}: {label}" if label else ", ".join(key),
            first.get(key),
            second.get(key),
            unit,
        )
        if row.differs:
            rows.append(row)
    return rows


def _member_spending(first: Results, second: Results) -> list[Difference]:
    rows = []
    for column in (names.BUDGET, names.SPENT):
        rows += _paired(
            "spending",
            _keyed(first, names.SPENDING, [names.COUNTRY], column),
            _keyed(second, names.SPENDING, [names.COUNTRY], column),
            column,
            "USD",
        )
    return rows


def _built(results: Results) -> dict[tuple[str], tuple[Value, Value]]:
    """{(site,): (decision year, new capacity)} of the sites with a new build."""
    if not results.has(names.SITES, names.SITE, names.BUILT):
        return {}
    sites = results.sheets[names.SITES]
    built = sites[sites[names.BUILT].astype(str) == "yes"]
    return {
        (str(row[names.SITE]),): (
            _value(row.get(names.BUILD_YEAR)),
            _value(row.get(names.NEW_CAPACITY)),
        )
        for _, row in built.iterrows()
    }


def _builds(first: Results, second: Results) -> list[Difference]:
    a, b = _built(first), _built(second)
    rows = []
    for key in dict.fromkeys([*a, *b]):
        year_a, size_a = a.get(key, (None, None))
        year_b, size_b = b.get(key, (None, None))
        site = key[0]
        if not _same(year_a, year_b):
            rows.append(
                Difference(
                    "builds", f"{site}: decided in", _year_text(year_a), _year_text(year_b), "year"
                )
            )
        if not _same(size_a, size_b):
            rows.append(
                Difference("builds", f"{site}: new capacity", size_a or 0.0, size_b or 0.0, "t/yr")
            )
    return rows


def _year_text(value: Value) -> str:
    return (
        "not built"
        if value is None
        else str(int(value))
        if isinstance(value, float)
        else str(value)
    )


def _accepted(results: Results) -> dict[tuple[str], str]:
    if not results.has(names.CFD, names.OFFER, names.ACCEPTED):
        return {}
    table = results.sheets[names.CFD]
    return {
        (str(o),): str(a) for o, a in zip(table[names.OFFER], table[names.ACCEPTED], strict=True)
    }


def _offers(first: Results, second: Results) -> list[Difference]:
    rows = _paired("CfD offers", _accepted(first), _accepted(second), "accepted", "")
    return rows + _paired(
        "CfD offers",
        _keyed(first, names.CFD, [names.OFFER], names.EXPECTED_PAYMENT),
        _keyed(second, names.CFD, [names.OFFER], names.EXPECTED_PAYMENT),
        "expected government payment",
        "USD",
    )


def _stock(first: Results, second: Results) -> list[Difference]:
    key = [names.MINERAL, names.COUNTRY]
    return _paired(
        "stock bought",
        _keyed(first, names.STOCKPILE, key, names.PURCHASE),
        _keyed(second, names.STOCKPILE, key, names.PURCHASE),
        "",
        "t",
    ) + _paired(
        "stock bought",
        _keyed(first, names.STOCKPILE, [names.MINERAL], names.PURCHASE_COST),
        _keyed(second, names.STOCKPILE, [names.MINERAL], names.PURCHASE_COST),
        "cost",
        "USD",
    )


def _coverage(first: Results, second: Results) -> list[Difference]:
    key = [names.MINERAL, names.SCENARIO]
    return _paired(
        "worst coverage",
        _keyed(first, names.BALANCE, key, names.COVERAGE, "min"),
        _keyed(second, names.BALANCE, key, names.COVERAGE, "min"),
        "",
        "share",
    )


# Inputs ---------------------------------------------------------------------------------------


def _compare_inputs(comparison: Comparison, first: Results, second: Results) -> None:
    digest_a, digest_b = first.text(names.INPUT_SHA256), second.text(names.INPUT_SHA256)
    if digest_a and digest_b:
        comparison.same_input = digest_a == digest_b
    if comparison.same_input:
        comparison.input_note = "both were solved from the same input (same SHA-256)"
        return
    paths = [_input_path(results) for results in (first, second)]
    if paths[0] is None or paths[1] is None:
        comparison.input_note = (
            "the inputs differ by SHA-256; their files are not both readable here, so the sheets "
            "that differ cannot be listed"
            if comparison.same_input is False
            else "a Summary records no input SHA-256: the inputs cannot be compared"
        )
        return
    from planner.io import read_raw

    try:
        raw_a, raw_b = read_raw(paths[0]), read_raw(paths[1])
    except PlannerError as exc:
        comparison.input_note = f"the inputs differ by SHA-256 and cannot be read: {exc}"
        return
    comparison.input_sheets = _sheet_differences(raw_a, raw_b)
    comparison.input_note = (
        f"the inputs {paths[0]} and {paths[1]} differ in {len(comparison.input_sheets)} sheet(s)"
        if comparison.input_sheets
        else f"the inputs {paths[0]} and {paths[1]} hold the same sheets and cells"
    )


def _input_path(results: Results) -> Path | None:
    """The recorded input, as given or relative to the results workbook's folder."""
    recorded = results.text(names.INPUT)
    if not recorded:
        return None
    candidates = [Path(recorded), Path(results.path).parent / recorded]
    return next((path for path in candidates if path.exists()), None)


def _sheet_differences(first: object, second: object) -> list[tuple[str, str]]:
    """(sheet, how it differs) for each sheet that is not the same in both raw workbooks."""
    sheets_a = {sheet.name.casefold(): sheet for sheet in first.sheets.values()}  # type: ignore[attr-defined]
    sheets_b = {sheet.name.casefold(): sheet for sheet in second.sheets.values()}  # type: ignore[attr-defined]
    found = []
    for key in dict.fromkeys([*sheets_a, *sheets_b]):
        a, b = sheets_a.get(key), sheets_b.get(key)
        if a is None or b is None:
            found.append(((a or b).name, "only in A" if b is None else "only in B"))  # type: ignore[union-attr]
            continue
        if a.header != b.header:
            found.append((a.name, "the columns differ"))
            continue
        rows_a = Counter(tuple(row.values) for row in a.rows)
        rows_b = Counter(tuple(row.values) for row in b.rows)
        if rows_a != rows_b:
            only_a, only_b = sum((rows_a - rows_b).values()), sum((rows_b - rows_a).values())
            found.append((a.name, f"{only_a} row(s) only in A, {only_b} row(s) only in B"))
    return found


# Output ---------------------------------------------------------------------------------------


def _show(value: Value, unit: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if unit == "USD":
        return f"{value / 1e6:,.1f} USD million"
    if unit == "share":
        return f"{value:.2%}"
    return f"{value:,.2f} {unit}".rstrip()


def _show_change(row: Difference) -> str:
    change = row.change
    if change is None:
        return ""
    if row.unit == "USD":
        return f"{change / 1e6:+,.1f} USD million"
    if row.unit == "share":
        return f"{change * 100:+.2f} points"
    return f"{change:+,.2f} {row.unit}".rstrip()


def format_comparison(comparison: Comparison) -> str:
    """The console table: headline rows always, other rows where A and B differ."""
    lines = [
        f"A  {comparison.first}",
        f"B  {comparison.second}",
        f"Inputs: {comparison.input_note}",
    ]
    lines += [f"  {sheet}: {how}" for sheet, how in comparison.input_sheets]
    shown = [
        row for row in comparison.rows if row.differs or row.section in ("headline", "spending")
    ]
    table = [
        (
            row.section,
            row.item,
            _show(row.first, row.unit),
            _show(row.second, row.unit),
            _show_change(row),
        )
        for row in shown
    ]
    header = ("section", "item", "A", "B", "B − A")
    widths = [max(len(str(cells[i])) for cells in [header, *table]) for i in range(5)]
    for cells in [header, *table]:
        lines.append(
            "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        )
    differing = len(comparison.differences)
    lines.append(f"{differing} figure(s) differ." if differing else "The two plans are the same.")
    return "\n".join(lines)


def write_comparison(comparison: Comparison, path: str | os.PathLike[str]) -> None:
    """The comparison as a workbook: Differences (every compared row) and Inputs, atomically."""
    target = Path(path)
    if target.resolve() in {Path(comparison.first).resolve(), Path(comparison.second).resolve()}:
        raise PlannerError(f"{target} is one of the compared workbooks; give another -o path")
    if target.suffix.lower() != ".xlsx":
        raise PlannerError(
            f"{target}: the comparison is written as a workbook; end the path in .xlsx"
        )

    def write(temporary: Path) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Differences"
        sheet.append(["section", "item", "A", "B", "B − A", "unit", "differs"])
        for row in comparison.rows:
            sheet.append(
                [
                    row.section,
                    row.item,
                    row.first,
                    row.second,
                    row.change,
                    row.unit,
                    "yes" if row.differs else "no",
                ]
            )
        inputs = book.create_sheet("Inputs")
        inputs.append(["what", "value"])
        inputs.append(["A", comparison.first])
        inputs.append(["B", comparison.second])
        inputs.append(
            [
                "same input (SHA-256)",
                {True: "yes", False: "no", None: "unknown"}[comparison.same_input],
            ]
        )
        inputs.append(["note", comparison.input_note])
        for name, how in comparison.input_sheets:
            inputs.append([f"sheet {name}", how])
        for worksheet, widths in ((sheet, (16, 48, 22, 22, 18, 8, 8)), (inputs, (24, 90))):
            for column, width in zip("ABCDEFG", widths, strict=False):
                worksheet.column_dimensions[column].width = width
            for cell in worksheet[1]:
                cell.font = Font(bold=True)
            worksheet.freeze_panes = "A2"
        book.save(temporary)

    write_atomically(target, write)
