"""A results workbook read back as plain tables: the Summary figures and one DataFrame per sheet.

The report, the Overview sheet and `planner compare` all work on a `Results`, so that whatever
they show is what the workbook holds. Sheets are read by name (see `names.py`); a sheet the
workbook lacks is simply absent from `Results.sheets`, and a sheet split over several worksheets
(`Balance`, `Balance 2`, ...) is read as one table. Columns are named by their key
(`planner.results.layout.column_key`): `inventory (t)` and the plain `inventory` of workbooks
written before the units were in the headers are both the column `inventory`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from planner.errors import PlannerError
from planner.report import names
from planner.results.layout import column_key


@dataclass
class Results:
    """The figures of one results workbook."""

    summary: dict[str, object]
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    path: str = ""
    # Each sheet's header cells as written (`inventory (t)`), for tables that show them.
    headers: dict[str, list[str]] = field(default_factory=dict)
    # Row positions by key, built by planner.report.numbers on first use (a cache, not data).
    groups: dict[tuple[str, tuple[str, ...]], dict[tuple, Any]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def sheet(self, name: str) -> pd.DataFrame | None:
        """The sheet `name`, or None when the workbook does not have it."""
        return self.sheets.get(name)

    def has(self, name: str, *columns: str) -> bool:
        """Whether the sheet exists with all of `columns`."""
        table = self.sheets.get(name)
        return table is not None and all(column in table.columns for column in columns)

    def number(self, metric: str) -> float | None:
        """A Summary figure as a float; None when blank or not a number."""
        return as_number(self.summary.get(metric))

    def text(self, metric: str) -> str:
        """A Summary figure as text ("" when blank)."""
        value = self.summary.get(metric)
        return "" if value is None else str(value)

    @property
    def has_plan(self) -> bool:
        """Whether the results hold a plan (optimal, or feasible within the time limit)."""
        return self.text(names.STATUS) in names.PLAN_STATUSES


def as_number(value: object) -> float | None:
    """`value` as a float, or None for blanks, text and NaN."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def read_results(
    path: str | os.PathLike[str], sheets: Iterable[str] = names.READ_SHEETS
) -> Results:
    """Read the results workbook at `path`; a PlannerError (exit 1) when it cannot be one."""
    source = Path(path)
    if not source.is_file():
        raise PlannerError(f"{source} does not exist or is not a file; give a results workbook")
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # any parser failure: not a workbook we can read
        raise PlannerError(f"cannot read {source} as a results workbook: {exc}") from None
    try:
        present = set(book.sheetnames)
        if names.SUMMARY not in present:
            raise PlannerError(
                f"{source} is not a results workbook: it has no Summary sheet "
                "(write one with `planner solve`)"
            )
        summary = {
            str(row[0]): row[1]
            for row in book[names.SUMMARY].iter_rows(min_row=2, values_only=True)
            if row and row[0] is not None
        }
        read = {
            name: _read_sheet(book, name, present)
            for name in sheets
            if name != names.SUMMARY and name in present
        }
    finally:
        book.close()
    tables = {name: table for name, (table, _) in read.items()}
    headers = {name: header for name, (_, header) in read.items()}
    return Results(summary, tables, str(source), headers=headers)


def _read_sheet(
    book: openpyxl.Workbook, name: str, present: set[str]
) -> tuple[pd.DataFrame, list[str]]:
    """A sheet and its continuation parts as one table (blank rows dropped), and its header
    cells as written."""
    written: list[str] = []
    header: list[str] = []
    rows: list[tuple[object, ...]] = []
    part = 1
    while (part_name := name if part == 1 else f"{name} {part}") in present:
        values = book[part_name].iter_rows(values_only=True)
        first = next(values, ())
        if part == 1:
            written = ["" if cell is None else str(cell).strip() for cell in first]
            header = [column_key(cell) for cell in first]
        for row in values:
            if any(cell is not None for cell in row):
                rows.append(tuple(row[: len(header)]) + (None,) * (len(header) - len(row)))
        part += 1
    return (pd.DataFrame(rows, columns=header) if header else pd.DataFrame()), written
