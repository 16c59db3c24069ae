"""Writing the results workbook and the JSON summary, atomically.

The workbook is streamed with openpyxl's write-only mode (a Balance of a million rows never sits in
memory as cells). Every value is plain: numbers as numbers with a display format, text as text.
Text that a spreadsheet would read as a formula (starting with `=`, `+`, `-` or `@`) or as an error
code is stored as a string cell with the quote-prefix style, so that neither opening nor editing
the cell turns it into a formula.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.case import Case
from planner.errors import PlannerError
from planner.files import write_atomically
from planner.outcome import Outcome
from planner.report.results import Results
from planner.results import layout
from planner.results.overview import fitted_widths, header_note, write_overview
from planner.results.tables import Summary, result_tables

_FORMULA_STARTS = ("=", "+", "-", "@")


def write_results(
    path: str | os.PathLike[str],
    case: Case,
    outcome: Outcome,
    *,
    json_path: str | os.PathLike[str] | None = None,
) -> Summary:
    """Write the results workbook of `outcome` to `path` (and the Summary as JSON to `json_path`).

    Returns the Summary figures. Refuses to write over the case's input. Both files are written
    under a temporary name in their destination folder and renamed into place, so an interrupted
    run leaves the previous file (if any) untouched and no partial file behind.
    """
    targets = [Path(path)] + ([Path(json_path)] if json_path is not None else [])
    for target in targets:
        refuse_input_as_output(target, case.origin)
    if len({target.resolve() for target in targets}) < len(targets):
        raise PlannerError(f"the results workbook and the JSON summary are both {path}")
    summary, tables = result_tables(case, outcome)
    write_atomically(Path(path), lambda temporary: _write_workbook(temporary, summary, tables))
    if json_path is not None:
        write_summary_json(json_path, summary)
    return summary


def write_summary_json(path: str | os.PathLike[str], summary: Summary) -> None:
    """The Summary as one JSON object (numbers as numbers, blanks as null), atomically."""
    text = json.dumps({metric: _json_value(value) for metric, value in summary.items()}, indent=2)
    write_atomically(Path(path), lambda temporary: temporary.write_text(text + "\n", "utf-8"))


def refuse_input_as_output(output: Path, input_path: str) -> None:
    """A PlannerError when `output` is the input itself, or lies where it cannot be written.

    A CSV-folder input is refused as a whole: a results file inside it would replace a sheet or
    become an unknown sheet of the case.
    """
    source = Path(input_path).resolve() if input_path else None
    if source is not None and output.resolve() == source:
        raise PlannerError(
            f"{output} is the input itself; write the results to another path so that the input "
            "stays unchanged"
        )
    if source is not None and source.is_dir() and output.resolve().is_relative_to(source):
        raise PlannerError(
            f"{output} lies inside the input folder {input_path}; write the results elsewhere so "
            "that the input stays unchanged"
        )
    if output.is_dir():
        raise PlannerError(f"cannot write {output}: it is a folder")
    if not output.parent.is_dir():
        raise PlannerError(f"cannot write {output}: the folder {output.parent} does not exist")


def _json_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def _write_workbook(path: Path, summary: Summary, tables: dict[str, pd.DataFrame]) -> None:
    book = openpyxl.Workbook(write_only=True)
    write_overview(book, Results(summary, tables))  # the first sheet: the plan on one screen
    for sheet in layout.SHEETS:
        if sheet is layout.SUMMARY:
            _write_summary(book, summary)
        else:
            _write_table(book, sheet, tables[sheet.name])
    book.save(path)


def _new_sheet(
    book: openpyxl.Workbook,
    sheet: layout.SheetLayout,
    part: int,
    rows: int,
    widths: Sequence[int] = (),
) -> object:
    """A worksheet with column widths, the header row (`name (unit)`) in bold and frozen panes.

    `rows` (data rows to come) sets the sheet's dimension element, which a streamed sheet
    otherwise lacks: readers then know the size without parsing the whole sheet first.
    """
    worksheet = book.create_sheet(layout.continuation_name(sheet.name, part))
    last_cell = f"{get_column_letter(len(sheet.columns))}{rows + 1}"
    worksheet.calculate_dimension = lambda: f"A1:{last_cell}"
    for index, column in enumerate(sheet.columns, start=1):
        dimension = worksheet.column_dimensions[get_column_letter(index)]
        dimension.width = widths[index - 1] if widths else column.display_width
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(worksheet, value=column.header)
        cell.font = bold
        cell.comment = header_note(column)  # the meaning, on hover
        header.append(cell)
    worksheet.append(header)
    return worksheet


def _write_summary(book: openpyxl.Workbook, summary: Summary) -> None:
    worksheet = _new_sheet(book, layout.SUMMARY, 1, len(layout.SUMMARY_METRICS))
    for metric, unit, number_format, meaning in layout.SUMMARY_METRICS:
        value = summary.get(metric)
        if isinstance(value, str) or value is None:
            value_cell: object = _text(worksheet, value)
        else:
            value_cell = WriteOnlyCell(worksheet, value=_number(value, number_format))
            value_cell.number_format = number_format  # type: ignore[attr-defined]
        worksheet.append(  # type: ignore[attr-defined]
            [metric, value_cell, unit or None, _text(worksheet, meaning)]
        )


def _write_table(book: openpyxl.Workbook, sheet: layout.SheetLayout, table: pd.DataFrame) -> None:
    """Stream `table` into one worksheet, or several when it exceeds the sheet row limit."""
    columns = [_column_values(table[column.name], column) for column in sheet.columns]
    count = len(table)
    widths = fitted_widths(sheet.columns, table)
    for part, start in enumerate(range(0, max(count, 1), layout.MAX_DATA_ROWS), start=1):
        stop = min(start + layout.MAX_DATA_ROWS, count)
        worksheet = _new_sheet(book, sheet, part, stop - start, widths)
        writers = _cell_writers(worksheet, sheet)
        for values in zip(*(column[start:stop] for column in columns), strict=True):
            worksheet.append(  # type: ignore[attr-defined]
                [write(value) for write, value in zip(writers, values, strict=True)]
            )


def _column_values(series: pd.Series, column: layout.Column) -> list[object]:
    """Plain Python values of a column: None for blanks, int for whole-number columns."""
    values = series.tolist()
    if column.is_text:
        return [None if _blank(value) else str(value) for value in values]
    return [None if _blank(value) else _number(value, column.number_format) for value in values]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _number(value: object, number_format: str) -> float | int:
    """Years and counts as int, every other figure as float at full precision."""
    if number_format in layout.WHOLE_FORMATS:
        return int(value)  # type: ignore[call-overload]
    return float(value)  # type: ignore[arg-type]


def _cell_writers(worksheet: object, sheet: layout.SheetLayout) -> list[Callable[[object], object]]:
    """Per column, a function that turns a value into what the worksheet appends.

    Numeric columns reuse one styled cell per column (openpyxl copies its value and style when
    the row is written), which keeps per-cell styling cheap for long sheets.
    """
    writers: list[Callable[[object], object]] = []
    for column in sheet.columns:
        if column.is_text:
            writers.append(functools.partial(_text, worksheet))
        else:
            writers.append(_styled_writer(worksheet, column.number_format))
    return writers


def _styled_writer(worksheet: object, number_format: str) -> Callable[[object], object]:
    cell = WriteOnlyCell(worksheet)
    cell.number_format = number_format

    def write(value: object) -> object:
        cell.value = value
        return cell

    return write


def _text(worksheet: object, value: object) -> object:
    """Text as the worksheet should store it: a plain string, or a quoted string cell."""
    if value is None:
        return None
    text = str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", text)
    if not text.startswith(_FORMULA_STARTS) and text not in ERROR_CODES:
        return text
    cell = WriteOnlyCell(worksheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
