"""Hostile CSV folders: an unclosed quote, stray carriage returns, broken links, one sheet twice."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.input_commands import refused, validate, write_case
from tests.input.input_workbooks import example


def _folder(tmp_path: Path) -> Path:
    return write_case(example(), tmp_path / "case")


def test_quote_never_closed_names_file_and_line_where_it_opens(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    countries = folder / "Countries.csv"
    lines = countries.read_text(encoding="utf-8").splitlines()
    lines.insert(2, '"Korea,100')  # line 3 of the file
    countries.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(
        folder,
        'Countries.csv, line 3: a quote (") opens a cell there and is never closed; add the '
        "closing quote or remove the opening one",
    )


def test_bare_carriage_return_in_a_line_is_an_error_at_that_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    demand = folder / "Demand.csv"
    lines = demand.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("Japan", "Ja\rpan")  # line 4
    demand.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(folder, "Demand.csv, line 4: a carriage return (CR) in the middle of the line")


def test_carriage_return_in_a_quoted_cell_keeps_later_row_numbers(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    countries = folder / "Countries.csv"
    lines = countries.read_text(encoding="utf-8").splitlines()
    lines[1] = '"United\rStates"' + lines[1][len("United States") :]  # row 2 keeps its line
    lines[3] = lines[3].replace(",250,", ",-250,")  # row 4 (Australia) now wrong
    countries.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = refused(folder, "Countries!4, shipping_cost: must be ≥ 0 (found -250)")
    assert "Countries!5" not in output


def test_crlf_and_cr_only_line_ends_number_rows_as_an_editor_shows(tmp_path: Path) -> None:
    for ending in ("\r\n", "\r"):
        (tmp_path / ending.encode().hex()).mkdir()
        folder = _folder(tmp_path / ending.encode().hex())
        countries = folder / "Countries.csv"
        lines = countries.read_text(encoding="utf-8").splitlines()
        lines[3] = lines[3].replace(",250,", ",-250,")
        countries.write_bytes(ending.join(lines).encode() + ending.encode())
        refused(folder, "Countries!4, shipping_cost: must be ≥ 0 (found -250)")


def test_broken_link_in_the_folder_is_an_error_not_skipped(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "SupplyCaps.csv").unlink()
    (folder / "SupplyCaps.csv").symlink_to(tmp_path / "gone.csv")
    refused(folder, "SupplyCaps.csv is a link to a file that does not exist")


def test_two_files_for_one_sheet_differing_in_case_are_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    files = len(list(folder.glob("*.csv")))
    (folder / "settings.csv").write_bytes((folder / "Settings.csv").read_bytes())
    if len(list(folder.glob("*.csv"))) == files + 1:
        refused(folder, "are the same sheet (names are matched without regard to case")
    else:  # a case-insensitive file system holds one of them only
        assert validate(folder).exit_code == 0


def test_a_cell_too_long_for_any_case_is_named_in_plain_words(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with (folder / "Countries.csv").open("a", encoding="utf-8") as stream:
        stream.write("Korea," + "1" * 200_000 + "\n")
    output = refused(folder, "Countries.csv, line 5: a cell longer than 131,072 characters")
    assert "field limit" not in output
