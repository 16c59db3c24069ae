"""Reading and writing the `.xlsx` form of a raw workbook.

Reading is defensive: the container is identified before openpyxl sees it (old `.xls`,
password-protected and non-workbook files get their own message), its uncompressed size is
bounded from the zip directory, sheets are streamed read-only with cached formula values, and any
failure of the parser becomes an input error instead of a traceback. openpyxl parses with
defusedxml when it is installed (a declared dependency), which keeps entity tricks harmless.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import openpyxl
from defusedxml.ElementTree import iterparse
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from planner.errors import InputError, Issue, PlannerError, error, warning
from planner.io import limits
from planner.io.raw import (
    RawSheet,
    RawWorkbook,
    Value,
    cell_text,
    sheet_from_records,
)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in a spreadsheet program and save it as an Excel workbook (.xlsx)"
# A formula element, with or without a namespace prefix: <f>, <f t="shared" .../>, <x:f>.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CHUNK = 1 << 20
# Writing: the widest column the template and conversions make, in characters.
_MAX_WIDTH = 60


def read_xlsx(
    path: Path, max_bytes: int = limits.MAX_BYTES, max_rows: int | None = None
) -> RawWorkbook:
    """Every sheet of the workbook at `path`, cells as cached values; InputError when the file
    cannot be read. Formula cells without a saved value read as blank and are listed in
    `notes` as errors: validation and conversion decide what they mean for their purpose."""
    worksheet_paths = _check_container(path, max_bytes)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parser failure means the file is damaged
        raise _damaged(path, exc) from None
    raw = RawWorkbook(origin=str(path))
    try:
        cells = 0
        for name in book.sheetnames:
            worksheet = book[name]
            if not hasattr(worksheet, "iter_rows"):
                raw.notes.append(warning(name, None, "", "chart sheet, skipped"))
                continue
            sheet = _read_sheet(worksheet, name, max_rows)
            cells += sum(len(row.values) for row in sheet.rows)
            if cells > limits.MAX_CELLS:
                raise _too_big(path, f"more than {limits.MAX_CELLS:,} cells")
            raw.sheets[name] = sheet
        raw.notes.extend(_formulas_without_value(path, raw, worksheet_paths))
    except InputError:
        raise
    except Exception as exc:  # a sheet's XML or compressed data is broken
        raise _damaged(path, exc) from None
    finally:
        book.close()
    return raw


def _check_sheet_names(path: Path, names: list[str]) -> None:
    """Two sheets with one name (hand-edited files can have them), or names equal but for case
    or spaces, would make one of them silently lost: refuse them."""
    seen: dict[str, str] = {}
    for name in names:
        key = name.strip().casefold()
        if key in seen:
            same = (
                "the same name" if seen[key] == name else "names that differ only in case or spaces"
            )
            raise _not_readable(
                path,
                f"it has two sheets with {same} ({seen[key]!r} and {name!r}); rename or remove "
                "one in a spreadsheet program",
            )
        seen[key] = name


def _check_container(path: Path, max_bytes: int) -> dict[str, str]:
    """Fail with a precise message unless `path` is a zip holding an Excel workbook of bounded
    size; return the zip member of each worksheet, by sheet name."""
    with path.open("rb") as stream:
        head = stream.read(8)
    if head.startswith(_OLE_MAGIC):
        raise _not_readable(path, _ole_kind(path, max_bytes))
    if not head:
        raise _not_readable(path, "the file is empty")
    if not head.startswith(_ZIP_MAGIC):
        raise _not_readable(path, f"it is not an Excel workbook (.xlsx); {_SAVE_AS}")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names:
                raise _not_readable(path, _zip_kind(names))
            size = sum(member.file_size for member in members)
            if size > max_bytes:
                raise _too_big(path, f"{size / 2**20:,.0f} MB uncompressed")
            return _worksheet_members(path, archive)
    except InputError:
        raise
    except Exception as exc:  # zip, zlib and XML errors alike: the file is damaged
        raise _damaged(path, exc) from None


def _worksheet_members(path: Path, archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member of its XML, from xl/workbook.xml and its relationships."""
    relations: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        with archive.open("xl/_rels/workbook.xml.rels") as stream:
            for _, element in iterparse(stream):
                if _local(element.tag) == "Relationship":
                    target = element.get("Target", "")
                    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    relations[element.get("Id", "")] = member
    members: list[tuple[str, str]] = []
    with archive.open("xl/workbook.xml") as stream:
        for _, element in iterparse(stream):
            if _local(element.tag) == "sheet":
                relation = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                members.append((element.get("name", ""), relations.get(relation, "")))
    # Checked here, on the file's own names: openpyxl renames a repeated one (Settings1).
    _check_sheet_names(path, [name for name, _ in members])
    present = set(archive.namelist())
    for name, member in members:
        if member.endswith(".xml") and "worksheets/" in member and member not in present:
            # openpyxl would leave the sheet out without a word.
            raise _not_readable(
                path,
                f"the workbook is damaged or incomplete (the content of sheet {name!r} is "
                f"missing); {_SAVE_AS} again, or restore it from a copy",
            )
    return dict(members)


