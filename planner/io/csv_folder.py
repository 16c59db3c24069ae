"""Reading and writing the CSV-folder form of a raw workbook: one `SHEET.csv` per sheet.

Files are UTF-8 (a byte-order mark, as some spreadsheet programs write, is accepted), comma
separated, with the header in the first record. Row numbers count records, the way a spreadsheet
program shows the file, so messages name the same row for a workbook and its CSV folder. Blank rows
are written as empty records so those numbers survive a conversion.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from planner.errors import InputError, error
from planner.io import limits
from planner.io.raw import RawSheet, RawWorkbook, Value, sheet_from_records
from planner.schema import SHEETS, find_sheet

_SCHEMA_ORDER = {name: position for position, name in enumerate(SHEETS)}


def sheet_files(folder: Path) -> list[Path]:
    """The `*.csv` files of `folder`, schema sheets first in schema order, then others by name."""
    files = [path for path in folder.iterdir() if path.suffix.lower() == ".csv" and path.is_file()]

    def order(path: Path) -> tuple[int, str]:
        known = find_sheet(path.stem)
        return (_SCHEMA_ORDER[known.name] if known else len(_SCHEMA_ORDER), path.stem)

    return sorted(files, key=order)


def read_csv_folder(
    folder: Path, max_bytes: int = limits.MAX_BYTES, max_rows: int = limits.MAX_ROWS
) -> RawWorkbook:
    """Every `SHEET.csv` of `folder` as a sheet named SHEET; InputError on unreadable files."""
    files = sheet_files(folder)
    if not files:
        raise InputError(
            [error("", None, "", f"cannot read {folder}: the folder holds no SHEET.csv files")],
            str(folder),
        )
    size = sum(path.stat().st_size for path in files)
    if size > max_bytes:
        raise InputError(
            [
                error(
                    "",
                    None,
                    "",
                    f"cannot read {folder}: it is too large for a planning case "
                    f"({size / 2**20:,.0f} MB of CSV files)",
                )
            ],
            str(folder),
        )
    raw = RawWorkbook(origin=str(folder))
    issues = []
    for path in files:
        try:
            raw.sheets[path.stem] = _read_sheet(path, max_rows)
        except InputError as exc:
            issues.extend(exc.issues)
    if issues:
        raise InputError(issues, str(folder))
    return raw


def _read_sheet(path: Path, max_rows: int) -> RawSheet:
    name = path.stem
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                error(
                    name,
                    None,
                    "",
                    f"{path.name} is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}); "
                    "save it as CSV UTF-8",
                )
            ]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return sheet_from_records(name, reader, max_rows)
    except csv.Error as exc:
        raise InputError(
            [error(name, reader.line_num, "", f"{path.name} is not valid CSV ({exc})")]
        ) from None


def write_csv_sheet(sheet: RawSheet, path: Path) -> None:
    """Write one sheet as CSV, every record as wide as the widest row, blank rows kept."""
    width = max([len(sheet.header), *(len(row.values) for row in sheet.rows)])
    blank = [""] * width
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        if width == 0:
            return
        writer.writerow(_record(sheet.header, width))
        next_number = 2
        for row in sheet.rows:
            for _ in range(next_number, row.number):
                writer.writerow(blank)
            writer.writerow(_record(row.values, width))
            next_number = row.number + 1


def _record(values: list[Value], width: int) -> list[str]:
    record = [_text(value) for value in values]
    record.extend([""] * (width - len(record)))
    return record


def _text(value: Value) -> str:
    """A cell as CSV text that reads back as the same value (floats in their shortest form)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)
