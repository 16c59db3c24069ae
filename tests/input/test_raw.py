"""The raw workbook API as sweeps use it: find, read and change cells by sheet, row, column."""

from __future__ import annotations

import numpy as np
import pytest

from planner.io import RawRow, RawSheet
from planner.validate import case_from_raw
from tests.input.input_workbooks import example


def test_cells_by_identifier_row_number_or_column_values() -> None:
    raw = example()
    assert raw.get("Sites", "Texas separation plant", "max_capacity") == 5000
    assert raw.get("sites", 3, "MAX_CAPACITY ") == 5000
    demand = {"mineral": "NdPr oxide", "country": "United States", "year": None}
    assert raw.get("Demand", demand, "demand") == 8000
    assert raw.get("Demand", {**demand, "year": 2030}, "demand") == 9500
    assert raw.get("Settings", "END_YEAR", "value") == 2035
    assert raw.get("Sites", "Mountain Pass", "no such column") is None


def test_rows_that_are_missing_or_ambiguous_are_key_errors() -> None:
    raw = example()
    with pytest.raises(KeyError, match="no row of sheet Sites"):
        raw.get("Sites", "Atlantis", "max_capacity")
    with pytest.raises(KeyError, match="2 rows of sheet Demand"):
        raw.get("Demand", {"mineral": "NdPr oxide", "country": "United States"}, "demand")
    with pytest.raises(KeyError, match="has no identifier column"):
        raw.get("Demand", "NdPr oxide", "demand")
    with pytest.raises(KeyError, match="no sheet Sweeps"):
        raw.sheet("Sweeps")


def test_changes_reach_validation_and_leave_the_original_alone() -> None:
    raw = example()
    variant = raw.copy()
    variant.set("Minerals", "Gallium", "coverage", "75%")
    variant.set("Sites", "Mountain Pass", "notes", "added column")  # a new column is added
    variant.set_setting("budget", np.float64(2e9))
    variant.set_setting("Time_Limit", None)
    case, warnings = case_from_raw(variant)
    assert case.minerals["Gallium"].coverage == pytest.approx(0.75)
    assert case.settings.budget == 2e9
    assert case.settings.time_limit is None
    assert [(w.sheet, w.column) for w in warnings] == [("Sites", "notes")]
    assert raw == example()


def test_set_setting_adds_a_missing_setting_and_append_numbers_rows() -> None:
    raw = example()
    raw.sheet("Settings").rows.pop()  # time_limit row 10
    raw.set_setting("time_limit", np.int64(60))
    assert raw.sheet("Settings").rows[-1] == RawRow(10, ["time_limit", 60])
    assert case_from_raw(raw)[0].settings.time_limit == 60.0
    sheet = RawSheet("Notes")
    assert sheet.append({"b": 1}) == RawRow(2, [1])
    assert sheet.header == ["b"]


def test_values_set_from_code_are_checked() -> None:
    raw = example()
    with pytest.raises(TypeError, match="bool"):
        raw.set("Minerals", "Gallium", "price", True)
    with pytest.raises(ValueError, match="nan"):
        raw.set("Minerals", "Gallium", "price", float("nan"))
    raw.set("Minerals", "Gallium", "price", "1200")  # text that is a number becomes a number
    assert raw.get("Minerals", "Gallium", "price") == 1200


def test_setting_a_cell_blank_trims_the_row() -> None:
    row = RawRow(2, ["a", None, "c"])
    row.put(2, None)
    assert row.values == ["a"]
    row.put(5, None)
    assert row.values == ["a"]
