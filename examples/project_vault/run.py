"""The Project-Vault sizing study: how much security each billion of first-stage budget buys.

    python examples/project_vault/run.py [--input CASE] [--workers N] [--resume]

Sweeps `Settings.budget` from $0 to $20 billion in $1 billion steps on the bundled case (the
same sweep as `planner sweep --vary Settings.budget=0:20e9:21`), then writes, beside this file:

- `frontier.png`: expected cost, expected shortage and worst-scenario coverage against budget;
- `split.png`: how each budget is spent, by mineral and instrument (stockpiles, refineries), and
  the CfD contracts the plan signs at that budget;
- `marginal.png`: the value of each further billion (reduction in expected cost);
- `README.md`: the study, its charts, a table per budget and what $12 billion buys, every number
  taken from the sweep (nothing in it is typed by hand).

The sweep's own folder (`sweep/`, one file per run, resumable) is kept out of version control.
"""

from __future__ import annotations

import argparse
import itertools
import math
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from planner.case import Case
from planner.commands.common import bundled_input
from planner.files import write_atomically
from planner.options import SolveOptions
from planner.solve import solve_case
from planner.sweep.charts import mineral_style
from planner.sweep.definition import parse_definition
from planner.sweep.options import SweepOptions
from planner.sweep.report import OK_STATUSES
from planner.sweep.runner import ProgressBar, run_sweep
from planner.sweep.store import read_manifest, read_runs
from planner.validate import read_case
from planner.value.markdown import value_markdown

HERE = Path(__file__).resolve().parent
BUDGET = "Settings.budget"
DEFINITION = f"{BUDGET}=0:20e9:21"
VAULT = 12e9  # Project Vault's financing envelope
BILLION = 1e9
# A tighter gap than the default, so that differences between neighbouring budgets (the value of
# a further billion) are not lost in the solver's tolerance.
MIP_GAP = 1e-6
_COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3")
# Saturation: a further billion that lowers the expected cost by less than this share of it buys
# nothing the plan values (the solve's own tolerance is MIP_GAP).
_NOTHING = 1e-5


