"""What `planner value` shows: a progress bar over the re-solves and the summary table."""

from __future__ import annotations

from typing import Any

import pandas as pd

from planner.value.analysis import Done, ValueReport
from planner.value.tables import TOTAL, figures, value_table
from planner.value.tasks import TaskResult

TOP = 10


class ProgressBar:
    """A tqdm bar over the re-solves (silent when stderr is not a terminal), as sweeps show."""

    def __init__(self, enabled: bool | None = None) -> None:
        self._bar: Any = None
        self._disable = None if enabled is None else not enabled  # None: shown on a terminal

    def __call__(self, total: int) -> Done:
        from tqdm import tqdm

        self._bar = tqdm(total=total, unit="re-solve", desc="value", disable=self._disable)

        def update(_result: TaskResult) -> None:
            self._bar.update(1)

        return update

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _usd(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{value:,.0f} USD"


def format_report(report: ValueReport) -> str:
    """The ten most valuable decisions, EVPI and VSS, in the style of `planner solve`."""
    timings = report.timings
    lines = [
        f"Valued   objective {_usd(report.objective)} with {report.resolves} solves in "
        f"{timings.get('total', 0.0):.1f} s ({report.highs_seconds:.1f} s inside HiGHS, summed "
        "over the worker processes)",
        "",
        f"Decisions by value (top {TOP} of {len(report.decisions)}; all in the Value sheet)",
    ]
    table = value_table(report)
    needed = table["status"] == "needed"
    ordered = pd.concat(
        [table[needed], table[~needed].sort_values("value", ascending=False, na_position="last")]
    )
    labels = [f"{k} {d}" for k, d in zip(ordered["kind"], ordered["decision"], strict=True)]
    width = max([len(label) for label in labels] + [8])
    for row in ordered.head(TOP).itertuples(index=False):
        label = f"{row.kind} {row.decision}"
        shown = "needed" if row.status == "needed" else _usd(row.value)
        lines.append(f"  {label:<{width}}  {row.re_solve:<13}{shown:>24}")
    lines.extend(["", *_risk_lines(report)])
    return "\n".join(lines)


def _risk_lines(report: ValueReport) -> list[str]:
    figure = figures(report)
    lines = [
        f"Risk     EVPI {_usd(figure['evpi'])} (expected perfect foresight "
        f"{_usd(figure['expected_perfect_foresight'])})"
    ]
    if figure["vss"] is not None:
        lines.append(
            f"         VSS {_usd(figure['vss'])} (expected-value plan {_usd(figure['eev'])})"
        )
    else:
        lines.append(
            f"         VSS –: {report.ev_plan.message or 'the expected-value plan has no cost'}"
        )
    calm = report.no_disruption_scenario
    if figure["no_disruption_plan_extra"] is not None:
        lines.append(
            f"         the no-disruption plan ({calm} alone) costs "
            f"{_usd(figure['no_disruption_plan_extra'])} more"
        )
    else:
        lines.append(
            f"         the no-disruption plan ({calm} alone): "
            f"{report.no_disruption_plan.message or 'no cost'}"
        )
    if report.case.settings.cvar_weight > 0:
        lines.append("         (figures use the case's objective, CVaR included)")
    lines.append(f"         per scenario: Risk sheet (rows per scenario and {TOTAL!r})")
    return lines
