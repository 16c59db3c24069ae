"""The Markdown section that studies quote from a `planner value` workbook: headers with units
(`value (USD)`, as `planner value` writes them) and without (workbooks written before) read
alike."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.value.markdown import value_markdown
from planner.value.tables import RISK, VALUE

VALUE_COLUMNS = ["kind", "decision", "status", "re_solve", "value", "break_even", "break_even_unit"]
RISK_COLUMNS = ["scenario", "plan_cost", "regret", "ev_plan_extra", "note"]


def _headers(columns: list[str], with_units: bool) -> list[str]:
    """The header cells: as the layout writes them, or the plain names of older workbooks."""
    written = {c.name: c.header for sheet in (VALUE, RISK) for c in sheet.columns}
    return [written[name] for name in columns] if with_units else columns


def write_value_workbook(path: Path, vss: float | None, with_units: bool = True) -> None:
    value = pd.DataFrame(
        [
            ("site", "Small plant", "optimal", "forbidden", 5e6, None, None),
            ("site", "Needed plant", "needed", "forbidden", None, None, None),
            ("offer", "Rung 2", "optimal", "forced in", 2.5e9, 72_189.4, "USD/t"),
        ],
        columns=_headers(VALUE_COLUMNS, with_units),
    )
    risk = pd.DataFrame(
        [("a", 1e9, 1e6, None, None), ("total", 7.25e9, 1.5e8, vss, "the plan falls short")],
        columns=_headers(RISK_COLUMNS, with_units),
    )
    with pd.ExcelWriter(path) as writer:
        value.to_excel(writer, sheet_name="Value", index=False)
        risk.to_excel(writer, sheet_name="Risk", index=False)


@pytest.mark.parametrize("with_units", [True, False], ids=["unit headers", "plain headers"])
def test_needed_decisions_are_named_and_the_rest_ranked_by_value(
    tmp_path: Path, with_units: bool
) -> None:
    path = tmp_path / "value.xlsx"
    write_value_workbook(path, vss=4.3e7, with_units=with_units)
    if with_units:
        assert "value (USD)" in pd.read_excel(path, sheet_name="Value").columns
    lines = value_markdown(path)
    assert lines[0].startswith("The expected value of perfect information (EVPI) is 150.00 m USD")
    assert "7.25 bn USD" in lines[0]
    assert "(VSS) is 43.00 m USD" in lines[1]
    assert "Needed (no plan meets the rules without them): site Needed plant." in lines
    rows = [line for line in lines if line.startswith("| site") or line.startswith("| offer")]
    assert rows == [
        "| offer | Rung 2 | forced in | 2.50 bn USD | 72,189 USD/t |",
        "| site | Small plant | forbidden | 5.00 m USD |  |",
    ]


def test_without_vss_the_reason_is_given(tmp_path: Path) -> None:
    path = tmp_path / "value.xlsx"
    write_value_workbook(path, vss=None)
    assert "No VSS: the plan falls short." in value_markdown(path)
