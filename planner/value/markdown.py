"""The Value and Risk sheets of a `planner value` workbook as Markdown, for generated READMEs.

Studies quote what `planner value` wrote instead of re-deriving it: `value_markdown(path)` reads
the workbook and returns the lines of a short section (EVPI, VSS, the most valuable decisions).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd


def _usd(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    amount = float(value)  # type: ignore[arg-type]
    for scale, suffix in ((1e9, " bn"), (1e6, " m")):
        if abs(amount) >= scale:
            return f"{amount / scale:,.2f}{suffix} USD"
    return f"{amount:,.0f} USD"


def _decision_rows(value: pd.DataFrame, top: int) -> list[str]:
    needed = value["status"] == "needed"
    ordered = pd.concat(
        [value[needed], value[~needed].sort_values("value", ascending=False, na_position="last")]
    )
    rows = []
    for record in ordered.head(top).to_dict("records"):
        shown = "needed" if record["status"] == "needed" else _usd(record["value"])
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


def value_markdown(path: Path, top: int = 10) -> list[str]:
    """EVPI, VSS and the `top` most valuable decisions of the value workbook at `path`."""
    value = pd.read_excel(path, sheet_name="Value")
    risk = pd.read_excel(path, sheet_name="Risk")
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
    lines += [
        "",
        f"The {min(top, len(value))} decisions worth most (value: the change of the objective "
        'when the decision is reversed; "needed": no plan meets the rules without it):',
        "",
        "| kind | decision | re-solve | value | break-even |",
        "|---|---|---|---:|---:|",
        *_decision_rows(value, top),
    ]
    return lines
