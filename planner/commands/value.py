"""`planner value` (and `planner solve --value`): the value of each decision, EVPI and VSS."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.commands.common import (
    StatusLine,
    bundled_input,
    case_name,
    check_outputs,
    read_input,
)
from planner.options import SolveOptions

if TYPE_CHECKING:
    from planner.case import Case
    from planner.value.analysis import ValueReport


def default_value_path(input_path: Path) -> Path:
    """`<input stem>-value.xlsx` in the current folder."""
    return Path.cwd() / f"{case_name(input_path)}-value.xlsx"


def value_command(
    input_path: Path | None,
    output: Path | None,
    options: SolveOptions,
    *,
    workers: int | None = None,
    json_path: Path | None = None,
    progress: bool | None = None,
) -> int:
    """Run `planner value`; return its exit code (PlannerError for input and file problems)."""
    from planner.results.workbook import write_summary_json
    from planner.value.tables import figures
    from planner.value.workbook import write_value_workbook

    if input_path is None:
        input_path = bundled_input()
        click.echo(f"No INPUT given: valuing the bundled case {input_path.name}.")
    output = output or default_value_path(input_path)
    check_outputs(input_path, output, json_path, what="the value workbook")
    case, _ = read_input(input_path)
    report = value_report(case, options, workers, progress=progress)
    write_value_workbook(output, report)
    if json_path is not None:
        write_summary_json(json_path, figures(report))
    click.echo(f"Results  {output}" + (f", summary {json_path}" if json_path else ""))
    return 0


def value_report(
    case: Case, options: SolveOptions, workers: int | None, *, progress: bool | None = None
) -> ValueReport:
    """Analyse `case`, showing progress (None: on a terminal unless the log is shown): the
    status line of `planner solve` while the case itself is solved, then a bar over the
    re-solves; print the summary table."""
    from planner.sweep.execute import default_workers
    from planner.value.analysis import Done, analyse
    from planner.value.console import ProgressBar, format_report

    show = (not options.log and sys.stderr.isatty()) if progress is None else progress
    bar = ProgressBar(enabled=progress)
    with StatusLine(enabled=show) as status:

        def resolving(total: int) -> Done:
            status.close()  # the bar takes over the line
            return bar(total)

        status.show("building and solving the case")
        watched = replace(options, progress=options.progress or status.show)
        try:
            report = analyse(
                case, watched, workers=workers or default_workers(), progress=resolving
            )
        finally:
            bar.close()
    click.echo(format_report(report))
    return report
