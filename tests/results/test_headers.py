"""Units in the header cells of every sheet the tool writes, and readers that find columns both in
today's headers (`inventory (t)`) and in the plain headers of workbooks written before them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from planner.compare import compare_results
from planner.evaluate.first_stage import read_first_stage
from planner.evaluate.report import SCENARIOS, SHORTFALLS
from planner.report import read_results, render
from planner.results import layout
from planner.results.check import check_results
from planner.value.tables import SHEETS as VALUE_SHEETS
from tests.hostile.cli_runner import planner
from tests.results.results_cases import EXAMPLE

# Every layout of a written sheet: the results workbook, `planner value` and `planner evaluate`.
LAYOUTS = (*layout.SHEETS, *VALUE_SHEETS, SCENARIOS, SHORTFALLS)
# Numeric columns that are pure numbers: probabilities, a relative gap, a count of samples.
# A new numeric column must have a unit or be added here on purpose.
UNITLESS = {
    ("ScenarioCosts", "probability"),
    ("Tree", "probability"),
    ("Risk", "probability"),
    ("Value", "gap"),
    ("Scenarios", "samples"),
}


@pytest.mark.parametrize("sheet", LAYOUTS, ids=lambda sheet: sheet.name)
def test_every_figure_has_its_unit_in_its_header(sheet: layout.SheetLayout) -> None:
    for column in sheet.columns:
        where = (sheet.name, column.name)
        if column.is_text or column.unit in ("year", "see unit"):
            assert column.header == column.name, where  # identifiers, years, per-row units
        elif column.unit:
            assert column.header == f"{column.name} ({column.unit})", where
        else:
            assert where in UNITLESS, f"{where}: a figure without a unit"
        assert layout.column_key(column.header) == column.name, where


def test_header_text_and_column_key_are_inverse() -> None:
    assert layout.header_text("inventory", "t") == "inventory (t)"
    assert layout.header_text("build_year", "year") == "build_year"
    assert layout.header_text("shortfall", "see unit") == "shortfall"
    assert layout.column_key(" strike (USD/t) ") == "strike"
    assert layout.column_key("strike") == "strike"  # a header written before units
    assert layout.column_key("B − A") == "B − A"
    assert layout.column_key(None) == ""
    assert layout.column_positions(["year", "demand (t)", None, "demand"]) == {
        "year": 0,
        "demand": 1,
    }


def test_written_headers_carry_units(solved_example) -> None:
    _, _, path = solved_example
    book = openpyxl.load_workbook(path, read_only=True)
    balance = next(book["Balance"].iter_rows(max_row=1, values_only=True))
    stockpile = next(book["Stockpile"].iter_rows(max_row=1, values_only=True))
    cfd = next(book["CfD"].iter_rows(max_row=1, values_only=True))
    book.close()
    assert {"year", "inventory (t)", "coverage (share)", "demand (t)"} <= set(balance)
    assert {"country", "purchase_cost (USD)", "days_of_demand (days)"} <= set(stockpile)
    assert {"offer", "strike (USD/t)", "volume (t/yr)", "start_year"} <= set(cfd)


def plain_headers(source: Path, target: Path) -> Path:
    """A copy of a results workbook with every header cell stripped of its unit, as results
    written before the units were in the headers have them."""
    book = openpyxl.load_workbook(source)
    for worksheet in book.worksheets:
        if worksheet.title == "Overview":
            continue  # not a table: its headers always carried units
        for cell in worksheet[1]:
            if isinstance(cell.value, str):
                cell.value = layout.column_key(cell.value)
    book.save(target)
    return target


@pytest.fixture(scope="module")
def old_and_new(solved_example, tmp_path_factory) -> tuple[Path, Path]:
    """The example's results as written today and with plain headers, under one file name."""
    _, _, path = solved_example
    new = tmp_path_factory.mktemp("new") / "results.xlsx"
    shutil.copyfile(path, new)
    old = plain_headers(path, tmp_path_factory.mktemp("old") / "results.xlsx")
    headers = next(openpyxl.load_workbook(old, read_only=True)["Balance"].iter_rows(max_row=1))
    assert "inventory" in [cell.value for cell in headers]
    return old, new


def test_check_reads_a_workbook_without_units(solved_example, old_and_new) -> None:
    case, _, _ = solved_example
    old, _ = old_and_new
    assert check_results(case, old) == []
    done = planner("check", EXAMPLE, old)
    assert done.returncode == 0, done.stdout + done.stderr


def test_report_reads_a_workbook_without_units(old_and_new, tmp_path) -> None:
    old, new = old_and_new
    # The same page, but for the units that tables of later sheets show in their headers.
    without_units = re.compile(r" \([^()<]*\)</th>")
    old_page, new_page = render(read_results(old)), render(read_results(new))
    assert without_units.sub("</th>", new_page) == without_units.sub("</th>", old_page)
    done = planner("report", old, "-o", tmp_path / "page.html")
    assert done.returncode == 0, done.stderr


def test_compare_reads_a_workbook_without_units(old_and_new, tmp_path) -> None:
    old, new = old_and_new
    comparison = compare_results(new, old)
    assert comparison.differences == [] and comparison.same_input is True
    assert len(comparison.rows) > 5  # the headline and spending rows were read from both
    done = planner("compare", new, old, "-o", tmp_path / "compare.xlsx")
    assert done.returncode == 0, done.stderr
    assert "The two plans are the same." in done.stdout


def test_evaluate_reads_the_plan_of_a_workbook_without_units(solved_example, old_and_new) -> None:
    case, _, _ = solved_example
    old, new = old_and_new
    plan = read_first_stage(new, case)
    assert plan.builds and plan.purchases
    assert read_first_stage(old, case) == plan
