"""Reading and writing the CSV-folder form of a raw workbook: one `SHEET.csv` per sheet.

Files are UTF-8 (a byte-order mark, as some spreadsheet programs write, is accepted), comma
separated, with the header in the first record. Row numbers count records, the way a spreadsheet
program shows the file, so messages name the same row for a workbook and its CSV folder. Blank rows
are written as empty records so those numbers survive a conversion.

Lines end at a line feed (LF or CR LF). A carriage return alone inside a line is not a line end
(it would shift every row number below it from what an editor or `git diff` shows): inside a quoted
cell it is part of the cell, outside one it is an error naming the line. A file that uses bare CRs
only (old Mac line ends) is read with CR as its line end. Parsing is strict: a quote that is never
closed is an error naming the line where it opens, not a cell that swallows the rest of the file.
Two files whose names differ only in case or spaces, and a link to a missing file, are errors.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from planner.errors import InputError, error
from planner.io import limits
from planner.io.raw import RawSheet, RawWorkbook, Value, sheet_from_records
from planner.schema import SHEETS, find_sheet

_SCHEMA_ORDER = {name: position for position, name in enumerate(SHEETS)}


def sheet_files(folder: Path) -> list[Path]:
    """The `*.csv` files of `folder`, schema sheets first in schema order, then others by name
    (links included, even broken ones: reading them says what is wrong)."""
    files = [
        path
        for path in folder.iterdir()
        if path.suffix.lower() == ".csv" and (path.is_file() or path.is_symlink())
    ]

    def order(path: Path) -> tuple[int, str]:
        known = find_sheet(path.stem)
        return (_SCHEMA_ORDER[known.name] if known else len(_SCHEMA_ORDER), path.stem)

    return sorted(files, key=order)


def read_csv_folder(
    folder: Path, max_bytes: int = limits.MAX_BYTES, max_rows: int | None = None
) -> RawWorkbook:
    """Every `SHEET.csv` of `folder` as a sheet named SHEET; InputError on unreadable files."""
    files = sheet_files(folder)
    if not files:
        raise InputError(
            [error("", None, "", f"cannot read {folder}: the folder holds no SHEET.csv files")],
            str(folder),
        )
    _check_names(folder, files)
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


def _folder_error(folder: Path, message: str) -> InputError:
    return InputError([error("", None, "", f"cannot read {folder}: {message}")], str(folder))


def _check_names(folder: Path, files: list[Path]) -> None:
    """Refuse broken links and two files for one sheet (names equal but for case or spaces)."""
    seen: dict[str, Path] = {}
    for path in files:
        if not path.exists():
            raise _folder_error(
                folder,
                f"{path.name} is a link to a file that does not exist; restore the file or "
                "remove the link",
            )
        key = path.stem.strip().casefold()
        if key in seen:
            raise _folder_error(
                folder,
                f"{seen[key].name} and {path.name} are the same sheet (names are matched without "
                "regard to case or spaces); keep one",
            )
        seen[key] = path


def _lines(text: str) -> list[str]:
    """The file's lines, each with its LF; bare CRs are line ends only in a file without LFs."""
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    return _split_at_line_feeds(text)


def _split_at_line_feeds(text: str) -> list[str]:
    lines = text.split("\n")
    last = lines.pop()
    result = [line + "\n" for line in lines]
    if last:
        result.append(last)
    return result


def _read_sheet(path: Path, max_rows: int | None) -> RawSheet:
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
    reader = csv.reader(_lines(text), strict=True)
    records = _Records(reader)
    try:
        return sheet_from_records(name, records, max_rows)
    except csv.Error as exc:
        raise InputError([error(name, None, "", _csv_problem(path, records, str(exc)))]) from None


class _Records:
    """The reader's records, remembering the line where the record being read starts."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.start = 1

    def __iter__(self) -> Iterator[list[str]]:
        while True:
            self.start = self.reader.line_num + 1
            try:
                record = next(self.reader)
            except StopIteration:
                return
            yield record


def _csv_problem(path: Path, records: _Records, problem: str) -> str:
    """What is wrong with the CSV file, in the planner's words, with the line to look at."""
    line = records.reader.line_num
    if "unexpected end of data" in problem:
        return (
            f'{path.name}, line {records.start}: a quote (") opens a cell there and is never '
            "closed; add the closing quote or remove the opening one"
        )
    if "new-line character" in problem:
        return (
            f"{path.name}, line {line}: a carriage return (CR) in the middle of the line; remove "
            "it, or put the cell in quotes if it belongs to the text"
        )
    if "expected after" in problem:
        return (
            f"{path.name}, line {line}: text follows a closing quote; a quoted cell must end "
            'with its quote, and a quote inside it is written twice ("")'
        )
    if "field larger than field limit" in problem:
        return (
            f"{path.name}, line {records.start}: a cell longer than {csv.field_size_limit():,} "
            "characters, which no planning case holds; most likely a quote is not closed before it"
        )
    return f"{path.name}, line {line}: not valid CSV ({problem})"


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
