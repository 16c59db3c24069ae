"""`planner compare` on the example solved twice: with its budget of 1.5 billion USD and with
0.5 billion. The smaller budget must show as a budget difference of −1 billion, the spending
must follow it, the Settings sheet is the one input sheet that differs, and a plan compared with
itself has no differences."""

from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl
import pytest

from planner.compare import compare_results, format_comparison, write_comparison
from tests.report.conftest import SMALL_BUDGET


def by_item(comparison) -> dict[tuple[str, str], object]:
    return {(row.section, row.item): row for row in comparison.rows}


def test_a_smaller_budget_shows_in_budget_spending_and_the_settings_sheet(
    example_results, small_budget_results
):
    _, first = example_results
    _, second = small_budget_results
    comparison = compare_results(first, second)
    rows = by_item(comparison)
    budget = rows[("spending", "budget")]
    assert (budget.first, budget.second) == (1.5e9, SMALL_BUDGET)
    assert budget.change == pytest.approx(SMALL_BUDGET - 1.5e9)
    spent = rows[("spending", "refinery capex spent")].second
    spent += rows[("spending", "stockpile purchases spent")].second
    assert spent <= SMALL_BUDGET * (1 + 1e-9)
    assert comparison.same_input is False
    assert [sheet for sheet, _ in comparison.input_sheets] == ["Settings"]
    assert comparison.input_sheets[0][1] == "1 row(s) only in A, 1 row(s) only in B"
    # A tighter budget can only cost more.
    assert rows[("headline", "expected cost")].change > 0
    sections = {row.section for row in comparison.differences}
    assert {"headline", "spending", "stock bought"} <= sections
    text = format_comparison(comparison)
    assert "-1,000.0 USD million" in text and "Settings: 1 row(s) only in A" in text


def test_a_plan_compared_with_itself_has_no_differences(example_results):
    _, path = example_results
    comparison = compare_results(path, path)
    assert comparison.differences == []
    assert comparison.same_input is True
    assert format_comparison(comparison).endswith("The two plans are the same.")


def test_unreadable_inputs_are_said_to_differ_by_hash(
    example_results, small_budget_results, tmp_path
):
    """When an input path recorded in a Summary no longer exists, only the SHA-256 compares."""
    _, first = example_results
    _, second = small_budget_results
    moved = tmp_path / "moved.xlsx"
    book = openpyxl.load_workbook(second)
    for row in book["Summary"].iter_rows(min_row=2):
        if row[0].value == "input":
            row[1].value = str(tmp_path / "gone")
    book.save(moved)
    comparison = compare_results(first, moved)
    assert comparison.same_input is False and comparison.input_sheets == []
    assert "differ by SHA-256" in comparison.input_note


def test_the_comparison_workbook_and_the_command(example_results, small_budget_results, tmp_path):
    _, first = example_results
    _, second = small_budget_results
    target = tmp_path / "compare.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "planner", "compare", str(first), str(second), "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "budget" in done.stdout and "Settings" in done.stdout
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Differences", "Inputs"]
    rows = list(book["Differences"].iter_rows(min_row=2, values_only=True))
    budget = next(r for r in rows if r[0] == "spending" and r[1] == "budget")
    assert budget[2:7] == (1.5e9, SMALL_BUDGET, SMALL_BUDGET - 1.5e9, "USD", "yes")
    inputs = dict(book["Inputs"].iter_rows(min_row=2, values_only=True))
    assert inputs["same input (SHA-256)"] == "no"
    with pytest.raises(Exception, match="compared workbooks"):
        write_comparison(compare_results(first, second), first)
    copy = tmp_path / "copy.xlsx"
    shutil.copy(first, copy)
    unreadable = subprocess.run(
        [sys.executable, "-m", "planner", "compare", str(copy), str(tmp_path / "none.xlsx")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unreadable.returncode == 1 and "Traceback" not in unreadable.stderr
