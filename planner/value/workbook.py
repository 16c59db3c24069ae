"""Writing the Value and Risk sheets: a workbook of their own, or added to a results workbook.

`write_value_workbook` writes `planner value`'s output (Value, Risk, Units); `add_value_sheets`
adds the same sheets and their Units rows to an existing results workbook (`planner solve
--value`). Headers carry their unit (`value (USD)`) as in the results sheets, with the meaning
in a note on the header cell. Both write atomically through `planner.files`; values are plain,
and text a spreadsheet would read as a formula is stored as text.
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.files import write_atomically
from planner.results.layout import TEXT, WHOLE_FORMATS, SheetLayout
from planner.results.overview import header_note
from planner.value.analysis import ValueReport
from planner.value.tables import RISK, VALUE, risk_table, units_rows, value_table

_FORMULA_STARTS = ("=", "+", "-", "@")


def value_sheets(report: ValueReport) -> list[tuple[SheetLayout, pd.DataFrame]]:
    """The sheets `planner value` adds, with their tables."""
    return [(VALUE, value_table(report)), (RISK, risk_table(report))]


def write_value_workbook(path: Path, report: ValueReport) -> None:
    """Write Value, Risk and a Units sheet that explains their columns to `path`, atomically."""

    def write(temporary: Path) -> None:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for sheet, table in value_sheets(report):
            _fill(book.create_sheet(sheet.name), sheet, table)
        units = book.create_sheet("Units")
        _append_units(units, header=True)
        book.save(temporary)

    write_atomically(path, write)


def add_value_sheets(results_path: Path, report: ValueReport) -> None:
    """Add Value and Risk to a results workbook (before its Units sheet) and document them there."""

    def write(temporary: Path) -> None:
        book = openpyxl.load_workbook(results_path)
        for sheet, table in value_sheets(report):
            if sheet.name in book.sheetnames:
                book.remove(book[sheet.name])
            position = book.sheetnames.index("Units") if "Units" in book.sheetnames else None
            _fill(book.create_sheet(sheet.name, position), sheet, table)
        if "Units" in book.sheetnames:
            units = book["Units"]
            _drop_units(units, {sheet.name for sheet, _ in value_sheets(report)})
            _append_units(units, header=False)
        else:
            _append_units(book.create_sheet("Units"), header=True)
        book.save(temporary)

    write_atomically(results_path, write)


def _fill(worksheet: Worksheet, sheet: SheetLayout, table: pd.DataFrame) -> None:
    worksheet.append(list(sheet.headers))  # `value (USD)`: the unit in the header text
    for cell, column in zip(worksheet[1], sheet.columns, strict=True):
        cell.font = Font(bold=True)
        cell.comment = header_note(column)  # the meaning, on hover
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.display_width
    for values in table[list(sheet.names)].itertuples(index=False):
        cells = zip(values, sheet.columns, strict=True)
        worksheet.append([_plain(value, column.number_format) for value, column in cells])
        row = worksheet.max_row
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row, index)
            if column.number_format != TEXT and cell.value is not None:
                cell.number_format = column.number_format
            elif isinstance(cell.value, str) and _formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def _plain(value: object, number_format: str) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if number_format == TEXT:
        return str(value)
    if number_format in WHOLE_FORMATS:
        return int(value)  # type: ignore[call-overload]
    return float(value)  # type: ignore[arg-type]


def _formula_like(text: str) -> bool:
    return text.startswith(_FORMULA_STARTS) or text in ERROR_CODES


def _append_units(worksheet: Worksheet, *, header: bool) -> None:
    if header:
        worksheet.append(["sheet", "column", "unit", "meaning"])
    for row in units_rows().itertuples(index=False):
        worksheet.append([value or None for value in row])


def _drop_units(worksheet: Worksheet, sheets: set[str]) -> None:
    """Remove earlier Units rows of `sheets` (a results workbook valued twice)."""
    for row in range(worksheet.max_row, 1, -1):
        if worksheet.cell(row, 1).value in sheets:
            worksheet.delete_rows(row)
