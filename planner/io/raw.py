"""The raw workbook: every sheet, header and cell of an input as written, with row numbers.

This is the lossless form between files and validation. `planner convert` reads it from one form
and writes it to the other; sweeps copy it, change cells and validate each variant, without ever
touching a file. It knows nothing of the schema beyond matching names the way workbook.md says
(column names and sheet names without regard to case or surrounding spaces, identifiers after
trimming).

Shape: `RawWorkbook.sheets` maps each sheet name (as the file spells it, in file order) to a
`RawSheet` with `header` (the cells of row 1) and `rows`, the non-blank rows below it, each a
`RawRow` with its spreadsheet `number` and its `values` left to right. Blank rows are not stored,
but the numbers of the others keep the gaps, so messages and conversions keep row numbers.

Cell values are `str | int | float | None` (None = blank). Readers normalise what a spreadsheet may
hold into these: blank and empty text become None; booleans become the text TRUE/FALSE; dates
become ISO text; line breaks become `\\n`; a text cell that holds exactly a number as Python
writes it (`2030`, `0.25`, `1e+20`, but not `007`) becomes that number, because CSV cannot tell
the two apart. Text such as `1,200` or ` 3.5 ` stays text, for the validator to read. So a
workbook, its CSV folder and the workbook written back from that folder are equal.

Changing a case in code:

    variant = raw.copy()
    variant.set("Sites", "Texas separation plant", "max_capacity", 8000)   # by identifier
    variant.set("Demand", {"mineral": "Gallium", "country": "Japan", "year": None}, "demand", 70)
    variant.set("Minerals", 3, "coverage", "60%")                          # by row number
    variant.set_setting("budget", 2e9)                                     # adds the row if absent
    case, warnings = planner.validate.case_from_raw(variant)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from planner.errors import InputError, Issue, error
from planner.io import limits

Value = str | int | float | None

# A row of a sheet: the spreadsheet row number, or the text of the sheet's identifier column, or
# the values of some columns (e.g. {"mineral": "Gallium", "country": "Japan", "year": None}).
RowKey = int | str | Mapping[str, Value]

# The column that identifies a row, for sheets where one column does (used by str row keys).
IDENTIFIER_COLUMNS: dict[str, str] = {
    "settings": "setting",
    "minerals": "mineral",
    "countries": "country",
    "sites": "site",
    "cfd": "offer",
    "scenarios": "scenario",
}

_WHOLE = re.compile(r"-?[1-9][0-9]*|0")


def canonical(value: object) -> Value:
    """The raw value of a cell as a reader found it (see the module docstring)."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    text = str(value)
    if not text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return number_from_text(text)


def number_from_text(text: str) -> Value:
    """`text` as an int or float when it is exactly how Python writes that number, else `text`."""
    if _WHOLE.fullmatch(text):
        return int(text)
    if text[0] in "-0123456789":
        try:
            number = float(text)
        except ValueError:
            return text
        if math.isfinite(number) and repr(number) == text:
            return number
    return text


