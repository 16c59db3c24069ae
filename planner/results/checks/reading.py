"""The results workbook read back as plain rows, each with the place it stands in the workbook."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from planner.errors import PlannerError
from planner.results import layout
from planner.results.checks.findings import WORKBOOK, Violation


@dataclass
class Sheet:
    """The rows of one results sheet (all its parts), with where each row stands."""

    name: str
    columns: dict[str, int]
    rows: list[tuple[object, ...]] = field(default_factory=list)
    places: list[tuple[str, int]] = field(default_factory=list)  # (worksheet, row number)

    def records(self, *names: str) -> Iterator[tuple[str, tuple[object, ...]]]:
        """(`Sheet!row`, values of the named columns) for every row."""
        indices = [self.columns[name] for name in names]
        for (worksheet, number), row in zip(self.places, self.rows, strict=True):
            yield (
                f"{worksheet}!{number}",
                tuple(row[index] if index < len(row) else None for index in indices),
            )


@dataclass
class Book:
    """The Summary figures, the plan sheets that could be read, and what was wrong with the rest."""

    summary: dict[str, object]
    sheets: dict[str, Sheet]
    problems: list[Violation]


# The sheets the checker needs: without one of them there is no plan to check.
PLAN_SHEETS = (
    layout.SITES,
    layout.CFD,
    layout.STOCKPILE,
    layout.BALANCE,
    layout.SITE_OUTPUT,
    layout.EXTERNAL,
    layout.SCENARIO_COSTS,
)
# Sheets of revision-3 figures, checked when present (results written before them lack them).
REPORT_SHEETS = (layout.TREE, layout.SUPPLY_CAPS, layout.BUDGETS)


def open_book(path: Path) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parser failure: not a results workbook we can read
        raise PlannerError(f"cannot read {path} as a results workbook: {exc}") from None


def read_summary(book: openpyxl.Workbook, path: Path) -> dict[str, object]:
    if layout.SUMMARY.name not in book.sheetnames:
        raise PlannerError(f"{path} is not a results workbook: it has no Summary sheet")
    return {
        str(row[0]): row[1]
        for row in book[layout.SUMMARY.name].iter_rows(min_row=2, values_only=True)
        if row and row[0] is not None
    }


def read_workbook(path: Path) -> Book:
    """The Summary and every plan sheet; a missing sheet or column is a workbook problem."""
    book = open_book(path)
    try:
        names = set(book.sheetnames)
        summary = read_summary(book, path)
        sheets: dict[str, Sheet] = {}
        problems: list[Violation] = []
        for sheet in (*PLAN_SHEETS, *REPORT_SHEETS):
            if sheet.name not in names:
                if sheet in PLAN_SHEETS:
                    problems.append(Violation(WORKBOOK, sheet.name, "the sheet is missing"))
                continue
            read = read_sheet(book, sheet, names)
            missing = [name for name in sheet.names if name not in read.columns]
            if missing:
                problems.append(
                    Violation(WORKBOOK, sheet.name, f"missing columns: {', '.join(missing)}")
                )
                continue
            sheets[sheet.name] = read
    finally:
        book.close()
    return Book(summary, sheets, problems)


def read_sheet(book: openpyxl.Workbook, sheet: layout.SheetLayout, names: set[str]) -> Sheet:
    """A sheet and its continuation parts (`Balance 2`, ...) as one table.

    Columns are found by `layout.column_key`, so headers with units (`inventory (t)`) and the
    plain headers of workbooks written before them read alike.
    """
    result: Sheet | None = None
    part = 1
    while (name := layout.continuation_name(sheet.name, part)) in names:
        rows = book[name].iter_rows(values_only=True)
        header = next(rows, ())
        if result is None:
            result = Sheet(sheet.name, layout.column_positions(header))
        for number, row in enumerate(rows, start=2):
            if any(value is not None for value in row):
                result.rows.append(row)
                result.places.append((name, number))
        part += 1
    assert result is not None  # the caller saw the first part
    return result