def _ole_kind(path: Path, max_bytes: int) -> str:
    """Why an OLE compound file cannot be read: encryption, or the pre-2007 format."""
    with path.open("rb") as stream:
        content = stream.read(max_bytes)
    if "EncryptedPackage".encode("utf-16-le") in content:
        return "it is protected by a password; remove the password in a spreadsheet program"
    return f"it is an old Excel workbook (.xls); {_SAVE_AS}"


def _zip_kind(names: set[str]) -> str:
    if "xl/workbook.bin" in names:
        return f"it is a binary Excel workbook (.xlsb); {_SAVE_AS}"
    if "content.xml" in names:
        return f"it is an OpenDocument spreadsheet; {_SAVE_AS}"
    return "it is a zip archive, not an Excel workbook (.xlsx)"


def _read_sheet(worksheet: object, name: str, max_rows: int | None) -> RawSheet:
    """Row 1 as the header and every non-blank row below it with its row number."""
    worksheet.reset_dimensions()  # type: ignore[attr-defined]  # stated dimensions may lie
    rows = worksheet.iter_rows(min_row=1, min_col=1, values_only=True)  # type: ignore[attr-defined]
    return sheet_from_records(name, rows, max_rows)


def _formulas_without_value(
    path: Path, raw: RawWorkbook, worksheet_paths: dict[str, str]
) -> list[Issue]:
    """An error for every formula cell whose value was never saved (openpyxl reads it as blank).

    A quick byte search skips every sheet without formulas; only sheets that have some are
    parsed again, for cells with a formula and no cached value.
    """
    issues = []
    with zipfile.ZipFile(path) as archive:
        for name, sheet in raw.sheets.items():
            member = worksheet_paths.get(name, "")
            if not member or member not in archive.namelist():
                continue
            with archive.open(member) as stream:
                if not _mentions_formula(stream):
                    continue
            with archive.open(member) as stream:
                for row, column, formula in _uncached_formulas(stream):
                    header = sheet.header[column - 1] if column <= len(sheet.header) else None
                    issues.append(
                        error(
                            name,
                            row,
                            cell_text(header) or get_column_letter(column),
                            f"formula without a saved value ({formula}); open the file in a "
                            "spreadsheet program and save it, so that its values are stored",
                        )
                    )
    return issues


def _mentions_formula(stream: IO[bytes]) -> bool:
    tail = b""
    while chunk := stream.read(_CHUNK):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-32:]
    return False


def _uncached_formulas(stream: IO[bytes]) -> Iterator[tuple[int, int, str]]:
    """(row, column, formula text) of each cell with a formula and no cached value."""
    row_number, column_number = 0, 0
    for event, element in iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row_number = int(element.get("r", row_number + 1))
                column_number = 0
            continue
        if tag == "c":
            reference = element.get("r")
            if reference:
                row_number, column_number = coordinate_to_tuple(reference)
            else:
                column_number += 1
            children = {_local(child.tag): child for child in element}
            # No cached value: no <v>, or an empty one that is not a text result (a formula
            # returning "" is saved as t="str" with an empty <v>; openpyxl writes <v/>).
            cached = children.get("v")
            if "f" in children and (
                cached is None or (not cached.text and element.get("t") != "str")
            ):
                text = children["f"].text
                yield row_number, column_number, f"={text}" if text else "a shared formula"
        elif tag == "row":
            element.clear()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _not_readable(path: Path, why: str) -> InputError:
    return InputError([error("", None, "", f"cannot read {path}: {why}")], str(path))


