"""The `planner` command line: parsing only, shared options, and one error boundary.

Each command parses its options into plain values and option objects (`SolveOptions`,
`SweepOptions`) and hands them to `planner.commands`, which does the work. Options that several
commands take (`--time-limit`, `--mip-gap`, `--threads`, `-v`, `--json`, `--progress`) are
declared once, as decorators, below. `PlannerGroup` is the one error boundary:

- a `PlannerError` (anything the user can fix) prints its report and exits with its code
  (1 input, 2 usage, 3 infeasible, 4 no plan in time, 130 an interrupted sweep);
- Ctrl-C exits with 130 and says what was written before it (nothing, or which files);
- any other exception is a bug in planner: one paragraph saying so and how to report it, exit
  code 5; `planner --debug ...` or PLANNER_DEBUG=1 adds the traceback.

Heavy imports happen inside commands, which keeps `--help` instant.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from planner import __version__
from planner.errors import PlannerError
from planner.files import written_count, written_since
from planner.interrupts import Interrupts, noticing_interrupts
from planner.options import SolveOptions

INTERRUPTED = 130  # the shell's code for a process ended by Ctrl-C (128 + SIGINT)
INTERNAL_ERROR = 5
BROKEN_PIPE = 141  # as a shell reports a process ended by SIGPIPE (128 + 13)
DEBUG_VARIABLE = "PLANNER_DEBUG"

F = TypeVar("F", bound=Callable[..., Any])


class PlannerGroup(click.Group):
    """A click group that ends every failure with a message and its documented exit code."""

    def invoke(self, ctx: click.Context) -> object:
        mark = written_count()
        try:
            with noticing_interrupts() as interrupts:
                return _invoke_noticing(super().invoke, ctx, interrupts)
        except PlannerError as exc:
            click.echo(exc.report(), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(interrupted_report(written_since(mark)), err=True)
            ctx.exit(INTERRUPTED)
        except BrokenPipeError:  # the reader of stdout left (planner ... | head): stop quietly
            _silence_stdout()
            ctx.exit(BROKEN_PIPE)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            if ctx.meta.get("planner.debug") or os.environ.get(DEBUG_VARIABLE, "") not in (
                "",
                "0",
            ):
                traceback.print_exc()
            click.echo(internal_error_report(exc), err=True)
            ctx.exit(INTERNAL_ERROR)
        return None


def _invoke_noticing(
    invoke: Callable[[click.Context], object], ctx: click.Context, interrupts: Interrupts
) -> object:
    """Run the command; a Ctrl-C that a library swallowed still ends it as interrupted."""
    try:
        result = invoke(ctx)
    except click.exceptions.Exit:
        interrupts.raise_if_interrupted()
        raise
    interrupts.raise_if_interrupted()
    return result


def _silence_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit raises nothing more."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def interrupted_report(written: list[Path]) -> str:
    """What Ctrl-C leaves: nothing, or the files completed before it (never a partial file)."""
    if not written:
        return "interrupted; nothing was written"
    return "interrupted; written before the interruption: " + ", ".join(map(str, written))


def internal_error_report(exc: BaseException) -> str:
    """One paragraph for an exception planner did not expect: a bug, and how to report it."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return (
        f"internal error: {what}. This is a bug in planner, not a problem with your input or "
        "options. Please report it to planner's maintainers (an issue in planner's repository) "
        "with the command you ran, the output of planner --version and, if you can share it, "
        f"the input. Run the command again as planner --debug ... (or with {DEBUG_VARIABLE}=1) "
        "to see the traceback, and include it in the report."
    )


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


def _remember_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["planner.debug"] = True


# --- options shared by several commands -----------------------------------------------------


