"""The `planner` command line: one click group and one error boundary for the exit codes.

Commands raise `planner.errors.PlannerError` (or a subclass) for anything the user can fix;
`PlannerGroup` catches it in one place, prints its report to stderr and exits with its code, so
no user mistake ends in a traceback. Heavy imports happen inside commands, which keeps `--help`
instant.
"""

from __future__ import annotations

from pathlib import Path

import click

from planner import __version__
from planner.errors import PlannerError


class PlannerGroup(click.Group):
    """A click group that turns a PlannerError into its message on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PlannerError as exc:
            click.echo(exc.report(), err=True)
            ctx.exit(exc.exit_code)


def _versions() -> str:
    import highspy
    import pyomo.version

    highs = ".".join(
        str(part)
        for part in (
            highspy.HIGHS_VERSION_MAJOR,
            highspy.HIGHS_VERSION_MINOR,
            highspy.HIGHS_VERSION_PATCH,
        )
    )
    return f"planner {__version__}, Pyomo {pyomo.version.version}, HiGHS {highs}"


def _print_versions(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_versions())
        ctx.exit()


@click.group(cls=PlannerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_versions,
    help="Show the planner, Pyomo and HiGHS versions and exit.",
)
def main() -> None:
    """Plan critical-mineral security for an alliance of countries.

    A case is one Excel workbook (or a folder of CSV files, one per sheet) describing minerals,
    countries, demand, external supply, candidate refineries, CfD offers, stockpiles and
    supply-cut scenarios. Start from the example, check it, then solve it:

    \b
      planner template mycase.xlsx
      planner validate mycase.xlsx
      planner solve mycase.xlsx -o results.xlsx

    Exit codes: 0 success, 1 input errors, 2 usage errors, 3 infeasible, 4 no plan within the
    time limit, 5 solver failure.
    """


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@click.option("--empty", is_flag=True, help="Only sheets, columns and the README: no example rows.")
def template(path: Path, force: bool, empty: bool) -> None:
    """Write a new input to start a case from.

    A PATH ending in .xlsx gets an Excel workbook; any other PATH gets a folder with one CSV file
    per sheet (the form to keep under version control). Either has every sheet and column, a
    README sheet explaining each column with its unit and default, and a small worked example
    (two minerals, three countries, refineries, a CfD ladder, stockpiles and three scenarios)
    that validates and solves. An existing PATH is left alone unless --force is given.

    \b
    Examples:
      planner template mycase.xlsx
      planner template mycase          (a CSV folder)
    """
    from planner.template import write_template

    write_template(path, overwrite=force, example=not empty)
    click.echo(f"Wrote {path}. Edit it, then check it with: planner validate {path}")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
def validate(input_path: Path) -> None:
    """Check a case and list every problem at once.

    INPUT is an .xlsx workbook or a folder of CSV files. Each problem names the sheet, the row
    number as your spreadsheet shows it, the column, what is wrong and what was found, e.g.
    "Sites!7, max_capacity: must be ≥ 0 (found -50)". Warnings (an unknown column, a year
    outside the horizon) are listed too but do not stop the case. Exits with 0 when the case
    can be solved, 1 when it has errors.

    \b
    Example:
      planner validate mycase.xlsx
    """
    from planner.errors import format_issues
    from planner.validate import read_case

    case, warnings = read_case(input_path)
    if warnings:
        click.echo(format_issues(warnings), err=True)
    years = case.years
    counts = [
        _count(len(case.minerals), "mineral"),
        _count(len(case.countries), "country", "countries"),
        _count(len(case.sites), "site"),
        _count(len(case.offers), "CfD offer"),
        _count(len(case.scenarios), "scenario"),
        f"{_count(len(years), 'year')} ({years.start}–{years.stop - 1})",
    ]
    click.echo(f"{input_path} is usable: {', '.join(counts)}; {_count(len(warnings), 'warning')}.")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace OUTPUT if it already exists.")
def convert(input_path: Path, output_path: Path, force: bool) -> None:
    """Turn a workbook into a CSV folder, or a CSV folder into a workbook.

    Every sheet, column, cell and row number is kept (README and unknown columns included), so
    converting back gives the same content; formulas are replaced by their saved values. An
    OUTPUT ending in .xlsx is a workbook, anything else a folder. The case is not validated:
    run planner validate for that.

    \b
    Examples:
      planner convert mycase.xlsx mycase        (workbook to CSV folder)
      planner convert mycase mycase.xlsx        (CSV folder to workbook)
    """
    from planner.io import read_raw, write_raw

    if output_path.resolve() == input_path.resolve():
        raise PlannerError("OUTPUT is INPUT; give another path so the input stays unchanged")
    raw = read_raw(input_path)
    write_raw(raw, output_path, overwrite=force)
    click.echo(f"Wrote {output_path} ({_count(len(raw.sheets), 'sheet')}).")


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