def _damaged(path: Path, exc: Exception) -> InputError:
    """The library's own words name its internals, not the file's problem: say what it means."""
    del exc
    return _not_readable(
        path,
        "the workbook is damaged or incomplete (its parts cannot be read as an Excel "
        f"workbook); {_SAVE_AS} again, or restore it from a copy",
    )


def _too_big(path: Path, what: str) -> InputError:
    return _not_readable(path, f"it is too large for a planning case ({what})")


def write_xlsx(raw: RawWorkbook, path: Path) -> None:
    """Write every sheet of `raw` to a new workbook at `path`, keeping row numbers.

    Text is always written as text (a cell `=A1` stays the characters `=A1`, never a formula).
    The header row is bold and frozen and columns are sized to their content, for reading.
    """
    book = openpyxl.Workbook(write_only=True)
    for sheet in raw.sheets.values():
        if INVALID_TITLE_REGEX.search(sheet.name) or not 0 < len(sheet.name) <= 31:
            raise PlannerError(
                f"sheet name {sheet.name!r} cannot be used in an .xlsx workbook (at most 31 "
                "characters, none of \\ / ? * [ ] :)"
            )
        _check_text(sheet)
        worksheet = book.create_sheet(sheet.name)
        # Streamed sheets carry no size; state it, or every reader must parse the sheet twice
        # (openpyxl's read-only mode looks for it before reading rows).
        width = max([1, len(sheet.header), *(len(row.values) for row in sheet.rows)])
        height = sheet.rows[-1].number if sheet.rows else 1
        size = f"A1:{get_column_letter(width)}{height}"
        worksheet.calculate_dimension = lambda size=size: size
        _size_columns(worksheet, sheet)
        if sheet.header:
            worksheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for value in sheet.header:
            stored = _storable(worksheet, value)
            cell = stored if isinstance(stored, Cell) else _cell(worksheet, value)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        next_number = 2
        for row in sheet.rows:
            for _ in range(next_number, row.number):
                worksheet.append([])
            worksheet.append([_storable(worksheet, value) for value in row.values])
            next_number = row.number + 1
    book.save(path)


def _storable(worksheet: object, value: Value) -> Value | Cell:
    """The value itself when openpyxl stores it exactly, else a cell that does.

    openpyxl turns text starting with `=` into a formula and `#N/A` into an error, and writes
    numbers with 16 significant digits, which loses the last digit of some floats; those get a
    cell with their exact text.
    """
    if isinstance(value, str):
        return _cell(worksheet, value) if value.startswith("=") or value in ERROR_CODES else value
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return _number_cell(worksheet, repr(value))
    if isinstance(value, int) and abs(value) > 2**53:  # beyond what a float holds exactly
        return _number_cell(worksheet, str(value))
    return value


def _cell(worksheet: object, value: Value) -> Cell:
    """A cell that keeps text as text."""
    cell = WriteOnlyCell(worksheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _number_cell(worksheet: object, digits: str) -> Cell:
    """A numeric cell written with exactly these digits."""
    cell = WriteOnlyCell(worksheet, value=digits)
    cell.data_type = "n"
    return cell


def _check_text(sheet: RawSheet) -> None:
    """Control characters cannot be stored in .xlsx: say where one is before writing starts."""
    for number, values in [(1, sheet.header), *((row.number, row.values) for row in sheet.rows)]:
        for index, value in enumerate(values):
            if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                raise PlannerError(
                    f"{sheet.name}!{number}, column {get_column_letter(index + 1)}: the cell "
                    "holds a control character, which an .xlsx workbook cannot store"
                )


def _size_columns(worksheet: object, sheet: RawSheet) -> None:
    widths: dict[int, int] = {}
    for values in [sheet.header, *(row.values for row in sheet.rows[:200])]:
        for index, value in enumerate(values):
            widths[index] = max(widths.get(index, 8), len(cell_text(value)) + 2)
    for index, width in widths.items():
        letter = get_column_letter(index + 1)
        worksheet.column_dimensions[letter].width = min(width, _MAX_WIDTH)  # type: ignore[attr-defined]
