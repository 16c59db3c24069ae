"""Revision 3 of the workbook on the input side: what the new columns and sheet become in the
`Case`, and the rules about optional sheets and probabilities that came with it."""

from __future__ import annotations

import pytest

from planner.case import Country, Stockpile
from planner.errors import InputError
from planner.schema import SHEETS
from planner.validate import case_from_raw
from tests.input.input_workbooks import cell, example, minimal


def test_example_reads_the_new_columns_and_sheet() -> None:
    case, warnings = case_from_raw(example())
    assert warnings == []
    assert case.countries["Australia"] == Country(
        "Australia", 250.0, shares_stock=False, budget=600_000_000.0
    )
    assert case.countries["Japan"].shares_stock and case.countries["Japan"].budget is None
    japan = case.stockpiles["Japan", "NdPr oxide"]
    assert (japan.min_days, japan.obligation_from) == (30.0, 2028)
    # No obligation: obligation_from stays None (it would mean nothing).
    assert case.stockpiles["United States", "Gallium"].obligation_from is None
    # China's NdPr share is capped at 0.8 from 2030 to the last year, and nothing else.
    assert case.supply_cap == {("China", "NdPr oxide", t): 0.8 for t in range(2030, 2036)}


@pytest.mark.parametrize(
    ("typed", "shares"),
    [("yes", True), ("No", False), ("TRUE", True), ("false", False), (None, True)],
)
def test_shares_stock_accepts_yes_no_and_true_false_in_any_case(
    typed: str | None, shares: bool
) -> None:
    raw = example()
    cell("Countries", 3, "shares_stock", typed)(raw)
    case, _ = case_from_raw(raw)
    assert case.countries["Japan"].shares_stock is shares


def test_blank_obligation_year_is_start_year() -> None:
    raw = minimal(
        Stockpiles=[["country", "mineral", "capacity", "min_days"], ["R", "M", 30, 73]],
    )
    case, _ = case_from_raw(raw)
    # 73/365 × 10 t/yr = 2 t ≤ 30 t.
    assert case.stockpiles["R", "M"] == Stockpile(
        "R", "M", capacity=30.0, min_days=73.0, obligation_from=2026
    )
    assert case.obligation("R", "M", 2027, "base") == pytest.approx(2.0)


def test_obligation_before_its_first_year_is_not_checked() -> None:
    # 365 days of 10 t/yr = 10 t > capacity 5 t, but only from 2029, after the horizon.
    raw = minimal(
        Stockpiles=[
            ["country", "mineral", "capacity", "min_days", "obligation_from"],
            ["R", "M", 5, 365, 2029],
        ],
    )
    case, _ = case_from_raw(raw)
    assert case.stockpiles["R", "M"].obligation_from == 2029
    raw.set("Stockpiles", 2, "obligation_from", 2028)
    with pytest.raises(InputError) as caught:
        case_from_raw(raw)
    assert "in 2028" in str(caught.value.errors[0])


def test_cap_with_blank_mineral_covers_every_mineral_the_source_supplies() -> None:
    raw = minimal(
        Minerals=[["mineral", "price", "shortage_penalty"], ["M", 100, 1000], ["N", 50, 500]],
        Sources=[["source", "mineral", "available"], ["X", "M", 50], ["Y", "N", 5]],
        SupplyCaps=[["source", "to_year", "max_share"], ["X", 2027, 0.25]],
    )
    case, _ = case_from_raw(raw)
    assert case.supply_cap == {("X", "M", 2026): 0.25, ("X", "M", 2027): 0.25}


@pytest.mark.parametrize(
    "name", [name for name, sheet in SHEETS.items() if not sheet.required and sheet.columns]
)
def test_optional_sheet_with_only_its_header_is_no_sheet(name: str) -> None:
    header = [field.name for field in SHEETS[name].columns]
    with_header = case_from_raw(minimal(**{name: [header]}))
    without = case_from_raw(minimal())
    assert with_header == without


@pytest.mark.parametrize(
    "probabilities",
    [
        (0.6, 0.3, 0.099999),
        (0.6, 0.3, 0.100001),
        (0.333333, 0.333333, 0.333333),
        (0.333334, 0.333333, 0.333334),
        tuple([0.142857] * 7),
    ],
)
def test_probabilities_rounded_to_six_decimals_are_accepted(
    probabilities: tuple[float, ...],
) -> None:
    rows = [["scenario", "probability"]] + [[f"s{i}", p] for i, p in enumerate(probabilities)]
    case, _ = case_from_raw(minimal(Scenarios=rows))
    assert len(case.scenarios) == len(probabilities)


@pytest.mark.parametrize("probabilities", [(0.6, 0.3, 0.09999), (0.6, 0.3, 0.10001)])
def test_probabilities_off_by_more_than_rounding_are_refused(
    probabilities: tuple[float, ...],
) -> None:
    rows = [["scenario", "probability"]] + [[f"s{i}", p] for i, p in enumerate(probabilities)]
    with pytest.raises(InputError) as caught:
        case_from_raw(minimal(Scenarios=rows))
    assert "must sum to 1" in caught.value.errors[0].message
