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
from planner.case import counted
from planner.errors import InputError, PlannerError


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
    click.echo(f"{input_path} is usable: {case.describe()}; {counted(len(warnings), 'warning')}.")


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
    if any(note.severity == "error" for note in raw.notes):
        raise InputError(raw.notes, str(input_path))  # formulas whose values would be lost
    write_raw(raw, output_path, overwrite=force)
    click.echo(f"Wrote {output_path} ({counted(len(raw.sheets), 'sheet')}).")


@main.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "results_path",
    metavar="RESULTS.xlsx",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the results workbook (default: INPUT's name followed by -results.xlsx, "
    "in the current folder). Never the input itself.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the solver after this many seconds (default: the input's time_limit setting).",
)
@click.option(
    "--mip-gap",
    type=click.FloatRange(min=0),
    metavar="GAP",
    help="Relative gap at which a plan counts as good enough, e.g. 0.001 for 0.1% "
    "(default: the input's mip_gap setting).",
)
@click.option(
    "--threads", type=click.IntRange(min=1), metavar="N", help="Solver threads (default: HiGHS's)."
)
@click.option(
    "--json",
    "json_path",
    metavar="PATH",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the Summary sheet as a JSON object, for scripts.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the HiGHS log while solving.")
def solve(
    input_path: Path | None,
    results_path: Path | None,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    json_path: Path | None,
    verbose: bool,
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
    cannot be met), 4 no plan found within the time limit, 5 solver failure.
    """
    from planner.results.console import solve_command

    code = solve_command(
        input_path,
        results_path,
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
        json_path=json_path,
        verbose=verbose,
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
    from planner.results.console import check_command

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
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: INPUT's name followed by -sweep, in the current folder).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Worker processes on this machine (default: all cores); each solve uses one thread.",
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
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="Seconds per run.")
@click.option("--mip-gap", type=click.FloatRange(min=0), help="Relative MIP gap of each run.")
def sweep(
    input_path: Path | None,
    varies: tuple[str, ...],
    definitions_file: Path | None,
    mode: str | None,
    samples: int | None,
    seed: int | None,
    out: Path | None,
    workers: int | None,
    dask_address: str | None,
    resume: bool,
    max_runs: int | None,
    time_limit: float | None,
    mip_gap: float | None,
) -> None:
    """Solve a case many times with some inputs moved, and compare the plans.

    A definition names an input number as Sheet.column, optionally one row in brackets, then
    its values: a list (a,b,c), an inclusive range (start:stop:count), or multipliers of the
    workbook's value (x0.8,x1.2). Rows of keyed sheets are named by their key values in order or
    as column=value pairs ([row=5] names a spreadsheet row). Varying a scenario's probability
    rescales the others so they still sum to 1; varying Minerals.price moves that mineral's
    Prices rows by the same factor. Definitions come from --vary, from a YAML file (a 'vary:'
    list) or from a Sweeps sheet in the input (one per row, in a column definition, or split
    into columns parameter and values).

    \b
    Examples:
      planner sweep --vary Settings.budget=0:20e9:11
      planner sweep case.xlsx --mode oat --vary "Minerals.price[NdPr oxide]=x0.5,x1.5" \\
          --vary "Scenarios.probability[ree-ban-12m]=0.05,0.2"
      planner sweep case.xlsx --vary "Demand.demand[mineral=Gallium,country=Japan]=x0.9,x1.1"
      planner sweep case.xlsx --mode sample --samples 200 --seed 1 --vary Minerals.price=x0.7,x1.3

    Each finished run is saved at once in the output folder (runs/), so an interrupted sweep
    continues with --resume. At the end the folder holds sweep.xlsx (one row per run: values
    varied, status, costs, spending, stockpiles, capacity, offers, worst-scenario coverage) and
    PNG charts. Runs without a plan (infeasible, invalid values) are recorded with the reason.
    Exit codes: 0 the sweep ran, 1 input or definition errors, 2 usage errors, 130 interrupted.
    """
    from planner.errors import format_issues
    from planner.sweep.definition import collect, definitions_from_yaml, parse_definition
    from planner.sweep.runner import ProgressBar, run_sweep

    if varies and definitions_file is not None:
        raise click.UsageError("give --vary or --definitions, not both")
    if workers is not None and dask_address is not None:
        raise click.UsageError("--workers sets local processes; with --dask the cluster runs it")
    options: dict[str, object] = {}
    definitions = None
    if definitions_file is not None:
        definitions, options = definitions_from_yaml(definitions_file)
    elif varies:
        definitions = collect(
            [
                lambda text=text, i=i: parse_definition(text, f"--vary {i}")
                for i, text in enumerate(varies, start=1)
            ]
        )
    mode = mode or str(options.get("mode", "grid"))
    samples = samples if samples is not None else options.get("samples")  # type: ignore[assignment]
    seed = seed if seed is not None else int(options.get("seed", 0))  # type: ignore[arg-type]
    if mode not in ("grid", "oat", "sample"):
        raise click.UsageError(f"mode {mode!r} in {definitions_file}: use grid, oat or sample")
    if mode == "sample" and samples is None:
        raise click.UsageError("--mode sample needs --samples N")
    if mode != "sample" and samples is not None:
        raise click.UsageError("--samples applies to --mode sample only")
    if input_path is None:
        from planner.results.console import bundled_input

        input_path = bundled_input()
        click.echo(f"No INPUT given: sweeping the bundled case {input_path.name}.")
    if out is None:
        workbook = input_path.suffix.lower() in (".xlsx", ".xlsm")
        out = Path(f"{input_path.stem if workbook else input_path.name}-sweep")
    bar = ProgressBar()
    try:
        result = run_sweep(
            input_path,
            out,
            definitions=definitions,
            mode=mode,  # type: ignore[arg-type]
            samples=samples,
            seed=seed,
            workers=workers,
            dask_address=dask_address,
            resume=resume,
            time_limit=time_limit,
            mip_gap=mip_gap,
            max_runs=max_runs,
            progress=bar,
            warn=lambda warnings: click.echo(format_issues(warnings), err=True),
        )
    finally:
        bar.close()
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(result.statuses.items()))
    click.echo(
        f"Sweep of {result.runs} runs ({mode}) on {input_path}: {result.ran} solved now, "
        f"{result.recorded} recorded ({statuses}) in {result.seconds:.1f} s."
    )
    if not result.complete:
        click.echo(
            f"{result.runs - result.recorded} runs remain: run the same command with --resume."
        )
    charts = ", ".join(str(path) for path in result.charts)
    click.echo(f"Results: {result.workbook}" + (f"; charts: {charts}" if charts else ""))


# --- planner scenarios and planner evaluate (issue 14): thin wrappers ---------------------------


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--samples", "-n", type=click.IntRange(min=1), required=True, help="Scenarios to draw."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random draws.")
@click.option(
    "-o",
    "--output",
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
    from planner.errors import format_issues
    from planner.scenarios.command import write_sampled_case

    written = write_sampled_case(input_path, output, samples, seed, keep, force)
    if written.warnings:
        click.echo(format_issues(written.warnings), err=True)
    click.echo(
        f"Wrote {output}: {counted(samples, 'sample')} as {counted(written.sampled, 'scenario')}"
        + (f" beside {len(written.scenarios) - written.sampled} kept" if keep else "")
        + "."
    )
    click.echo(written.tree.describe())


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.argument("results_path", metavar="RESULTS", type=click.Path(exists=True, path_type=Path))
@click.option("--samples", "-m", type=click.IntRange(min=2), required=True, help="Fresh scenarios.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the draws.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Evaluation workbook.")
@click.option("--workers", type=click.IntRange(min=1), help="Local processes (default: all cores).")
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
    from tqdm import tqdm

    from planner.evaluate.command import evaluate_results
    from planner.evaluate.report import summary_text
    from planner.sweep.execute import default_workers

    if workers is not None and dask_address is not None:
        raise click.UsageError("--workers sets local processes; with --dask the cluster runs it")
    output = output or Path(f"{results_path.stem}-evaluation.xlsx")
    bar = tqdm(total=None, unit="scenario", disable=None)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        evaluation, estimate = evaluate_results(
            input_path,
            results_path,
            output,
            samples,
            seed,
            workers=workers or default_workers(),
            dask_address=dask_address,
            progress=progress,
            gap_replications=replications if gap else 0,
            gap_batch=batch,
        )
    finally:
        bar.close()
    click.echo(summary_text(evaluation))
    if estimate is not None:
        click.echo(
            f"Optimality gap ({len(estimate.gaps)} batches of {estimate.batch}): "
            f"{estimate.mean:,.0f} USD, at most {estimate.upper:,.0f} USD (95%)."
        )
    click.echo(f"Results: {output}")
