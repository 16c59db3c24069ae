"""`planner sweep`: run a sweep with a progress bar and print what it left in its folder."""

from __future__ import annotations

from pathlib import Path

import click

from planner.commands.common import bundled_input, refuse_inside_input
from planner.files import refuse_special_file
from planner.sweep.definition import Definition
from planner.sweep.options import SweepOptions, default_folder


def sweep_command(
    input_path: Path | None,
    folder: Path | None,
    definitions: list[Definition] | None,
    options: SweepOptions,
    *,
    progress: bool | None = None,
) -> int:
    """Run `planner sweep`; return 0 (PlannerError for input, definition and folder problems,
    SweepInterrupted with exit code 130 on Ctrl-C).

    `progress` shows the bar of runs (None: when stderr is a terminal).
    """
    from planner.errors import format_issues
    from planner.sweep.runner import ProgressBar, run_sweep

    if input_path is None:
        input_path = bundled_input()
        click.echo(f"No INPUT given: sweeping the bundled case {input_path.name}.")
    folder = folder if folder is not None else default_folder(input_path)
    refuse_special_file(folder, "the sweep folder")
    if input_path.exists():
        refuse_inside_input(folder, input_path, "the sweep")
    bar = ProgressBar(enabled=progress)
    try:
        result = run_sweep(
            input_path,
            folder,
            definitions=definitions,
            options=options,
            progress=bar,
            warn=lambda warnings: click.echo(format_issues(warnings), err=True),
        )
    finally:
        bar.close()
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(result.statuses.items()))
    click.echo(
        f"Sweep of {result.runs} runs ({options.mode}) on {input_path}: {result.ran} solved now, "
        f"{result.recorded} recorded ({statuses}) in {result.seconds:.1f} s."
    )
    if not result.complete:
        click.echo(
            f"{result.runs - result.recorded} runs remain: run the same command with --resume."
        )
    charts = ", ".join(str(path) for path in result.charts)
    click.echo(f"Results: {result.workbook}" + (f"; charts: {charts}" if charts else ""))
    return 0
