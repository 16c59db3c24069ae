"""What `planner value` does and prints: read, analyse with a progress bar, write, summarise."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
import pandas as pd

from planner.errors import PlannerError, format_issues
from planner.options import SolveOptions
from planner.value.analysis import Done, ValueReport, analyse
from planner.value.tables import TOTAL, figures, value_table
from planner.value.tasks import TaskResult

TOP = 10


class ProgressBar:
    """A tqdm bar over the re-solves (silent when stderr is not a terminal), as sweeps show."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, total: int) -> Done:
        from tqdm import tqdm

        self._bar = tqdm(total=total, unit="re-solve", desc="value", disable=None)

        def update(_result: TaskResult) -> None:
            self._bar.update(1)

        return update

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def default_value_path(input_path: Path) -> Path:
    """`<input stem>-value.xlsx` in the current folder."""
    stem = input_path.stem if input_path.suffix.lower() in (".xlsx", ".xlsm") else input_path.name
    return Path.cwd() / f"{stem}-value.xlsx"


def value_command(
    input_path: Path | None,
    output: Path | None,
    *,
    workers: int | None,
    time_limit: float | None,
    mip_gap: float | None,
    json_path: Path | None,
) -> int:
    """Run `planner value`; return its exit code (PlannerError for input and file problems)."""
    from planner.results.console import bundled_input
    from planner.results.workbook import refuse_input_as_output, write_summary_json
    from planner.validate import read_case
    from planner.value.parallel import default_workers
    from planner.value.workbook import write_value_workbook

    if input_path is None:
        input_path = bundled_input()
        click.echo(f"No INPUT given: valuing the bundled case {input_path.name}.")
    output = output or default_value_path(input_path)
    for target in (output, json_path):
        if target is not None:
            refuse_input_as_output(target, str(input_path))
    if json_path is not None and json_path.resolve() == output.resolve():
        raise PlannerError(f"the value workbook and the JSON summary are both {output}")
    started = time.perf_counter()
    case, warnings = read_case(input_path)
    if warnings:
        click.echo(format_issues(warnings), err=True)
    click.echo(f"Read     {input_path}: {case.describe()} ({time.perf_counter() - started:.2f} s)")
    bar = ProgressBar()
    try:
        report = analyse(
            case,
            SolveOptions(time_limit=time_limit, mip_gap=mip_gap),
            workers=workers or default_workers(),
            progress=bar,
        )
    finally:
        bar.close()
    write_value_workbook(output, report)
    if json_path is not None:
        write_summary_json(json_path, figures(report))  # type: ignore[arg-type]
    click.echo(format_report(report))
    click.echo(f"Results  {output}" + (f", summary {json_path}" if json_path else ""))
    return 0


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
