"""Reading files: every kind of unreadable input is an InputError with a clear sentence, and what
can be read keeps its cells and spreadsheet row numbers. Workbooks are built at test time."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import openpyxl
import pytest

from planner.errors import InputError, PlannerError
from planner.io import RawRow, RawSheet, RawWorkbook, read_raw, write_raw
from planner.io.csv_folder import read_csv_folder
from planner.io.xlsx import read_xlsx
from planner.validate import case_from_raw
from tests.input.input_workbooks import example, find_issue, write_openpyxl

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _message(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_raw(path)
    (issue,) = caught.value.issues
    return issue.message


def _patch(path: Path, member: str, old: bytes, new: bytes) -> None:
    """Replace bytes in one zip member, as another program would have written it."""
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    assert old in contents[member]
    contents[member] = contents[member].replace(old, new)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def test_openpyxl_dependency_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML


def test_missing_path(tmp_path: Path) -> None:
    assert "no such file or folder" in _message(tmp_path / "nothing.xlsx")


def test_a_single_csv_file_asks_for_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "Demand.csv"
    path.write_text("mineral,country,demand\n")
    assert "give the folder" in _message(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"hello, this is not a spreadsheet", "not an Excel workbook (.xlsx)"),
        (OLE_MAGIC + b"\0" * 600, "old Excel workbook (.xls)"),
        (
            OLE_MAGIC + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64,
            "protected by a password",
        ),
    ],
    ids=["empty", "text", "xls", "encrypted"],
)
def test_files_that_are_not_workbooks(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "case.xlsx"
    path.write_bytes(content)
    assert expected in _message(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "zip archive, not an Excel workbook" in _message(path)


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_workbook(tmp_path: Path, fraction: float) -> None:
    path = tmp_path / "case.xlsx"
    write_raw(example(), path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    assert "damaged or incomplete" in _message(path)


def test_corrupt_sheet_xml(tmp_path: Path) -> None:
    path = write_openpyxl(tmp_path / "case.xlsx", {"Countries": [["country"], ["R"]]})
    _patch(path, "xl/worksheets/sheet1.xml", b"<sheetData>", b"<sheetData><row><c>")
    assert "damaged or incomplete" in _message(path)


def test_uncompressed_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    write_raw(example(), path)
    with pytest.raises(InputError) as caught:
        read_xlsx(path, max_bytes=10_000)
    assert "too large for a planning case" in caught.value.issues[0].message


def test_row_limit_names_the_sheet_and_row(tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    write_raw(example(), path)
    with pytest.raises(InputError) as caught:
        read_xlsx(path, max_rows=5)
    issue = caught.value.issues[0]
    assert (issue.sheet, issue.row) == ("Settings", 7)
    assert "more than 5 data rows, the most a sheet may have" in issue.message
    folder = tmp_path / "case"
    write_raw(example(), folder)
    with pytest.raises(InputError) as caught:
        read_csv_folder(folder, max_rows=5)
    assert "more than 5 data rows" in caught.value.issues[0].message


def test_formula_without_saved_value_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    path = write_openpyxl(
        tmp_path / "case.xlsx",
        {"Countries": [["country", "shipping_cost"], ["R", "=1+1"], ["S", 5], ["T", "=B3*2"]]},
    )
    raw = read_raw(path)
    assert raw.sheet("Countries").rows == [RawRow(2, ["R"]), RawRow(3, ["S", 5]), RawRow(4, ["T"])]
    assert [str(issue) for issue in raw.notes] == [
        "Countries!2, shipping_cost: formula without a saved value (=1+1); open the file in a "
        "spreadsheet program and save it, so that its values are stored",
        "Countries!4, shipping_cost: formula without a saved value (=B3*2); open the file in a "
        "spreadsheet program and save it, so that its values are stored",
    ]
    with pytest.raises(InputError) as caught:
        case_from_raw(raw)
    assert find_issue(caught.value.errors, "error", "Countries", 4, "shipping_cost", "formula")


def test_formula_without_saved_value_in_an_unused_sheet_is_a_warning(tmp_path: Path) -> None:
    case = example()
    case.sheets["README"] = RawSheet("README", ["note"], [RawRow(2, ["=1+1"])])
    path = tmp_path / "case.xlsx"
    write_raw(case, path)
    book = openpyxl.load_workbook(path)
    book["README"]["A2"] = "=1+1"  # a real formula this time, saved without its value
    book.save(path)
    _, warnings = case_from_raw(read_raw(path))
    assert find_issue(warnings, "warning", "README", 2, "note", "the planner does not read")


def test_formula_with_saved_value_reads_the_value(tmp_path: Path) -> None:
    path = write_openpyxl(
        tmp_path / "case.xlsx",
        {"Countries": [["country", "shipping_cost", "note"], ["R", "=1+1", '=""']]},
    )
    member = "xl/worksheets/sheet1.xml"
    _patch(path, member, b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
    # A formula whose result is empty text is saved with t="str" and an empty value.
    _patch(path, member, b'<c r="C2"><f>""</f><v />', b'<c r="C2" t="str"><f>""</f><v></v>')
    raw = read_raw(path)
    assert raw.sheet("Countries").rows == [RawRow(2, ["R", 2])]


def test_xlsx_keeps_row_numbers_and_normalises_cell_types(tmp_path: Path) -> None:
    path = write_openpyxl(
        tmp_path / "case.xlsx",
        {
            "Notes": [
                ["a", None, "c", None],
                [],
                [True, datetime.datetime(2027, 1, 1), "2030", " 3.5 ", None, None],
                [None, None, None],
                ["x\r\ny", 1.5, "", "0012"],
            ]
        },
    )
    sheet = read_raw(path).sheet("notes")
    assert sheet.header == ["a", None, "c"]
    assert sheet.rows == [
        RawRow(3, ["TRUE", "2027-01-01", 2030, " 3.5 "]),
        RawRow(5, ["x\ny", 1.5, None, "0012"]),
    ]


def test_csv_folder_reading(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "Countries.csv").write_bytes(
        '\ufeffcountry,shipping_cost\n\nR,5\n"multi\nline",\n'.encode()
    )
    (folder / "notes.txt").write_text("not a sheet")
    raw = read_raw(folder)
    assert list(raw.sheets) == ["Countries"]
    sheet = raw.sheet("Countries")
    assert sheet.header == ["country", "shipping_cost"]
    # Row numbers count records, as a spreadsheet shows the file: the blank line is row 2.
    assert sheet.rows == [RawRow(3, ["R", 5]), RawRow(4, ["multi\nline"])]


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "Countries.csv").write_bytes("country\nR\nCôte d'Ivoire\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_raw(folder)
    (issue,) = caught.value.issues
    assert issue.sheet == "Countries"
    assert "Countries.csv is not UTF-8 text (byte 0xF4 on line 3); save it as CSV UTF-8" in (
        issue.message
    )


def test_folder_without_csv_files(tmp_path: Path) -> None:
    assert "holds no SHEET.csv files" in _message(tmp_path)


def test_text_that_looks_like_a_formula_or_error_stays_text(tmp_path: Path) -> None:
    raw = RawWorkbook(
        {"Notes": RawSheet("Notes", ["text"], [RawRow(2, ["=1+1"]), RawRow(3, ["#N/A"])])}
    )
    path = tmp_path / "notes.xlsx"
    write_raw(raw, path)
    assert read_raw(path) == raw
    book = openpyxl.load_workbook(path)
    assert book["Notes"]["A2"].data_type == "s"


def test_control_characters_cannot_go_into_a_workbook(tmp_path: Path) -> None:
    raw = RawWorkbook({"Notes": RawSheet("Notes", ["text"], [RawRow(7, ["bell\x07"])])})
    with pytest.raises(
        PlannerError, match=r"Notes!7, column A: the cell holds a control character"
    ):
        write_raw(raw, tmp_path / "notes.xlsx")
    assert not list(tmp_path.iterdir())


def test_sheet_names_a_workbook_cannot_hold(tmp_path: Path) -> None:
    raw = RawWorkbook({"a/b": RawSheet("a/b", ["x"])})
    with pytest.raises(PlannerError, match=r"cannot be used in an \.xlsx workbook"):
        write_raw(raw, tmp_path / "out.xlsx")


def test_writing_refuses_to_overwrite_and_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    path.write_bytes(b"keep me")
    with pytest.raises(PlannerError, match="already exists; use --force"):
        write_raw(example(), path)
    assert path.read_bytes() == b"keep me"
    write_raw(example(), path, overwrite=True)
    assert read_raw(path) == example()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.xlsx"]  # no temporary left


def test_overwriting_a_csv_folder_replaces_sheets_and_keeps_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "Old.csv").write_text("x\n1\n")
    (folder / "README.md").write_text("notes")
    write_raw(example(), folder, overwrite=True)
    assert not (folder / "Old.csv").exists()
    assert (folder / "README.md").read_text() == "notes"
    assert read_raw(folder) == example()


def test_a_workbook_never_replaces_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "odd.xlsx"
    folder.mkdir()
    with pytest.raises(PlannerError, match="exists and is a folder"):
        write_raw(example(), folder, overwrite=True)
