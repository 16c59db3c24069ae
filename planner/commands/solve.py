"""`planner solve` and `planner check`: read, solve, write, print; re-verify a written plan."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import click

from planner.case import Case
from planner.commands.common import (
    EXIT_CODES,
    StatusLine,
    bundled_input,
    check_outputs,
    default_results_path,
    read_input,
)
from planner.errors import format_issues
from planner.interrupts import noticing_interrupts
from planner.options import SolveOptions


@dataclass(frozen=True)
class SolveExtras:
    """What `planner solve` writes besides the results workbook."""

    value: bool = False  # add the Value and Risk sheets of `planner value`
    report: bool = False  # write the HTML report beside the results


def solve_command(
    input_path: Path | None,
    results_path: Path | None,
    options: SolveOptions,
    *,
    json_path: Path | None = None,
    progress: bool | None = None,
    extras: SolveExtras = SolveExtras(),
) -> int:
    """Run `planner solve`; return its exit code (PlannerError for input and file problems).

    `progress` shows the one-line status (None: when stderr is a terminal and no log is shown).
    Every output path is checked before the input is read, so a refusal costs nothing.
    """
    from planner.results.console import format_outcome
    from planner.results.workbook import write_results

    if input_path is None:
        input_path = bundled_input()
        click.echo(f"No INPUT given: solving the bundled case {input_path.name}.")
    results_path = results_path or default_results_path(input_path)
    check_outputs(input_path, results_path, json_path, what="the results")

    case, read_seconds = read_input(input_path)

    from planner.solve import solve_case  # after reading: input errors are reported at once

    show = (not options.log and sys.stderr.isatty()) if progress is None else progress
    with noticing_interrupts() as interrupts, StatusLine(enabled=show) as status:
        outcome = solve_case(case, replace(options, progress=options.progress or status.show))
    interrupts.raise_if_interrupted()  # HiGHS turns Ctrl-C into a failed solve: nothing is written
    outcome.timings = {"read": read_seconds, **outcome.timings}

    started = time.perf_counter()
    summary = write_results(results_path, case, outcome, json_path=json_path)
    write_seconds = time.perf_counter() - started
    click.echo(format_outcome(case, outcome, summary))
    written = f"Results  {results_path} ({write_seconds:.2f} s)"
    if json_path is not None:
        written += f", summary {json_path}"
    click.echo(written)
    if extras.value and outcome.plan is not None:
        _add_value(case, results_path, options, show)
    if extras.report:
        from planner.report import write_report

        click.echo(f"Report   {write_report(results_path)}")
    return EXIT_CODES[outcome.status]


def _add_value(case: Case, results_path: Path, options: SolveOptions, progress: bool) -> None:
    """`--value`: the Value and Risk sheets of `planner value`, added to the results."""
    from planner.commands.value import value_report
    from planner.value.workbook import add_value_sheets

    report = value_report(case, replace(options, progress=None), None, progress=progress)
    add_value_sheets(results_path, report)
    click.echo(f"Value    added the Value and Risk sheets to {results_path}")


def check_command(input_path: Path, results_path: Path) -> int:
    """Run `planner check`; return 0 when the plan checks, 1 otherwise."""
    from planner.results.check import check_results, made_from
    from planner.validate import read_case

    case, warnings = read_case(input_path)
    if warnings:
        click.echo(format_issues(warnings), err=True)
    if made_from(case, results_path) is False:
        click.echo(
            f"note: {results_path} was made from another version or form of {input_path} "
            "(its input_sha256 differs); checking the plan against the input as it is now",
            err=True,
        )
    violations = check_results(case, results_path)
    if not violations:
        click.echo(
            f"{results_path} checks against {input_path}: every constraint holds and every "
            "reported cost, CVaR and objective matches its recomputed value."
        )
        return 0
    shown = 100
    for violation in violations[:shown]:
        click.echo(str(violation))
    if len(violations) > shown:
        click.echo(f"... and {len(violations) - shown} more")
    counts: dict[str, int] = {}
    for violation in violations:
        counts[violation.check] = counts.get(violation.check, 0) + 1
    by_check = ", ".join(f"{check}: {count}" for check, count in counts.items())
    click.echo(f"{results_path} does not check: {len(violations)} violations ({by_check}).")
    return 1