def cell_text(value: Value) -> str:
    """A cell as trimmed text, for matching names and identifiers (`2030.0` reads as `2030`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_key(name: Value) -> str:
    """How column and sheet names are compared: trimmed, case ignored."""
    return cell_text(name).casefold()


@dataclass
class RawRow:
    """One non-blank row below the header: its spreadsheet row number and its cells, left to
    right (trailing blanks dropped, so `values` may be shorter than the header)."""

    number: int
    values: list[Value]

    def __getitem__(self, index: int) -> Value:
        return self.values[index] if index < len(self.values) else None

    def put(self, index: int, value: Value) -> None:
        """Set cell `index` (0 = column A), growing the row as needed."""
        if index >= len(self.values):
            if value is None:
                return
            self.values.extend([None] * (index + 1 - len(self.values)))
        self.values[index] = value
        while self.values and self.values[-1] is None:
            self.values.pop()


@dataclass
class RawSheet:
    """One sheet: the header (row 1, as written) and the non-blank rows below it, in order."""

    name: str
    header: list[Value] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)

    def column_index(self, column: str) -> int | None:
        """Position of the column named `column` (case and surrounding spaces ignored)."""
        wanted = column_key(column)
        return next((i for i, name in enumerate(self.header) if column_key(name) == wanted), None)

    def find_rows(self, key: RowKey) -> list[RawRow]:
        """The rows that `key` names (see `RowKey`)."""
        if isinstance(key, int):
            return [row for row in self.rows if row.number == key]
        if isinstance(key, str):
            identifier = IDENTIFIER_COLUMNS.get(column_key(self.name))
            if identifier is None:
                raise KeyError(
                    f"sheet {self.name} has no identifier column: name its row by row number "
                    "or by a mapping of column values"
                )
            key = {identifier: key}
        positions = {}
        for column, value in key.items():
            index = self.column_index(column)
            if index is None:
                if value is not None:
                    return []
                continue
            positions[index] = cell_text(value)
        if column_key(self.name) == "settings":
            # Setting names are matched like column names, without regard to case.
            return [
                row
                for row in self.rows
                if all(cell_text(row[i]).casefold() == v.casefold() for i, v in positions.items())
            ]
        return [
            row for row in self.rows if all(cell_text(row[i]) == v for i, v in positions.items())
        ]

    def row(self, key: RowKey) -> RawRow:
        """The one row that `key` names; KeyError when none or several do."""
        found = self.find_rows(key)
        if len(found) != 1:
            what = "no row" if not found else f"{len(found)} rows"
            raise KeyError(f"{what} of sheet {self.name} match {key!r}")
        return found[0]

    def get(self, key: RowKey, column: str) -> Value:
        """The cell of row `key` in `column` (None when the column is absent or blank)."""
        index = self.column_index(column)
        return None if index is None else self.row(key)[index]

    def set(self, key: RowKey, column: str, value: Value) -> None:
        """Set the cell of row `key` in `column`, adding the column when the sheet lacks it."""
        self.row(key).put(self.ensure_column(column), _checked(value))

    def ensure_column(self, column: str) -> int:
        """Position of `column`, appending it to the header when absent."""
        index = self.column_index(column)
        if index is None:
            self.header.append(column)
            index = len(self.header) - 1
        return index

    def append(self, values: Mapping[str, Value]) -> RawRow:
        """Add a row below the last one, with the given cells (columns are added as needed)."""
        number = self.rows[-1].number + 1 if self.rows else 2
        row = RawRow(number, [])
        for column, value in values.items():
            row.put(self.ensure_column(column), _checked(value))
        self.rows.append(row)
        return row

    def copy(self) -> RawSheet:
        """An independent copy (cells are immutable values, so copying the lists suffices)."""
        return RawSheet(
            self.name, list(self.header), [RawRow(r.number, list(r.values)) for r in self.rows]
        )


@dataclass
class RawWorkbook:
    """All sheets of an input, in the order the file has them.

    `origin` is the path read from (for messages); `notes` are issues found while reading: a
    chart sheet that was skipped (a warning), a formula without a saved value (an error, since
    the cell reads as blank). Neither takes part in equality.
    """

    sheets: dict[str, RawSheet] = field(default_factory=dict)
    origin: str = field(default="", compare=False)
    notes: list[Issue] = field(default_factory=list, compare=False)

    def sheet(self, name: str) -> RawSheet:
        """The sheet called `name` (case and surrounding spaces ignored); KeyError when absent."""
        wanted = column_key(name)
        for sheet in self.sheets.values():
            if column_key(sheet.name) == wanted:
                return sheet
        raise KeyError(f"the workbook has no sheet {name}")

    def get(self, sheet: str, key: RowKey, column: str) -> Value:
        """The cell of sheet `sheet`, row `key`, column `column`."""
        return self.sheet(sheet).get(key, column)

    def set(self, sheet: str, key: RowKey, column: str, value: Value) -> None:
        """Set the cell of sheet `sheet`, row `key`, column `column`."""
        self.sheet(sheet).set(key, column, value)

    def set_setting(self, setting: str, value: Value) -> None:
        """Set a Settings value, adding the setting's row when the sheet has none for it."""
        settings = self.sheet("Settings")
        if settings.find_rows(setting):
            settings.set(setting, "value", value)
        else:
            settings.append({"setting": setting, "value": value})

    def copy(self) -> RawWorkbook:
        """An independent copy to change without touching this one."""
        return RawWorkbook(
            {name: sheet.copy() for name, sheet in self.sheets.items()},
            self.origin,
            list(self.notes),
        )


def _checked(value: object) -> Value:
    """A value set from code, as a reader would have produced it (numpy numbers included)."""
    if value is None or isinstance(value, str):
        return canonical(value)
    if isinstance(value, bool):
        raise TypeError("a cell cannot hold a bool; write the text TRUE or FALSE")
    if hasattr(value, "__index__"):  # int and numpy integers
        return int(value)
    if hasattr(value, "__float__"):  # float and numpy floats
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"a cell cannot hold {number}")
        return number
    raise TypeError(f"a cell cannot hold {type(value).__name__}")


def sheet_from_records(
    name: str, records: Iterable[Iterable[object]], max_rows: int | None = None
) -> RawSheet:
    """Row 1 as the header and every non-blank row below it, numbered as a spreadsheet shows it;
    an error as soon as a row lies beyond `max_rows` data rows (default: the sheet row limit).

    Both readers use it, so that a workbook and its CSV folder trim and number rows alike.
    """
    if max_rows is None:
        max_rows = limits.MAX_SHEET_ROWS
    sheet = RawSheet(name)
    for number, values in enumerate(records, start=1):
        cells = [canonical(value) for value in values]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            continue
        if number > max_rows + 1:
            message = (
                f"more than {max_rows:,} data rows, the most a sheet may have ({limits.WHY}); "
                "split the case or remove rows"
            )
            raise InputError([error(name, number, "", message)])
        if number == 1:
            sheet.header = cells
        else:
            sheet.rows.append(RawRow(number, cells))
    return sheet
