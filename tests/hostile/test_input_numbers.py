"""Hostile numbers: non-finite, huge, odd forms Python accepts, percentages for money."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.io import read_raw
from tests.hostile.input_commands import (
    patch_member,
    refused,
    sheet_member,
    validate,
    write_case,
)
from tests.input.input_workbooks import example


def test_xlsx_cell_holding_1e999_is_refused_as_not_finite(tmp_path: Path) -> None:
    raw = example()
    raw.set("Countries", 3, "shipping_cost", 123456789)
    path = write_case(raw, tmp_path / "case.xlsx")
    patch_member(path, sheet_member(path, "Countries"), b"<v>123456789</v>", b"<v>1e999</v>")
    assert read_raw(path).get("Countries", 3, "shipping_cost") == float("inf")
    refused(path, "Countries!3, shipping_cost: must be a finite number")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e100", "Demand!2, demand: must be at most 1e10 t/yr (found '1e100')"),
        ("1e308", "Demand!2, demand: must be at most 1e10 t/yr (found '1e308')"),
        ("nan", "Demand!2, demand: must be a finite number"),
        ("-inf", "Demand!2, demand: must be a finite number"),
        ("6_5000", "Demand!2, demand: not a number (found '6_5000')"),
        ("６５０００", "Demand!2, demand: not a number (found '６５０００')"),
        ("1,2", "Demand!2, demand: not a number; use a point for decimals"),
        ("80%", "Demand!2, demand: a percentage where a quantity in t/yr is expected"),
    ],
)
def test_csv_numbers_outside_the_documented_forms(tmp_path: Path, typed: str, message: str) -> None:
    raw = example()
    raw.set("Demand", 2, "demand", typed)
    refused(write_case(raw, tmp_path / "case"), message)


@pytest.mark.parametrize(("typed", "value"), [("12e9", 12e9), ("12,000,000,000", 12e9)])
def test_documented_forms_of_a_budget_are_read(tmp_path: Path, typed: str, value: float) -> None:
    raw = example()
    raw.set_setting("budget", typed)
    outcome = validate(write_case(raw, tmp_path / "case"))
    assert outcome.exit_code == 0, outcome.output
    assert f"budget {value / 1e9:.1f} bn USD" in outcome.output


def test_budget_as_percentage_says_how_to_write_money(tmp_path: Path) -> None:
    raw = example()
    raw.set_setting("budget", "80%")
    refused(
        write_case(raw, tmp_path / "case.xlsx"),
        "Settings!5, value: budget a percentage where money is expected (found '80%'); "
        "write e.g. 12e9 or 12,000,000,000 (USD)",
    )


def test_budget_typed_in_billions_warns_and_is_echoed(tmp_path: Path) -> None:
    raw = example()
    raw.set_setting("budget", 12)
    outcome = validate(write_case(raw, tmp_path / "case"))
    assert outcome.exit_code == 0, outcome.output
    assert "warning: Settings!5, value: budget 12 USD is below the cheapest candidate" in (
        outcome.output
    )
    assert "did you mean 12e9 (12 billion USD)?" in outcome.output
    assert "budget 12 USD" in outcome.output