def mineral_colour(position: int) -> tuple[float, ...]:
    """One colour per mineral, distinct for up to 20 minerals (the sweep charts' palette)."""
    return mineral_style(position)["color"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Point:
    """One budget of the sweep and what the plan at that budget does."""

    budget: float
    record: dict

    @property
    def solved(self) -> bool:
        return self.record["status"] in OK_STATUSES

    def __getitem__(self, key: str) -> float:
        value = self.record.get(key)
        return math.nan if value is None else float(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, help="case to study (default: the bundled case)")
    parser.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    parser.add_argument(
        "--resume", action="store_true", help="finish an interrupted study (else start afresh)"
    )
    args = parser.parse_args(argv)
    case = args.input or bundled_input()
    folder = HERE / "sweep"
    if not args.resume and folder.exists():
        shutil.rmtree(folder)  # a new study starts from scratch: the case may have changed
    bar = ProgressBar()
    try:
        run_sweep(
            case,
            folder,
            definitions=[parse_definition(DEFINITION, "run.py")],
            options=SweepOptions(
                workers=args.workers, resume=args.resume, solve=SolveOptions(mip_gap=MIP_GAP)
            ),
            progress=bar,
        )
    finally:
        bar.close()
    manifest = read_manifest(folder)
    points = sorted(
        (Point(r["values"][BUDGET], r) for r in read_runs(folder)), key=lambda p: p.budget
    )
    minerals = manifest["minerals"]
    frontier(HERE / "frontier.png", points)
    split(HERE / "split.png", points, minerals)
    marginal(HERE / "marginal.png", points)
    loaded, _ = read_case(case)
    text = readme(points, minerals, case_name(case), loaded)
    write_atomically(HERE / "README.md", lambda path: path.write_text(text, encoding="utf-8"))
    print(f"Wrote {HERE / 'README.md'} and its charts from {len(points)} runs.")
    return 0


def case_name(case: Path) -> str:
    return case.stem if case.suffix.lower() == ".xlsx" else case.name


# --- figures ------------------------------------------------------------------------------------


def marginal_values(points: Sequence[Point]) -> list[tuple[Point, Point, float]]:
    """(from, to, reduction in expected cost per extra $1B) for neighbouring solved budgets."""
    steps = []
    for before, after in itertools.pairwise(points):
        if before.solved and after.solved:
            per_billion = (before["expected_cost"] - after["expected_cost"]) / (
                (after.budget - before.budget) / BILLION
            )
            steps.append((before, after, per_billion))
    return steps


def _bn(value: float, _position: object = None) -> str:
    return f"{value / BILLION:,.4g}"


def _mark_vault(axes: Axes, label: bool = False) -> None:
    axes.axvline(VAULT / BILLION, color="black", linestyle="--", linewidth=0.8)
    if label:
        axes.annotate(
            "Project Vault\n$12bn",
            (VAULT / BILLION, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4, -4),
            textcoords="offset points",
            va="top",
            fontsize=8,
        )


def frontier(path: Path, points: Sequence[Point]) -> None:
    """Expected cost, expected shortage and worst-scenario coverage against budget."""
    solved = [p for p in points if p.solved]
    xs = [p.budget / BILLION for p in solved]
    figure = Figure(figsize=(8, 8))
    cost, shortage, coverage = figure.subplots(3, 1, sharex=True)
    cost.plot(xs, [p["expected_cost"] for p in solved], marker="o", color=_COLOURS[0])
    cost.yaxis.set_major_formatter(FuncFormatter(_bn))
    cost.set_ylabel("expected cost\n(USD bn, discounted)")
    shortage.plot(xs, [p["shortage_t"] for p in solved], marker="o", color=_COLOURS[3])
    shortage.set_ylabel("expected shortage\n(t over the horizon)")
    shortage.yaxis.set_major_formatter(FuncFormatter(lambda v, _=None: f"{v:,.0f}"))
    coverage.plot(xs, [p["coverage_worst"] for p in solved], marker="o", color=_COLOURS[2])
    coverage.yaxis.set_major_formatter(PercentFormatter(1.0))
    coverage.set_ylabel("worst-scenario\ncoverage")
    coverage.set_xlabel("first-stage budget (USD bn)")
    for axes in (cost, shortage, coverage):
        for point in points:
            if not point.solved:
                axes.axvspan(
                    point.budget / BILLION - 0.5, point.budget / BILLION + 0.5, color="0.85"
                )
        _mark_vault(axes, label=axes is cost)
        axes.grid(alpha=0.3)
    if any(not p.solved for p in points):
        coverage.set_xlabel("first-stage budget (USD bn); grey: no plan meets the coverage rules")
    cost.set_title("The Project-Vault frontier: what each budget achieves")
    _save(figure, path)


def split(path: Path, points: Sequence[Point], minerals: Sequence[str]) -> None:
    """Budget spent by mineral and instrument, and CfD payments, per budget."""
    solved = [p for p in points if p.solved]
    xs = [p.budget / BILLION for p in solved]
    figure = Figure(figsize=(10.5, 7.5))
    spend, cfd = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    bottom = [0.0] * len(solved)
    for i, mineral in enumerate(minerals):
        colour = mineral_colour(i)
        for key, hatch in (("spend_stockpile", ""), ("spend_capex", "//")):
            heights = [p[f"{key}[{mineral}]"] for p in solved]
            spend.bar(
                xs,
                heights,
                bottom=bottom,
                width=0.8,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                linewidth=0.5,
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    top = 1.1 * max(bottom, default=1.0)
    spend.set_ylim(0, top)
    within = [(x, p.budget) for x, p in zip(xs, solved, strict=True) if p.budget <= top]
    if within:
        spend.scatter(*zip(*within, strict=True), marker="_", s=250, color="black", zorder=3)
    spend.yaxis.set_major_formatter(FuncFormatter(_bn))
    spend.set_ylabel("first-stage spending\n(USD bn, base prices)")
    handles = [Patch(color=mineral_colour(i), label=m) for i, m in enumerate(minerals)]
    handles += [
        Patch(facecolor="0.6", label="stockpile purchases"),
        Patch(facecolor="0.6", hatch="//", edgecolor="white", label="refinery capex"),
        Line2D([], [], color="black", marker="_", linestyle="", markersize=12, label="budget"),
    ]
    spend.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    for i, mineral in enumerate(minerals):
        # Only budgets whose plan signs this mineral's CfDs: a line at 0 would claim a contract.
        signed = [
            (x, p[f"cfd_payment[{mineral}]"])
            for x, p in zip(xs, solved, strict=True)
            if p[f"cfd_tpa[{mineral}]"] > 0
        ]
        if signed:
            cfd.plot(*zip(*signed, strict=True), label=mineral, **mineral_style(i))
    cfd.axhline(0, color="black", linewidth=0.6)
    cfd.yaxis.set_major_formatter(FuncFormatter(_bn))
    cfd.set_ylabel("CfDs accepted: expected\ngovernment payment\n(USD bn, discounted)")
    cfd.set_xlabel("first-stage budget (USD bn)")
    for axes in (spend, cfd):
        _mark_vault(axes)
        axes.grid(alpha=0.3, axis="y")
    spend.set_title("How each budget is used, by mineral and instrument")
    _save(figure, path)


def marginal(path: Path, points: Sequence[Point]) -> None:
    """The reduction in expected cost bought by each further billion."""
    steps = marginal_values(points)
    figure = Figure(figsize=(9, 4.5))
    axes = figure.subplots()
    xs = [after.budget / BILLION for _, after, _ in steps]
    values = [value for *_, value in steps]
    colours = [
        _COLOURS[1] if after.budget == VAULT + BILLION else _COLOURS[0] for _, after, _ in steps
    ]
    axes.bar(xs, values, color=colours, width=0.8)
    scale, unit = (1e9, "USD bn") if max(map(abs, values), default=0) >= 1e9 else (1e6, "USD m")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _=None: f"{v / scale:,.4g}"))
    axes.set_ylabel(f"reduction in expected cost\nper extra $1bn ({unit})")
    axes.set_xlabel("budget reached with the extra billion (USD bn)")
    axes.axhline(0, color="black", linewidth=0.6)
    axes.grid(alpha=0.3, axis="y")
    axes.set_title("The value of each further billion (orange: the 13th, beyond Project Vault)")
    _save(figure, path)


