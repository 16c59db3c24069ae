"""Cases too large to plan are refused from counts, with the limit and why, before the model."""

from __future__ import annotations

import time
from pathlib import Path

from planner.io import limits
from tests.hostile.input_commands import refused, write_case
from tests.input.input_workbooks import example, find_issue, issues_of


def test_a_million_countries_rows_are_refused_quickly_with_the_limit(tmp_path: Path) -> None:
    folder = write_case(example(), tmp_path / "case")
    with (folder / "Countries.csv").open("w", encoding="utf-8") as stream:
        stream.write("country,shipping_cost\n")
        stream.writelines(f"C{i},1\n" for i in range(1_000_000))
    started = time.perf_counter()
    output = refused(
        folder,
        "Countries!200002: more than 200,000 data rows, the most a sheet may have (a larger case "
        "does not fit a laptop's memory once the model is built)",
    )
    assert time.perf_counter() - started < 60
    assert "1 error" in output


def test_sheet_row_limit_applies_to_files_as_read(tmp_path: Path) -> None:
    raw = example()
    for year in range(2026, 2036):
        raw.sheet("Demand").append(
            {"mineral": "Gallium", "country": "Japan", "year": year, "demand": 1}
        )
    with limits.override(sheet_rows=10):
        refused(
            write_case(raw, tmp_path / "case"),
            "Demand!12: more than 10 data rows, the most a sheet may have",
        )


def test_model_size_from_counts_names_each_factor(tmp_path: Path) -> None:
    # The example: 2 minerals × 3 countries × 10 years × 3 scenarios = 180.
    path = write_case(example(), tmp_path / "case.xlsx")
    with limits.override(model_size=179):
        refused(
            path,
            "the case is too large: 2 minerals × 3 countries × 10 years × 3 scenarios = 180, and "
            "at most 179 can be planned",
        )
    with limits.override(model_size=180):
        from tests.hostile.input_commands import validate

        assert validate(path).exit_code == 0


def test_sheet_row_limit_applies_to_workbooks_built_in_code() -> None:
    raw = example()
    with limits.override(sheet_rows=8):
        issues = issues_of(raw)
    assert find_issue(issues, "error", "Settings", None, "", "9 data rows, more than the 8")
