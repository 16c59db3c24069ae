"""What `planner solve` and `planner check` do and print.

The click commands in `planner.cli` only parse options; the work is here: find the input (or the
bundled case), read it, solve it with a one-line progress status, write the results, print a
short summary a planner can read at a glance, and return the exit code of the outcome's status.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from importlib import resources
from pathlib import Path
from typing import TextIO

import click

from planner.case import Case
from planner.errors import PlannerError, format_issues
from planner.options import SolveOptions
from planner.outcome import COST_COMPONENTS, Outcome, Status
from planner.results.workbook import Summary, refuse_input_as_output, write_results

EXIT_CODES: dict[Status, int] = {
    "optimal": 0,
    "time_limit_feasible": 0,
    "infeasible": 3,
    "time_limit_no_solution": 4,
    "solver_error": 5,
}

# How the printed summary names the cost components.
COMPONENT_LABELS = {
    "capex": "capex",
    "fixed_om": "fixed O&M",
    "variable_refining": "variable refining",
    "cfd_market_value": "CfD market value",
    "cfd_government_payment": "CfD government payment",
    "holding": "holding",
    "external_purchases": "external purchases",
    "shipping": "shipping",
    "shortage_penalty": "shortage penalty",
    "terminal_value": "terminal value",
}

# The bundled cases, in order of preference: the real-data case, then the small example.
BUNDLED = ("alliance-2026.xlsx", "alliance-2026", "example")


def bundled_input() -> Path:
    """The case `planner solve` solves when given no INPUT."""
    folder = Path(str(resources.files("planner.inputs")))
    for name in BUNDLED:
        candidate = folder / name
        if candidate.exists():
            return candidate
    raise PlannerError(f"no bundled case found in {folder}; give an INPUT to solve")


def default_results_path(input_path: Path) -> Path:
    """`<input stem>-results.xlsx` in the current folder."""
    stem = input_path.stem if input_path.suffix.lower() in (".xlsx", ".xlsm") else input_path.name
    return Path.cwd() / f"{stem}-results.xlsx"


def solve_command(
    input_path: Path | None,
    results_path: Path | None,
    *,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    json_path: Path | None,
    verbose: bool,
) -> int:
    """Run `planner solve`; return its exit code (PlannerError for input and file problems)."""
    from planner.validate import read_case

    if input_path is None:
        input_path = bundled_input()
        click.echo(f"No INPUT given: solving the bundled case {input_path.name}.")
    results_path = results_path or default_results_path(input_path)
    for target in (results_path, json_path):
        if target is not None:
            refuse_input_as_output(target, str(input_path))

    started = time.perf_counter()
    case, warnings = read_case(input_path)
    read_seconds = time.perf_counter() - started
    if warnings:
        click.echo(format_issues(warnings), err=True)
    click.echo(f"Read     {input_path}: {case.describe()} ({read_seconds:.2f} s)")

    from planner.solve import solve_case  # after reading: input errors are reported at once

    with StatusLine(enabled=not verbose and sys.stderr.isatty()) as status:
        outcome = solve_case(
            case,
            SolveOptions(
                time_limit=time_limit,
                mip_gap=mip_gap,
                threads=threads,
                log=verbose,
                progress=status.show,
            ),
        )
    outcome.timings = {"read": read_seconds, **outcome.timings}

    started = time.perf_counter()
    summary = write_results(results_path, case, outcome, json_path=json_path)
    write_seconds = time.perf_counter() - started
    click.echo(format_outcome(case, outcome, summary))
    written = f"Results  {results_path} ({write_seconds:.2f} s)"
    if json_path is not None:
        written += f", summary {json_path}"
    click.echo(written)
    return EXIT_CODES[outcome.status]


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


def _usd(value: object) -> str:
    return f"{value:,.0f} USD" if isinstance(value, int | float) else "–"


def _tonnes(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") + " t"


def format_outcome(case: Case, outcome: Outcome, summary: Summary) -> str:
    """The short report printed after a solve: status, costs, decisions and timings."""
    lines = [_status_line(outcome), _timing_line(outcome)]
    if outcome.status == "infeasible":
        lines.extend(_diagnosis_lines(outcome))
    plan = outcome.plan
    if plan is None:
        return "\n".join(lines)
    if summary.get("cvar") is not None:
        lines.append(
            f"         expected cost {_usd(outcome.expected_cost)}, "
            f"CVaR {_usd(summary['cvar'])} (α = {case.settings.cvar_alpha:g}, "
            f"weight {case.settings.cvar_weight:g})"
        )
    lines.append("")
    lines.append("Expected discounted cost by component")
    width = max(len(component) for component in COST_COMPONENTS) + 2
    for component in COST_COMPONENTS:
        value = summary.get(f"cost_{component}")
        lines.append(f"  {COMPONENT_LABELS[component]:<{width}}{_usd(value):>24}")
    lines.append(f"  {'total (expected cost)':<{width}}{_usd(outcome.expected_cost):>24}")
    budget = case.settings.budget
    spent = f"capex {_usd(summary['spend_capex'])}, stockpile {_usd(summary['spend_stockpile'])}"
    lines.append(
        f"First-stage spending, undiscounted: {spent}"
        + (f" (budget {_usd(budget)})" if budget is not None else "")
    )

    lines.append("")
    if plan.builds.empty:
        lines.append("Builds: none")
    else:
        lines.append("Builds")
        for site, year, capacity in plan.builds[["site", "year", "capacity"]].itertuples(
            index=False
        ):
            data = case.sites[site]
            lines.append(
                f"  {site} ({data.country}, {data.mineral}): {capacity:,.0f} t/yr decided in "
                f"{year}, online {year + data.lead_time}"
            )
    accepted = [o for o, a in plan.offers[["offer", "accepted"]].itertuples(index=False) if a]
    if not accepted:
        lines.append("Accepted CfD offers: none")
    else:
        lines.append("Accepted CfD offers")
        for name in accepted:
            offer = case.offers[name]
            group = f", group {offer.group}" if offer.group != name else ""
            kind = offer.kind.replace("_", "-")
            lines.append(
                f"  {name} ({offer.country}, {offer.mineral}{group}): {kind} "
                f"strike {offer.strike:,.0f} USD/t, {offer.volume:,.0f} t/yr, "
                f"{offer.start_year}–{offer.end_year}"
            )
    purchases = plan.purchases.groupby(["mineral", "country"], sort=False)["purchase"].sum()
    bought = purchases[purchases > 1e-9]
    if bought.empty:
        lines.append("Stockpile purchases: none")
    else:
        lines.append("Stockpile purchases over the horizon, by mineral")
        for mineral, by_country in bought.groupby(level="mineral", sort=False):
            split = ", ".join(
                f"{country} {_tonnes(amount)}" for (_, country), amount in by_country.items()
            )
            lines.append(f"  {mineral}: {_tonnes(by_country.sum())} ({split})")
    return "\n".join(lines)


def _status_line(outcome: Outcome) -> str:
    status = outcome.status
    if status in ("optimal", "time_limit_feasible"):
        gap = outcome.mip_gap
        quality = "gap unknown" if gap is None else "proven" if gap == 0 else f"gap {gap:.3%}"
        label = "optimal" if status == "optimal" else "time limit reached with a feasible plan"
        return f"Solved   {label} ({quality}): objective {_usd(outcome.objective)}"
    if status == "time_limit_no_solution":
        return (
            "Solved   NO PLAN: the time limit passed before any feasible plan was found "
            "(try a longer --time-limit)"
        )
    label = "INFEASIBLE" if status == "infeasible" else "SOLVER ERROR"
    fallback = "no plan meets every constraint" if status == "infeasible" else "HiGHS failed"
    return f"Solved   {label}: {outcome.message or fallback}"


def _timing_line(outcome: Outcome) -> str:
    names = {"read": "read", "build": "build", "handoff": "hand-off", "solve": "solve"}
    names.update(duals="coverage duals", diagnose="diagnosis")
    parts = [
        f"{label} {outcome.timings[stage]:.2f} s"
        for stage, label in names.items()
        if stage in outcome.timings
    ]
    return "         " + ", ".join(parts)


def _diagnosis_lines(outcome: Outcome) -> list[str]:
    if not outcome.diagnosis:
        return ["No coverage or budget slack explains it (see the message above)."]
    lines = ["What cannot be met (also in the Diagnosis sheet):"]
    for item in outcome.diagnosis:
        if item.constraint == "budget":
            lines.append(f"  budget: {_usd(item.shortfall)} short")
        else:
            lines.append(
                f"  coverage of {item.mineral} in {item.country}, {item.year}, scenario "
                f"{item.scenario}: {_tonnes(item.shortfall)} short"
            )
    return lines


class StatusLine:
    """A one-line status on a terminal, rewritten in place, with the seconds elapsed.

    The solver reports stages and improving plans through `show`; a background tick refreshes
    the elapsed time so that a long solve visibly progresses. Disabled (a no-op) when the output
    is not a terminal or the solver log is shown.
    """

    def __init__(self, enabled: bool, stream: TextIO | None = None, tick: float = 1.0) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tick = tick
        self.message = ""
        self.started = time.perf_counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StatusLine:
        if self.enabled:
            self._thread = threading.Thread(target=self._refresh, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._write("")

    def show(self, message: str) -> None:
        """Replace the status message."""
        self.message = message
        if self.enabled:
            self._draw()

    def _refresh(self) -> None:
        while not self._stop.wait(self.tick):
            self._draw()

    def _draw(self) -> None:
        elapsed = time.perf_counter() - self.started
        self._write(f"{self.message} … {elapsed:.0f} s")

    def _write(self, text: str) -> None:
        width = shutil.get_terminal_size().columns - 1
        with self._lock:
            self.stream.write("\r" + text[:width].ljust(width) + "\r")
            self.stream.flush()