def _save(figure: Figure, path: Path) -> None:
    figure.tight_layout()
    write_atomically(path, lambda temporary: figure.savefig(temporary, format="png", dpi=110))


# --- README -------------------------------------------------------------------------------------


def usd(value: float) -> str:
    """Money as people read it: $12.3bn, $450m, $75k."""
    if math.isnan(value):
        return "n/a"
    sign = "−" if value <= -0.5 else ""  # rounding noise of a difference is $0, not −$0
    value = abs(value)
    for scale, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if value >= scale:
            digits = f"{value / scale:,.0f}" if value >= 100 * scale else f"{value / scale:,.3g}"
            return f"{sign}${digits}{suffix}"
    return f"{sign}${value:,.0f}"


def tonnes(value: float) -> str:
    """Tonnes as people read them; below a gram is the solver's tolerance, shown as 0."""
    if math.isnan(value):
        return "n/a"
    if abs(value) < 1e-6:
        return "0 t"
    return f"{value:,.0f} t" if value >= 10 else f"{value:,.2g} t"


def share(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


def saturation(points: Sequence[Point]) -> Point | None:
    """The smallest budget beyond which no further billion lowers the expected cost by more than
    _NOTHING of it (None when the last billion still does)."""
    saturated = None
    for before, after, value in reversed(marginal_values(points)):
        if value > _NOTHING * after["expected_cost"]:
            break
        saturated = before
    return saturated


def readme(points: Sequence[Point], minerals: Sequence[str], case: str, data: Case) -> str:
    """The study's README, every figure taken from the sweep's runs."""
    unsolved = [p for p in points if not p.solved]
    steps = {after.budget: value for _, after, value in marginal_values(points)}
    vault = next((p for p in points if p.budget == VAULT), None)
    lines = [
        "# Project Vault: how much security does each billion buy?",
        "",
        "<!-- Generated by `python examples/project_vault/run.py`: edit run.py, not this file. -->",
        "",
        f"This study solves the bundled case `{case}` once for every first-stage budget from $0 to "
        "$20 billion in $1 billion steps. The budget caps what the alliance spends up front, at "
        "base prices and undiscounted: refinery capex and strategic stockpile purchases "
        "(constraint 11 of [the model](../../docs/model.md)). CfD offers are not paid from it: "
        "their cost is part of the plan's expected cost like any other. Each budget gets its own "
        "optimal plan, so each point is the best the alliance can do with that much money.",
        "",
        "Reproduce it (one solve per budget, on all cores; the files below are rewritten):",
        "",
        "```bash",
        "python examples/project_vault/run.py",
        "# the same runs with the command line:",
        f"planner sweep inputs/{case} --vary {DEFINITION} --mip-gap {MIP_GAP:g}",
        "```",
        "",
    ]
    if vault is not None:
        lines += _vault_section(vault, points, minerals, steps, data)
        lines += _vault_by_member(data)
    lines += _against_revision_2(points)
    lines += _value_section()
    lines += [
        "## The frontier",
        "",
        "![Expected cost, expected shortage and worst-scenario coverage against budget]"
        "(frontier.png)",
        "",
        "Expected cost is the objective's expected discounted cost of supplying the alliance "
        "(refining, contracts, purchases, holding, shipping and the penalty on unmet demand). "
        "Expected shortage is the probability-weighted unmet demand over the horizon; the chart "
        "adds the tonnes of all minerals, the tables value them at base prices instead (a tonne "
        "of terbium is not a tonne of graphite). Worst-scenario coverage is the lowest share of "
        "demand met by any country, in any year, in any scenario.",
        "",
    ]
    if unsolved:
        lines += [_no_plan_sentence(unsolved), ""]
    saturated = saturation(points)
    if saturated is not None and saturated.budget < points[-1].budget:
        lines += [_saturation_sentence(saturated, points[-1], minerals, data), ""]
    lines += [
        "## How each budget is used",
        "",
        "![Spending by mineral and instrument, and CfD payments, per budget](split.png)",
        "",
        "## The value of each further billion",
        "",
        "![Reduction in expected cost per extra $1bn](marginal.png)",
        "",
        "## Every budget",
        "",
        "| budget | expected cost | value of the last $1bn | expected shortage, value | "
        "worst-scenario coverage | stockpile purchases | largest expected stock, value | "
        "refineries | CfD offers accepted |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for point in points:
        if not point.solved:
            lines.append(f"| {usd(point.budget)} | no plan | | | | | | | |")
            continue
        value = steps.get(point.budget)
        lines.append(
            f"| {usd(point.budget)} | {usd(point['expected_cost'])} | "
            f"{usd(value) if value is not None else ''} | "
            f"{usd(shortage_value(point, minerals, data))} | "
            f"{share(point['coverage_worst'])} | {usd(point['spend_stockpile'])} | "
            f"{usd(held_value(point, minerals, data))} | {usd(point['spend_capex'])} | "
            f"{int(point['offers_accepted'])} |"
        )
    lines += [
        "",
        "Spending is at base prices, undiscounted (what the budget counts); expected cost is "
        "discounted. The largest expected stock is, for each mineral, the peak over the years of "
        "the probability-weighted stock at a year's end in all countries, valued at base prices "
        "and summed over minerals (tonnes of different minerals are not added). Every run's full "
        "record (cost components, spending, stockpiles and capacity by mineral, the offers "
        "accepted) is in `sweep/sweep.xlsx` after running the study.",
        "",
    ]
    return "\n".join(lines)


VALUE_WORKBOOK = HERE.parent / "alliance_2026" / "value.xlsx"


def _value_section() -> list[str]:
    """The value of each decision of the plan at the case's own budget, from `planner value`."""
    if not VALUE_WORKBOOK.exists():
        return []
    return [
        "## What each decision of the $12bn plan is worth",
        "",
        "From `planner value inputs/alliance-2026 -o examples/alliance_2026/value.xlsx` (the "
        "case's own budget):",
        "",
        *value_markdown(VALUE_WORKBOOK),
        "",
    ]


def revision_2_points() -> list[Point]:
    """The same study's runs under revision 2 of the model, kept in `revision-2/` as they were
    written by that run (same case, same budgets): the baseline of the comparison below."""
    folder = HERE / "revision-2"
    if not (folder / "manifest.json").exists():
        return []
    return sorted(
        (Point(r["values"][BUDGET], r) for r in read_runs(folder)), key=lambda p: p.budget
    )


def _against_revision_2(points: Sequence[Point]) -> list[str]:
    """Expected cost and stockpile spending per budget against the revision-2 runs."""
    before = {p.budget: p for p in revision_2_points() if p.solved}
    pairs = [(before[p.budget], p) for p in points if p.solved and p.budget in before]
    if not pairs:
        return []
    lines = [
        "## Against revision 2 of the model",
        "",
        "Revision 3 of the model (the Revisions section of model.md) stops the plan from seeing "
        "the future (scenarios that share their history until a ban must act alike until then) "
        "and lets a tonne be released only from stock held at the start of a year. Before, "
        "stock could be bought and released in the same year at no extra cost, and the scenario "
        "without a ban could release early what the others held. `revision-2/` keeps the runs of "
        "this study made with revision 2 on the same case; per budget:",
        "",
        "| budget | expected cost, rev. 2 | expected cost, rev. 3 | change | stockpile purchases, "
        "rev. 2 | stockpile purchases, rev. 3 | change |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for old, new in pairs:
        cost_change = new["expected_cost"] - old["expected_cost"]
        spend_change = new["spend_stockpile"] - old["spend_stockpile"]
        lines.append(
            f"| {usd(new.budget)} | {usd(old['expected_cost'])} | {usd(new['expected_cost'])} | "
            f"{usd(cost_change)} | {usd(old['spend_stockpile'])} | "
            f"{usd(new['spend_stockpile'])} | {usd(spend_change)} |"
        )
    return [
        *lines,
        "",
        "The revision-2 runs could not read the members' stock obligations (constraint 12, new in "
        "revision 3 as well), so the change is that of revision 3 as a whole on this case: the "
        "release rule, non-anticipativity and the obligations. Each only adds constraints to the "
        "same problem, so expected cost can only rise (up to the solves' MIP gap). Where the "
        "budget binds, stockpile spending stays at what the budget leaves after capex; what the "
        "money buys changes: stock must now be bought before the earliest year in which a "
        "scenario could reveal a ban and be held over year ends, and it cannot be released early "
        "in the scenarios that only later turn out calm, so the same spending insures less and "
        "the expected cost rises.",
        "",
    ]


def shortage_value(point: Point, minerals: Sequence[str], data: Case) -> float:
    """Expected shortage of each mineral at its base price, USD, summed over minerals."""
    return sum(point[f"shortage_t[{m}]"] * data.minerals[m].price for m in minerals)


def held_value(point: Point, minerals: Sequence[str], data: Case) -> float:
    """The largest expected stock of each mineral at its base price, USD, summed over minerals."""
    return sum(point[f"stock_peak_t[{m}]"] * data.minerals[m].price for m in minerals)


def _vault_by_member(data: Case) -> list[str]:
    """One solve at the case's own budget: physical stock per scenario and spending by member."""
    outcome = solve_case(data, SolveOptions(mip_gap=MIP_GAP, coverage_duals=False))
    if outcome.plan is None:
        return []
    plan = outcome.plan
    total = plan.flows.groupby(["mineral", "scenario", "year"])["inventory"].sum()
    peak = total.groupby(["mineral", "scenario"]).max()
    scenarios = list(data.scenarios)
    lines = [
        "Physical stock (tonnes in warehouses, all holders together), the largest at any "
        f"year's end, per scenario, at the case's own budget of {usd(data.settings.budget or 0)}:",
        "",
        "| mineral | " + " | ".join(scenarios) + " |",
        "|---|" + "---:|" * len(scenarios),
    ]
    for m in minerals_of(data):
        cells = [tonnes(float(peak.get((m, s), 0.0))) for s in scenarios]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    bought = plan.purchases.assign(
        usd=[
            data.price[(m, y)] * p
            for m, y, p in plan.purchases[["mineral", "year", "purchase"]].itertuples(index=False)
        ]
    )
    by_member = bought.groupby("country")[["purchase", "usd"]].sum()
    capex: dict[str, float] = {}
    for site, capacity in plan.builds[["site", "capacity"]].itertuples(index=False):
        s = data.sites[site]
        capex[s.country] = capex.get(s.country, 0.0) + s.fixed_capex + s.capex_per_tpa * capacity
    lines += [
        "",
        "Who holds the stock and where the money goes (stock purchases at base prices and "
        "refinery capex, undiscounted). Project Vault is a US vehicle: the share the plan puts "
        "outside the United States is what the alliance would have to finance together.",
        "",
        "| member | stock purchases | refinery capex | total |",
        "|---|---:|---:|---:|",
    ]
    for member in data.countries:
        stock = float(by_member["usd"].get(member, 0.0))
        built = capex.get(member, 0.0)
        if stock or built:
            lines.append(f"| {member} | {usd(stock)} | {usd(built)} | {usd(stock + built)} |")
    return [*lines, ""]


def minerals_of(data: Case) -> list[str]:
    return list(data.minerals)


def _no_plan_sentence(unsolved: Sequence[Point]) -> str:
    """Which budgets have no plan and, from the elastic re-solve, what budget would do."""
    budgets = ", ".join(usd(p.budget) for p in unsolved)
    needed = [p.budget + p["budget_shortfall"] for p in unsolved if p["budget_shortfall"] > 0]
    if not needed:
        return f"No plan meets the coverage rules with a budget of {budgets}."
    return (
        f"No plan meets the coverage rules with a budget of {budgets}: the coverage rules alone "
        f"need {usd(max(needed))} of first-stage spending (from the elastic re-solve of each of "
        "these budgets, which reports how far it falls short)."
    )


def _saturation_sentence(saturated: Point, last: Point, minerals: Sequence[str], data: Case) -> str:
    return (
        f"Beyond {usd(saturated.budget)} a further billion lowers the expected cost by less than "
        f"{100 * _NOTHING:g}% of it: the plan has bought everything it values. Larger budgets "
        "still show more stockpile purchases, but not more security: from "
        f"{usd(saturated.budget)} to {usd(last.budget)} the value of the largest expected stock "
        f"{_change(held_value(saturated, minerals, data), held_value(last, minerals, data), usd)}"
        " while the "
        f"stockpile spending {_change(saturated['spend_stockpile'], last['spend_stockpile'], usd)}"
        ". Tonnes bought "
        "into a stockpile and released in the same year cost exactly what an ordinary purchase "
        "costs, so once the budget no longer binds the solver may route supply either way."
    )


def _change(before: float, after: float, text: Callable[[float], str]) -> str:
    """'falls from a to b', 'rises from a to b' or 'stays at a'."""
    if text(before) == text(after):
        return f"stays at {text(after)}"
    return f"{'falls' if after < before else 'rises'} from {text(before)} to {text(after)}"


def _vault_section(
    vault: Point,
    points: Sequence[Point],
    minerals: Sequence[str],
    steps: dict[float, float],
    data: Case,
) -> list[str]:
    lines = ["## What $12 billion buys", ""]
    if not vault.solved:
        return [*lines, _no_plan_sentence([vault]), ""]
    solved = [p for p in points if p.solved]
    first, most = solved[0], solved[-1]
    spent = vault["spend_total"]
    short_at_vault = shortage_value(vault, minerals, data)
    built = [m for m in minerals if vault[f"capacity_tpa[{m}]"] > 0]
    text = (
        f"With Project Vault's $12bn the plan spends {usd(spent)}: "
        f"{usd(vault['spend_stockpile'])} on stockpile purchases and {usd(vault['spend_capex'])} "
        "on refineries"
        + (f" ({', '.join(built)})" if built else "")
        + (f", leaving {usd(VAULT - spent)} unspent" if spent < VAULT - 1e6 else "")
        + f". Its expected cost is {usd(vault['expected_cost'])}: "
        f"{usd(first['expected_cost'] - vault['expected_cost'])} less than with "
        f"{usd(first.budget)}"
        + (
            ", the smallest budget in the sweep that meets the coverage rules,"
            if first.budget
            else ""
        )
        + f" and {usd(vault['expected_cost'] - most['expected_cost'])} more than with "
        f"{usd(most.budget)}. Expected shortage, valued at base prices, "
        f"{_change(shortage_value(first, minerals, data), short_at_vault, usd)}"
        "; in the worst scenario "
        f"every country still gets at least {share(vault['coverage_worst'])} of its demand of "
        f"every mineral ({share(first['coverage_worst'])} at {usd(first.budget)})."
    )
    lines += [text, ""]
    parts = []
    if VAULT in steps:
        parts.append(f"The 12th billion lowered the expected cost by {usd(steps[VAULT])}")
    if VAULT + BILLION in steps:
        parts.append(f"a 13th would lower it by {usd(steps[VAULT + BILLION])} more")
    if parts:
        lines += ["; ".join(parts) + ".", ""]
    lines += [
        "| mineral | stockpile purchases | largest expected stock (probability-weighted) | "
        "refinery capacity built | "
        "refinery capex | CfD volume | worst-scenario coverage | expected shortage |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in minerals:
        lines.append(
            f"| {m} | {usd(vault[f'spend_stockpile[{m}]'])} "
            f"({tonnes(vault[f'stockpile_t[{m}]'])}) | {tonnes(vault[f'stock_peak_t[{m}]'])} | "
            f"{vault[f'capacity_tpa[{m}]']:,.0f} t/yr | {usd(vault[f'spend_capex[{m}]'])} | "
            f"{vault[f'cfd_tpa[{m}]']:,.0f} t/yr | {share(vault[f'coverage_worst[{m}]'])} | "
            f"{tonnes(vault[f'shortage_t[{m}]'])} |"
        )
    offers = vault.record.get("offers") or "none"
    lines += ["", f"CfD offers accepted at $12bn: {offers}.", ""]
    return lines


if __name__ == "__main__":
    sys.exit(main())
