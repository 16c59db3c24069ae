"""The Value and Risk sheets of a `planner value` workbook as Markdown, for generated READMEs.

Studies quote what `planner value` wrote instead of re-deriving it: `value_markdown(path)` reads
the workbook and returns the lines of a short section (EVPI, VSS, the most valuable decisions).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from planner.results.layout import column_key


def _usd(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    amount = float(value)  # type: ignore[arg-type]
    for scale, suffix in ((1e9, " bn"), (1e6, " m")):
        if abs(amount) >= scale:
            return f"{amount / scale:,.2f}{suffix} USD"
    return f"{amount:,.0f} USD"


def _decision_rows(value: pd.DataFrame, top: int) -> list[str]:
    ordered = value.sort_values("value", ascending=False, na_position="last")
    rows = []
    for record in ordered.head(top).to_dict("records"):
        shown = _usd(record["value"])
        unit = record["break_even_unit"] if isinstance(record["break_even_unit"], str) else ""
        even = record["break_even"]
        even_text = f"{float(even):,.0f} {unit}".strip() if isinstance(even, int | float) else ""
        if even_text.startswith("nan"):
            even_text = ""
        rows.append(
            f"| {record['kind']} | {record['decision']} | {record['re_solve']} | {shown} "
            f"| {even_text} |"
        )
    return rows


def _read(path: Path, sheet: str) -> pd.DataFrame:
    """A sheet with its columns named by key: `value (USD)` and a plain `value` (a workbook
    written before units were in the headers) are both the column `value`."""
    return pd.read_excel(path, sheet_name=sheet).rename(columns=column_key)


def value_markdown(path: Path, top: int = 10) -> list[str]:
    """EVPI, VSS and the `top` most valuable decisions of the value workbook at `path`."""
    value = _read(path, "Value")
    risk = _read(path, "Risk")
    total = risk[risk["scenario"] == "total"].iloc[0]
    vss = total["ev_plan_extra"]
    lines = [
        f"The expected value of perfect information (EVPI) is {_usd(total['regret'])}: what "
        "knowing in advance which scenario comes would save, against the plan's objective of "
        f"{_usd(total['plan_cost'])}.",
    ]
    if pd.notna(vss):
        lines.append(
            f"The value of the stochastic solution (VSS) is {_usd(vss)}: what planning for the "
            "scenarios saves against fixing the plan of the average scenario."
        )
    elif isinstance(total["note"], str):
        lines.append(f"No VSS: {total['note']}.")
    needed = value[value["status"] == "needed"]
    if len(needed):
        names = ", ".join(
            f"{k} {d}" for k, d in zip(needed["kind"], needed["decision"], strict=True)
        )
        lines += ["", f"Needed (no plan meets the rules without them): {names}."]
    valued = value[value["status"] != "needed"]
    lines += [
        "",
        f"The {min(top, len(valued))} decisions worth most (value: how much the objective rises "
        "when the decision is reversed; break-even: by how much a site's fixed capex would have "
        "to fall, or the strike at which an offer would enter, for a decision not taken):",
        "",
        "| kind | decision | re-solve | value | break-even |",
        "|---|---|---|---:|---:|",
        *_decision_rows(valued, top),
    ]
    return lines
