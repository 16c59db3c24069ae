"""Sheets and their rows: matching workbook sheets to the schema, reading a header, and turning
each data row into a `Row` of parsed cells (types, required cells and bounds from the schema)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from planner.io import limits
from planner.io.raw import RawSheet, cell_text, column_key
from planner.schema import SHEETS, Field, Sheet, find_sheet
from planner.validation.cells import is_blank, parse_cell, suggestion
from planner.validation.context import Context, Row


def match_sheets(ctx: Context) -> None:
    """Pair each workbook sheet with its schema sheet; report unknown, doubled and missing ones.

    An optional sheet with its header and no data rows means the same as no sheet."""
    for raw_sheet in ctx.raw.sheets.values():
        sheet = find_sheet(raw_sheet.name)
        if sheet is None:
            hint = suggestion(raw_sheet.name, SHEETS)
            ctx.warn(raw_sheet.name, None, "", f"unknown sheet, ignored{hint}")
        elif sheet.name in ctx.sheets:
            first = ctx.sheets[sheet.name].name
            ctx.error(
                raw_sheet.name,
                None,
                "",
                f"a second {sheet.name} sheet (the first is {first!r}); keep one",
            )
        elif sheet.required or raw_sheet.rows or not raw_sheet.header:
            ctx.sheets[sheet.name] = raw_sheet
    for sheet in SHEETS.values():
        if sheet.required and sheet.name not in ctx.sheets:
            ctx.error(sheet.name, None, "", "required sheet is missing")


def check_row_counts(ctx: Context) -> bool:
    """Whether every sheet has at most `limits.MAX_SHEET_ROWS` data rows (else an error)."""
    fits = True
    for name, raw_sheet in ctx.sheets.items():
        if len(raw_sheet.rows) > limits.MAX_SHEET_ROWS:
            fits = False
            ctx.error(
                name,
                None,
                "",
                f"{len(raw_sheet.rows):,} data rows, more than the {limits.MAX_SHEET_ROWS:,} a "
                f"sheet may have ({limits.WHY}); split the case or remove rows",
            )
    return fits


def table(ctx: Context, name: str, year_rows_inherit: frozenset[str] = frozenset()) -> list[Row]:
    """The parsed rows of sheet `name` ([] when absent or unusable), issues recorded.

    Columns named in `year_rows_inherit` may be blank in a row with a year (they inherit).
    """
    sheet = SHEETS[name]
    raw_sheet = ctx.sheets.get(name)
    if raw_sheet is None:
        return []
    positions = _header(ctx, sheet, raw_sheet)
    if positions is None:
        return []
    ctx.positions[name] = positions
    columns = [(f, positions[f.name]) for f in sheet.columns if f.name in positions]
    required = [f.name for f, _ in columns if f.required]
    rows = []
    for raw_row in raw_sheet.rows:
        row = _parse_row(ctx, name, columns, raw_row.number, raw_row.values)
        if row is None:
            continue
        for column_name in required:
            if (
                row[column_name] is None
                and column_name not in row.failed
                and not (column_name in year_rows_inherit and row.get("year") is not None)
            ):
                ctx.error(name, row.number, column_name, "required, but blank")
        rows.append(row)
    if len(rows) < sheet.min_rows:
        ctx.error(name, None, "", "the sheet has no rows; it needs at least one")
    return rows


def _parse_row(
    ctx: Context, name: str, columns: list[tuple[Field, int]], number: int, cells: list
) -> Row | None:
    """The row's parsed cells, problems recorded; None for a row with nothing in it."""
    values = dict.fromkeys(column.name for column in SHEETS[name].columns)
    failed: list[str] = []
    width = len(cells)
    for column, index in columns:
        cell = cells[index] if index < width else None
        if cell is None:
            continue
        parsed, problem = parse_cell(column, cell)
        if problem:
            ctx.error(name, number, column.name, problem)
            failed.append(column.name)
        values[column.name] = parsed
    if not failed and all(v is None for v in values.values()) and all(map(is_blank, cells)):
        return None
    return Row(number, values, cells, failed)


def _header(ctx: Context, sheet: Sheet, raw_sheet: RawSheet) -> dict[str, int] | None:
    """Column positions by schema name; None when the sheet has no header at all."""
    name = sheet.name
    if not raw_sheet.header:
        expected = ", ".join(column.name for column in sheet.columns)
        what = "the sheet is empty" if not raw_sheet.rows else "row 1 is blank"
        ctx.error(name, 1, "", f"{what}; the first row must hold the column names: {expected}")
        return None
    known = {column.name: column for column in sheet.columns}
    positions: dict[str, int] = {}
    widest = max((len(row.values) for row in raw_sheet.rows), default=0)
    for index in range(max(widest, len(raw_sheet.header))):
        title = raw_sheet.header[index] if index < len(raw_sheet.header) else None
        key = column_key(title)
        if not key:
            if any(not is_blank(row[index]) for row in raw_sheet.rows):
                ctx.warn(name, 1, _letter(index), "column without a name, ignored")
        elif key in positions:
            ctx.error(name, 1, cell_text(title), "the column appears twice")
        elif key in known:
            positions[key] = index
        else:
            ctx.warn(name, 1, cell_text(title), f"unknown column, ignored{_hint(key, known)}")
    for column in sheet.columns:
        if column.required and column.name not in positions:
            ctx.error(name, 1, column.name, "required column is missing")
    return positions


def _hint(key: str, known: dict[str, Field]) -> str:
    if ";" in key:
        return " (the file seems separated by semicolons; save it as comma-separated CSV)"
    return suggestion(key, known)


def _letter(index: int) -> str:
    return f"column {get_column_letter(index + 1)}"


def define(ctx: Context, sheet: str) -> dict[str, Row]:
    """The rows of a sheet whose key is one identifier column, by identifier, each identifier
    once; duplicates are errors."""
    (column,) = SHEETS[sheet].key
    by_name: dict[str, Row] = {}
    for row in table(ctx, sheet):
        identifier = row[column]
        if identifier is None:
            continue
        if identifier in by_name:
            first = by_name[identifier].number
            ctx.error(sheet, row.number, column, f"'{identifier}' is already used in row {first}")
            continue
        by_name[identifier] = row
    usable = column in ctx.positions.get(sheet, ())
    ctx.names[sheet] = set(by_name) if usable else None
    return by_name