class FiniteFloat(click.FloatRange):
    """A FloatRange that also refuses nan (which compares false with every bound) and, unless
    `infinite` is allowed, inf."""

    def __init__(self, *args: Any, infinite: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.infinite = infinite

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number) or (math.isinf(number) and not self.infinite):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def solver_options(threads: bool = True, verbose: bool = True) -> Callable[[F], F]:
    """--time-limit, --mip-gap (and --threads, -v/--verbose), handed to the command as one
    `SolveOptions` argument named `solve`."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            solve = SolveOptions(
                time_limit=kwargs.pop("time_limit"),
                mip_gap=kwargs.pop("mip_gap"),
                threads=kwargs.pop("threads", None),
                log=kwargs.pop("verbose", False),
            )
            return command(*args, solve=solve, **kwargs)

        decorated: Any = wrapper
        if verbose:
            decorated = click.option(
                "-v", "--verbose", is_flag=True, help="Show the HiGHS log while solving."
            )(decorated)
        if threads:
            decorated = click.option(
                "--threads",
                type=click.IntRange(min=1),
                metavar="N",
                help="Solver threads (default: HiGHS's).",
            )(decorated)
        decorated = click.option(
            "--mip-gap",
            type=FiniteFloat(min=0),
            metavar="GAP",
            help="Relative gap at which a plan counts as good enough, e.g. 0.001 for 0.1% "
            "(default: the input's mip_gap setting).",
        )(decorated)
        decorated = click.option(
            "--time-limit",
            type=FiniteFloat(min=0, min_open=True, infinite=True),
            metavar="SECONDS",
            help="Stop the solver after this many seconds (default: the input's time_limit "
            "setting; inf: no limit).",
        )(decorated)
        return decorated

    return decorate


def json_option(command: F) -> F:
    """--json PATH: also write the summary as a JSON object."""
    return click.option(
        "--json",
        "json_path",
        metavar="PATH",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also write the Summary sheet as a JSON object, for scripts.",
    )(command)


def progress_option(command: F) -> F:
    """--progress/--no-progress: the progress display on stderr (default: on a terminal)."""
    return click.option(
        "--progress/--no-progress",
        default=None,
        help="Show (or hide) the progress display on stderr (default: shown on a terminal).",
    )(command)


def workers_option(help: str) -> Callable[[F], F]:
    """--workers N: local worker processes, each solving with one thread."""
    return click.option("--workers", type=click.IntRange(min=1), metavar="N", help=help)


def output_option(metavar: str, help: str, *, folder: bool = False) -> Callable[[F], F]:
    """-o/--output: where the command writes (a file; for sweeps a folder, also --out)."""
    kind = click.Path(file_okay=not folder, dir_okay=folder, path_type=Path)
    names = ("-o", "--out", "--output") if folder else ("-o", "--output")
    return click.option(*names, "output", metavar=metavar, type=kind, help=help)


@click.group(cls=PlannerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_versions,
    help="Show the planner, Pyomo and HiGHS versions and exit.",
)
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    callback=_remember_debug,
    help=f"Show the traceback of an internal error (as does {DEBUG_VARIABLE}=1).",
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
    time limit, 5 solver failure or internal error, 130 interrupted (Ctrl-C).
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
    from planner.commands.inputs import template_command

    template_command(path, force=force, empty=empty)


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
    from planner.commands.inputs import validate_command

    validate_command(input_path)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace OUTPUT if it already exists.")
def convert(input_path: Path, output_path: Path, force: bool) -> None:
    """Turn a workbook into a CSV folder, or a CSV folder into a workbook.

    Every sheet, column, cell and row number is kept (README and unknown columns included), so
    converting back gives the same content; formulas are replaced by their saved values. An
    OUTPUT ending in .xlsx is a workbook, anything else a folder; it may not lie inside a
    CSV-folder INPUT. The case is not validated: run planner validate for that.

    \b
    Examples:
      planner convert mycase.xlsx mycase        (workbook to CSV folder)
      planner convert mycase mycase.xlsx        (CSV folder to workbook)
    """
    from planner.commands.inputs import convert_command

    convert_command(input_path, output_path, force=force)


@main.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@output_option(
    "RESULTS.xlsx",
    "Where to write the results workbook (default: INPUT's name followed by -results.xlsx, in "
    "the current folder). Never the input itself.",
)
@solver_options()
@json_option
@progress_option
@click.option(
    "--value",
    "with_value",
    is_flag=True,
    help="Also add the Value and Risk sheets of planner value to the results (re-solves the case "
    "once per decision and per scenario).",
)
@click.option(
    "--report",
    "with_report",
    is_flag=True,
    help="Also write the one-page HTML report beside the results (RESULTS with .html).",
)
def solve(
    input_path: Path | None,
    output: Path | None,
    solve: SolveOptions,
    json_path: Path | None,
    progress: bool | None,
    with_value: bool,
    with_report: bool,
) -> None:
    """Find the cheapest plan for a case and write it to a results workbook.

    INPUT is an .xlsx workbook or a folder of CSV files; without it the bundled base case is
    solved. The plan says which refineries to build (when, how large), which CfD offers to
    accept and how much to stockpile, given every supply-cut scenario. The results workbook has
    a Summary, the decisions (Sites, CfD, Stockpile), the supply of every country in every
    scenario (Balance, SiteOutput, External), the cost per scenario, the marginal cost of
    coverage, a Diagnosis when no plan exists, and a Units sheet explaining every column. It is
    written under a temporary name and renamed into place, so it is never half-written.

    \b
    Examples:
      planner solve
      planner solve mycase.xlsx -o mycase-results.xlsx --time-limit 600 --json summary.json

    Exit codes: 0 a plan was found (optimal, or the best within the time limit, with its gap),
    1 input errors, 2 usage errors, 3 infeasible (the Diagnosis says which coverage or budget
    cannot be met), 4 no plan found within the time limit, 5 solver failure or internal error,
    130 interrupted (nothing is written after Ctrl-C).
    """
    from planner.commands.solve import SolveExtras, solve_command

    code = solve_command(
        input_path,
        output,
        solve,
        json_path=json_path,
        progress=progress,
        extras=SolveExtras(value=with_value, report=with_report),
    )
    click.get_current_context().exit(code)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument(
    "results_path", metavar="RESULTS", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def check(input_path: Path, results_path: Path) -> None:
    """Re-verify a results workbook against its input, independently of the model.

    Reads the plan back from RESULTS (builds, accepted offers, purchases, output, external
    purchases, flows) and checks every constraint of the formulation, then recomputes each
    scenario's cost and its components, the expected cost, the CVaR and the objective and
    compares them with the reported figures. Lists every violation found.

    \b
    Example:
      planner check mycase.xlsx mycase-results.xlsx

    Exit codes: 0 the plan checks, 1 violations (or an unreadable input or results file).
    """
    from planner.commands.solve import check_command

    click.get_current_context().exit(check_command(input_path, results_path))


@main.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    metavar="DEFINITION",
    help="What to vary and through which values, e.g. Settings.budget=0:20e9:11 "
    "(repeatable). Without --vary or --definitions, the input's Sweeps sheet is used.",
)
@click.option(
    "--definitions",
    "definitions_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file with a 'vary:' list of definitions (and optionally mode, samples, seed).",
)
@click.option(
    "--mode",
    type=click.Choice(["grid", "oat", "sample"]),
    help="grid: every combination (default); oat: one at a time, for a tornado chart; "
    "sample: --samples random runs.",
)
@click.option("--samples", type=click.IntRange(min=1), help="Runs of --mode sample.")
@click.option("--seed", type=int, help="Random seed of --mode sample (default 0).")
@output_option(
    "FOLDER",
    "Output folder (default: INPUT's name followed by -sweep, in the current folder).",
    folder=True,
)
@workers_option(
    "Worker processes on this machine (default: all cores); each solve uses one thread."
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Run on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786) "
    "instead of local processes; workers need planner installed.",
)
@click.option("--resume", is_flag=True, help="Finish an interrupted sweep in its output folder.")
@click.option(
    "--max-runs",
    type=click.IntRange(min=1),
    help="Stop after this many new runs (continue later with --resume).",
)
@click.option(
    "--no-reuse",
    "reuse",
    flag_value=False,
    default=True,
    help="Rebuild the solver's model for every run instead of changing the numbers of the "
    "previous run's model in place and starting from the nearest finished run's plan.",
)
@solver_options(threads=False, verbose=False)
@progress_option
def sweep(
    input_path: Path | None,
    output: Path | None,
    solve: SolveOptions,
    progress: bool | None,
    **flags: Any,
) -> None:
    """Solve a case many times with some inputs moved, and compare the plans.

    A definition names an input number as Sheet.column, optionally one row in brackets, then
    its values: a list (a,b,c), an inclusive range (start:stop:count), or multipliers of the
    workbook's value (x0.8,x1.2). Rows of keyed sheets are named by their key values in order or
    as column=value pairs ([row=5] names a spreadsheet row). Varying a scenario's probability
    rescales the others so they still sum to 1; varying Minerals.price moves that mineral's
    Prices rows by the same factor. Definitions come from --vary, from a YAML file (a 'vary:'
    list) or from a Sweeps sheet in the input (one per row, in a column definition, or split
    into columns parameter and values). A sweep has at most 1,000,000 runs.

    \b
    Examples (mycase.xlsx as planner template writes it; without INPUT, the bundled case):
      planner sweep --vary Settings.budget=0:20e9:11
      planner sweep mycase.xlsx --mode oat --vary "Minerals.price[NdPr oxide]=x0.5,x1.5" \\
          --vary "Scenarios.probability[embargo]=0.05,0.3"
      planner sweep mycase.xlsx --vary "Demand.demand[mineral=Gallium,country=Japan]=x0.9,x1.1" \\
          -o mycase-demand
      planner sweep mycase.xlsx --mode sample --samples 200 --seed 1 \\
          --vary Minerals.price=x0.7,x1.3 -o mycase-sampled

    Each finished run is saved at once in the output folder (runs/), so an interrupted sweep
    continues with --resume. At the end the folder holds sweep.xlsx (one row per run: values
    varied, status, costs, spending, stockpiles, capacity, offers, worst-scenario coverage) and
    PNG charts. Runs without a plan (infeasible, invalid values) are recorded with the reason.
    Exit codes: 0 the sweep ran, 1 input or definition errors, 2 usage errors, 130 interrupted.
    """
    from planner.commands.sweep import sweep_command
    from planner.sweep.options import SweepOptionError, sweep_plan

    try:
        definitions, options = sweep_plan(solve=solve, **flags)
    except SweepOptionError as error:
        raise click.UsageError(str(error)) from None
    click.get_current_context().exit(
        sweep_command(input_path, output, definitions, options, progress=progress)
    )


@main.command()
@click.argument("results_path", metavar="RESULTS", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(path_type=Path),
    help="The HTML page to write (default: RESULTS with .html, beside it).",
)
def report(results_path: Path, output_path: Path | None) -> None:
    """Write a one-page HTML report of a results workbook, to read, mail or print on A4.

    \b
    Example:
      planner report mycase-results.xlsx -o mycase-report.html

    The page holds the headline (status, expected cost, spending against the budget), the builds
    with a timeline, the CfD offers taken, stock by mineral over the years, coverage by mineral
    and scenario, the cost split, and the input's name and SHA-256. It needs nothing else to
    display: no network, scripts or fonts from elsewhere. Exit codes: 0 written, 1 the results
    cannot be read or the page cannot be written.
    """
    from planner.report import write_report

    written = write_report(results_path, output_path)
    click.echo(f"Report  {written}")


@main.command()
@click.argument("first_path", metavar="A", type=click.Path(path_type=Path))
@click.argument("second_path", metavar="B", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(path_type=Path),
    help="Also write the differences as a workbook (.xlsx).",
)
def compare(first_path: Path, second_path: Path, output_path: Path | None) -> None:
    """Show what differs between two results workbooks A and B.

    \b
    Example:
      planner compare base-results.xlsx small-budget-results.xlsx -o compare.xlsx

    Compares the builds (sites, years, sizes), CfD offers taken, stock bought by mineral and
    member, costs and their split, spending and worst coverage; and whether the two were solved
    from the same input (by SHA-256, and sheet by sheet when both inputs can still be read).
    Exit codes: 0 compared (whether or not they differ), 1 a workbook cannot be read.
    """
    from planner.compare import compare_results, format_comparison, write_comparison

    comparison = compare_results(first_path, second_path)
    click.echo(format_comparison(comparison))
    if output_path is not None:
        write_comparison(comparison, output_path)
        click.echo(f"Comparison  {output_path}")


@main.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@output_option(
    "VALUE.xlsx",
    "Where to write the Value and Risk sheets (default: INPUT's name followed by -value.xlsx, "
    "in the current folder). Never the input itself.",
)
@workers_option("Worker processes for the re-solves (default: all cores); each uses one thread.")
@solver_options(threads=False)
@json_option
@progress_option
def value(
    input_path: Path | None,
    output: Path | None,
    workers: int | None,
    solve: SolveOptions,
    json_path: Path | None,
    progress: bool | None,
) -> None:
    """What each decision of the plan is worth, and what planning for risk is worth.

    Solves the case, then re-solves it once per first-stage decision: each built site forbidden,
    each accepted offer refused, each mineral's stockpile purchases removed (what it is worth,
    or "needed" with what would fall short without it), each site not built and offer not
    accepted forced in (what that costs, the fixed-capex reduction or the strike at which it
    would enter). Then each scenario alone (perfect foresight: EVPI and the regret of the plan
    per scenario), the expected-value plan (EEV and VSS) and the plan of the least-disrupted
    scenario, each evaluated in every scenario. Every figure is an expected discounted cost in
    USD (the case's objective, CVaR included when used). Writes the Value and Risk sheets.

    \b
    Examples:
      planner value
      planner value mycase.xlsx -o mycase-value.xlsx --workers 2 --json value.json

    Exit codes: 0 valued, 1 input errors, 2 usage errors, 3 the case itself is infeasible,
    4 no plan within the time limit, 5 solver failure.
    """
    from planner.commands.value import value_command

    code = value_command(
        input_path, output, solve, workers=workers, json_path=json_path, progress=progress
    )
    click.get_current_context().exit(code)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--samples", "-n", type=click.IntRange(min=1), required=True, help="Scenarios to draw."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random draws.")
@click.option(
    "-o",
    "--output",
    "output",
    metavar="OUTPUT",
    type=click.Path(path_type=Path),
    required=True,
    help="The copy to write (.xlsx, or a folder of CSV files).",
)
@click.option(
    "--keep-scenarios",
    "keep",
    type=click.FloatRange(0.0, 1.0, max_open=True),
    default=0.0,
    help="Keep the case's own scenarios beside the samples with this share of the probability.",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it already exists.")
def scenarios(
    input_path: Path, samples: int, seed: int, output: Path, keep: float, force: bool
) -> None:
    """Write a copy of a case with N scenarios sampled from its Hazards sheet.

    Each Hazards row gives the yearly probability that a ban starts, its duration and share lost
    as ranges and a price multiplier; rows of one group start together. The copy's Scenarios,
    Disruptions and PriceShocks sheets hold the samples (identical samples merged, probabilities
    added); the same seed gives the same copy.

    \b
    Example:
      planner scenarios case.xlsx --samples 50 --seed 1 -o case-50.xlsx
    """
    from planner.commands.scenarios import scenarios_command

    scenarios_command(input_path, output, samples, seed, keep=keep, force=force)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.argument("results_path", metavar="RESULTS", type=click.Path(exists=True, path_type=Path))
@click.option("--samples", "-m", type=click.IntRange(min=2), required=True, help="Fresh scenarios.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the draws.")
@output_option(
    "EVALUATION.xlsx",
    "The evaluation workbook (default: RESULTS's name followed by -evaluation.xlsx, in the "
    "current folder).",
)
@workers_option("Local worker processes (default: all cores); each solves with one thread.")
@click.option("--dask", "dask_address", metavar="ADDRESS", help="Run on this Dask scheduler.")
@click.option("--gap", is_flag=True, help="Also estimate the plan's optimality gap (MRP).")
@click.option(
    "--replications",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="With --gap: batches K, each solved as a sampled case.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="With --gap: scenarios n per batch.",
)
@progress_option
def evaluate(
    input_path: Path,
    results_path: Path,
    samples: int,
    seed: int,
    output: Path | None,
    workers: int | None,
    dask_address: str | None,
    gap: bool,
    replications: int,
    batch: int,
    progress: bool | None,
) -> None:
    """Evaluate a plan out of sample: its first stage fixed, on M fresh sampled scenarios.

    Builds, contracts and stockpile purchases are read from RESULTS (checked against INPUT);
    each scenario drawn from INPUT's Hazards sheet re-solves the second stage as an LP. Give the
    original case as INPUT, not a copy written by planner scenarios: the copy folds the case's
    certain disruptions into its sampled scenarios, so its own certain rows are gone. Prints
    the expected cost with a 95% confidence interval and the share of scenarios in which some
    coverage is not met, and writes a workbook with one row per scenario.

    With --gap, K batches of n fresh scenarios are each solved as a sampled case and the plan is
    evaluated on them (the multiple-replication procedure of Mak, Morton and Wood): the mean
    difference estimates how far the plan's expected cost is from the best possible, with a 95%
    upper bound, so a small gap says the sample the plan was solved on was large enough.

    \b
    Example:
      planner evaluate case.xlsx case-results.xlsx --samples 2000 --seed 7
      planner evaluate case.xlsx case-results.xlsx -m 500 --gap --replications 5 --batch 20
    """
    from planner.commands.evaluate import EvaluateOptions, evaluate_command

    if workers is not None and dask_address is not None:
        raise click.UsageError("--workers sets local processes; with --dask the cluster runs it")
    evaluate_command(
        input_path,
        results_path,
        output,
        EvaluateOptions(
            samples=samples,
            seed=seed,
            workers=workers,
            dask_address=dask_address,
            gap_replications=replications if gap else 0,
            gap_batch=batch,
        ),
        progress=progress,
    )
    click.echo(f"Results: {output}")
