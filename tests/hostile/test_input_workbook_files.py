"""Hostile workbook files: a sheet twice, an old .xls, damaged parts; messages without jargon."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.input_commands import patch_member, refused, write_case
from tests.input.input_workbooks import example

_JARGON = ("Please see the exception", "openpyxl", "zipfile", "KeyError", "BadZipFile", "xlrd")


def _workbook(tmp_path: Path) -> Path:
    return write_case(example(), tmp_path / "case.xlsx")


@pytest.mark.parametrize("second", ["Settings", "settings", " Settings "])
def test_a_sheet_twice_is_refused(tmp_path: Path, second: str) -> None:
    path = _workbook(tmp_path)
    patch_member(path, "xl/workbook.xml", b'name="Minerals"', f'name="{second}"'.encode())
    output = refused(path, "it has two sheets with", "('Settings' and")
    assert not any(word in output for word in _JARGON)


def test_old_xls_file_says_to_save_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "case.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    output = refused(path, "it is an old Excel workbook (.xls); open it in a spreadsheet program")
    assert not any(word in output for word in _JARGON)


def test_damaged_sheet_part_is_described_in_the_planners_words(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    patch_member(path, "xl/workbook.xml", b"<sheets>", b"<sheets><broken")
    output = refused(path, "the workbook is damaged or incomplete", "save it as an Excel workbook")
    assert not any(word in output for word in _JARGON)


def test_a_sheet_part_missing_is_described_in_the_planners_words(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    patch_member(path, "xl/_rels/workbook.xml.rels", b"worksheets/sheet2.xml", b"worksheets/no.xml")
    output = refused(path, "the workbook is damaged or incomplete")
    assert not any(word in output for word in _JARGON)
