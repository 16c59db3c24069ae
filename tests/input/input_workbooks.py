"""Helpers shared by the input-layer tests: the example case, issue lookup and xlsx builders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

from planner.errors import InputError, Issue
from planner.io import RawRow, RawSheet, RawWorkbook
from planner.template import template_workbook
from planner.validate import case_from_raw

Change = Callable[[RawWorkbook], None]


def example() -> RawWorkbook:
    """A fresh copy of the template's worked example (valid, no warnings)."""
    return template_workbook()


def issues_of(raw: RawWorkbook) -> list[Issue]:
    """Every issue validation reports for `raw`, errors and warnings alike."""
    try:
        _, warnings = case_from_raw(raw)
    except InputError as exc:
        return exc.issues
    return warnings


def find_issue(
    issues: list[Issue], severity: str, sheet: str, row: int | None, column: str, text: str
) -> Issue | None:
    """The issue at exactly that place whose message contains `text`."""
    for issue in issues:
        if (issue.severity, issue.sheet, issue.row, issue.column) == (
            severity,
            sheet,
            row,
            column,
        ) and text in issue.message:
            return issue
    return None


def cell(sheet: str, row: int, column: str, value: object) -> Change:
    """A change that sets one cell (row = spreadsheet row number)."""
    return lambda raw: raw.set(sheet, row, column, value)


def write_openpyxl(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An .xlsx written by openpyxl's normal mode: formulas are stored without cached values,
    as a spreadsheet program that never recalculated would leave them."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def workbook(sheets: dict[str, list[list[object]]]) -> RawWorkbook:
    """A raw workbook from rows of cells, the first row being the header (row 1)."""
    raw = RawWorkbook()
    for name, rows in sheets.items():
        header, *data = rows
        raw.sheets[name] = RawSheet(
            name,
            list(header),
            [RawRow(number, list(values)) for number, values in enumerate(data, start=2)],
        )
    return raw


def minimal(**extra: list[list[object]]) -> RawWorkbook:
    """The smallest valid case (2026-2028, one mineral M, one country R, no sites, offers or
    stockpiles), with `extra` sheets added or replacing its own."""
    sheets: dict[str, list[list[object]]] = {
        "Settings": [["setting", "value"], ["start_year", 2026], ["end_year", 2028]],
        "Minerals": [["mineral", "price", "shortage_penalty"], ["M", 100, 1000]],
        "Countries": [["country"], ["R"]],
        "Demand": [["mineral", "country", "year", "demand"], ["M", "R", None, 10]],
        "Sources": [["source", "mineral", "year", "available"], ["X", "M", None, 50]],
        "Sites": [["site", "country", "mineral"]],
        "CfD": [["offer", "mineral", "country", "strike", "volume"]],
        "Stockpiles": [["country", "mineral", "capacity"]],
    }
    sheets.update(extra)
    return workbook(sheets)
