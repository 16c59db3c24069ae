"""Files in and out: an input in either form becomes a `RawWorkbook`, and back.

`read_raw(path)` reads an `.xlsx` workbook or a folder of `SHEET.csv` files; `write_raw(raw, path)`
writes a workbook when `path` ends in `.xlsx`, else a CSV folder. Writing is atomic: the output is
built under a temporary name in the destination folder and renamed into place, so an interrupted
run never leaves half a file.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

from planner.errors import InputError, PlannerError, error
from planner.files import current_umask, write_atomically
from planner.io.csv_folder import read_csv_folder, sheet_files, write_csv_sheet
from planner.io.raw import RawRow, RawSheet, RawWorkbook, RowKey, Value
from planner.io.xlsx import read_xlsx, write_xlsx

__all__ = [
    "RawRow",
    "RawSheet",
    "RawWorkbook",
    "RowKey",
    "Value",
    "is_workbook_path",
    "read_raw",
    "write_raw",
]

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_workbook_path(path: Path) -> bool:
    """Whether `path` names the workbook form (else the CSV-folder form)."""
    return path.suffix.lower() in _WORKBOOK_SUFFIXES


def read_raw(path: str | os.PathLike[str]) -> RawWorkbook:
    """The raw content of the input at `path`; InputError with a clear message when unreadable."""
    path = Path(path)
    try:
        if path.is_dir():
            return read_csv_folder(path)
        if path.is_file():
            if path.suffix.lower() == ".csv":
                raise _unreadable(
                    path,
                    "give the folder that holds the case's CSV files, not one of them "
                    f"({path.parent})",
                )
            return read_xlsx(path)
    except OSError as exc:
        raise _unreadable(path, exc.strerror or str(exc)) from None
    raise _unreadable(path, "no such file or folder")


def _unreadable(path: Path, why: str) -> InputError:
    return InputError([error("", None, "", f"cannot read {path}: {why}")], str(path))


def write_raw(raw: RawWorkbook, path: str | os.PathLike[str], overwrite: bool = False) -> None:
    """Write `raw` to `path` (.xlsx: a workbook, else a CSV folder), atomically.

    An existing `path` is an error unless `overwrite`; even then a workbook never replaces a
    folder or the other way round. Overwriting a CSV folder replaces its CSV files (each one
    atomically) and leaves its other files alone.
    """
    path = Path(path)
    workbook = is_workbook_path(path)
    if path.exists():
        if not overwrite:
            raise PlannerError(f"{path} already exists; use --force to replace it")
        if workbook != path.is_file():
            kind = "file" if path.is_file() else "folder"
            raise PlannerError(
                f"{path} exists and is a {kind}; it cannot be replaced by this output"
            )
    if not path.parent.is_dir():
        raise PlannerError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        if workbook:
            write_atomically(path, lambda temporary: write_xlsx(raw, temporary))
        elif path.exists():
            _refresh_folder(raw, path)
        else:
            _new_folder(raw, path)
    except OSError as exc:
        raise PlannerError(f"cannot write {path}: {exc.strerror or exc}") from None


def _new_folder(raw: RawWorkbook, path: Path) -> None:
    temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        for sheet in raw.sheets.values():
            write_csv_sheet(sheet, temporary / f"{sheet.name}.csv")
        temporary.chmod(0o777 & ~current_umask())
        temporary.rename(path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _write_sheet(sheet: RawSheet, temporary: Path) -> None:
    write_csv_sheet(sheet, temporary)


def _refresh_folder(raw: RawWorkbook, path: Path) -> None:
    # Keyed without case, so that a case-insensitive file system never loses a fresh file.
    stale = {file.name.casefold(): file for file in sheet_files(path)}
    for sheet in raw.sheets.values():
        target = path / f"{sheet.name}.csv"
        write_atomically(target, functools.partial(_write_sheet, sheet))
        stale.pop(target.name.casefold(), None)
    for file in stale.values():
        file.unlink()
