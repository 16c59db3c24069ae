"""The policy-instruments study: what each instrument of the alliance costs and what it buys.

    python examples/policy_instruments/run.py [--input CASE]

Solves the bundled case (or CASE) in five variants, each made by changing the raw workbook in
memory (the input files are never changed):

1. no instrument: no stock obligation (every `Stockpiles.min_days` blank), every member sharing
   its stock, no supply cap, the alliance budget as the case has it;
2. the obligations the case holds (the case as it is);
3. 2 with a cap on China of 65% of the alliance's demand of each mineral from 2030 (a
   `SupplyCaps` row in the style of the EU Critical Raw Materials Act);
4. 2 with every stockpile closed (`Countries.shares_stock = no` for every member);
5. 2 with the alliance budget given to the United States alone (`Countries.budget` = 12 bn USD)
   and each other member capped at what the plan of 2 spends for it (the case holds no budget
   figure for them), rounded up to the next million USD.

Then writes, beside this file, `instruments.png` (the cost of each instrument, the spending and
the stock it buys) and `README.md` (the study and its tables, every number computed here).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from planner.case import Case
from planner.commands.common import bundled_input
from planner.files import write_atomically
from planner.io import read_raw
from planner.io.raw import RawSheet, RawWorkbook
from planner.options import SolveOptions
from planner.outcome import Diagnosis, Outcome, Plan
from planner.results.tables import first_stage_spending
from planner.solve import solve_case
from planner.sweep.charts import money_formatter, money_text
from planner.validate import case_from_raw

HERE = Path(__file__).resolve().parent
VAULT = 12e9  # Project Vault's financing envelope, USD
VAULT_HOLDER = "United States"
CAPPED_SOURCE = "China"
CAP_SHARE = 0.65
CAP_FROM = 2030
MILLION = 1e6
# A tighter gap than the case's, so that the differences between variants are not lost in the
# solver's tolerance.
MIP_GAP = 1e-6
SOLVED = ("optimal", "time_limit_feasible")
_COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3")


@dataclass(frozen=True)
class Variant:
    """One policy variant of the case."""

    number: int
    label: str  # short, for charts
    title: str  # for tables


VARIANTS: tuple[Variant, ...] = (
    Variant(1, "1 none", "1. no instrument"),
    Variant(2, "2 obligations", "2. stock obligations (the case)"),
    Variant(3, "3 China cap", f"3. 2 + China capped at {CAP_SHARE:.0%} from {CAP_FROM}"),
    Variant(4, "4 closed", "4. 2 + every stockpile closed"),
    Variant(5, "5 US budget", "5. 2 + the 12 bn USD for the United States only"),
)


@dataclass(frozen=True)
class Result:
    """One variant solved: its case and what the solve returned."""

    variant: Variant
    case: Case
    outcome: Outcome

    @property
    def solved(self) -> bool:
        return self.outcome.status in SOLVED and self.outcome.plan is not None

    @property
    def plan(self) -> Plan:
        assert self.outcome.plan is not None, "only solved variants have a plan"
        return self.outcome.plan


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, help="case to study (default: the bundled case)")
    args = parser.parse_args(argv)
    path = args.input or bundled_input()
    options = SolveOptions(mip_gap=MIP_GAP, coverage_duals=False)
    results, budgets = solve_variants(read_raw(path), options, progress=print)
    chart(HERE / "instruments.png", results)
    text = readme(results, budgets, case_name(path))
    write_atomically(HERE / "README.md", lambda out: out.write_text(text, encoding="utf-8"))
    print(f"Wrote {HERE / 'README.md'} and {HERE / 'instruments.png'}.")
    return 0


def case_name(path: Path) -> str:
    return path.stem if path.suffix.lower() == ".xlsx" else path.name


# --- the variants -------------------------------------------------------------------------------


def without_instruments(raw: RawWorkbook) -> RawWorkbook:
    """Variant 1: no stock obligation, every member sharing, no supply cap."""
    variant = raw.copy()
    stockpiles = variant.sheet("Stockpiles")
    for row in stockpiles.rows:
        for column in ("min_days", "obligation_from"):
            if stockpiles.column_index(column) is not None:
                stockpiles.set(row.number, column, None)
    countries = variant.sheet("Countries")
    for row in countries.rows:
        countries.set(row.number, "shares_stock", "yes")
    _supply_caps(variant).rows.clear()
    return variant


def with_obligations(raw: RawWorkbook) -> RawWorkbook:
    """Variant 2: the case as it is."""
    return raw.copy()


def with_china_cap(raw: RawWorkbook) -> RawWorkbook:
    """Variant 3: China may supply at most CAP_SHARE of each mineral's demand from CAP_FROM."""
    variant = raw.copy()
    _supply_caps(variant).append(
        {"source": CAPPED_SOURCE, "mineral": None, "from_year": CAP_FROM, "max_share": CAP_SHARE}
    )
    return variant


def with_stockpiles_closed(raw: RawWorkbook) -> RawWorkbook:
    """Variant 4: every member's releases serve only itself (model.md 14)."""
    variant = raw.copy()
    countries = variant.sheet("Countries")
    for row in countries.rows:
        countries.set(row.number, "shares_stock", "no")
    return variant


def with_us_only_budget(raw: RawWorkbook, member_budgets: dict[str, float]) -> RawWorkbook:
    """Variant 5: no alliance budget; VAULT for the United States, `member_budgets` for the rest
    (a member missing from it gets no budget of its own: 0)."""
    variant = raw.copy()
    variant.set_setting("budget", None)
    countries = variant.sheet("Countries")
    for row in countries.rows:
        name = str(row[countries.column_index("country") or 0])
        budget = VAULT if name == VAULT_HOLDER else member_budgets.get(name, 0.0)
        countries.set(row.number, "budget", budget)
    return variant


def _supply_caps(raw: RawWorkbook) -> RawSheet:
    """The SupplyCaps sheet, added empty when the case has none."""
    try:
        return raw.sheet("SupplyCaps")
    except KeyError:
        sheet = RawSheet("SupplyCaps", ["source", "mineral", "from_year", "to_year", "max_share"])
        raw.sheets[sheet.name] = sheet
        return sheet


def spending_by_member(outcome: Outcome) -> dict[str, float]:
    """First-stage spending (capex and stock purchases, base prices) of each member, USD."""
    if outcome.spending is None or outcome.spending.empty:
        return {}
    by_member = outcome.spending.groupby("country")["amount"].sum()
    return {str(member): float(amount) for member, amount in by_member.items()}


def member_budgets(case: Case, base: Outcome) -> dict[str, float]:
    """Each member's budget for variant 5, except the Vault holder's: what the base plan spends
    for it, rounded up to the next million USD (a plan that spends exactly its budget must stay
    feasible within the solver's tolerance)."""
    spent = spending_by_member(base)
    return {
        member: math.ceil(max(spent.get(member, 0.0), 0.0) / MILLION - 1e-9) * MILLION
        for member in case.countries
        if member != VAULT_HOLDER
    }


def solve_variants(
    raw: RawWorkbook, options: SolveOptions, progress: Callable[[str], None] | None = None
) -> tuple[list[Result], dict[str, float]]:
    """Solve the five variants (the base case first: variant 5 needs its spending); return the
    results in variant order and the member budgets of variant 5."""
    builders: dict[int, Callable[[RawWorkbook], RawWorkbook]] = {
        2: with_obligations,
        1: without_instruments,
        3: with_china_cap,
        4: with_stockpiles_closed,
    }
    by_number = {v.number: v for v in VARIANTS}
    results: dict[int, Result] = {}
    for number, build in builders.items():
        results[number] = _solve(by_number[number], build(raw), options, progress)
    base = results[2]
    budgets = member_budgets(base.case, base.outcome) if base.solved else {}
    results[5] = _solve(by_number[5], with_us_only_budget(raw, budgets), options, progress)
    return [results[v.number] for v in VARIANTS], budgets


def _solve(
    variant: Variant,
    raw: RawWorkbook,
    options: SolveOptions,
    progress: Callable[[str], None] | None,
) -> Result:
    case, _warnings = case_from_raw(raw)
    outcome = solve_case(case, options)
    if progress is not None:
        cost = "" if outcome.expected_cost is None else f", {money_text(outcome.expected_cost)}"
        progress(f"{variant.title}: {outcome.status}{cost}")
    return Result(variant, case, outcome)


# --- figures from a plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """The lowest share of demand met, and where: over scenarios, members, minerals and years."""

    share: float
    scenario: str
    country: str
    mineral: str
    year: int

    def __str__(self) -> str:
        return (
            f"{percent(self.share)} ({self.country}, {self.mineral}, {self.year}, {self.scenario})"
        )


def worst_coverage(case: Case, plan: Plan) -> Coverage | None:
    """The lowest share of demand met in any scenario (None when there is no demand)."""
    worst: Coverage | None = None
    columns = ["scenario", "mineral", "country", "year", "shortage"]
    for scenario, mineral, country, year, shortage in plan.flows[columns].itertuples(index=False):
        demand = case.demand.get((mineral, country, int(year)), 0.0)
        if demand <= 0:
            continue
        # Solver tolerances leave shortages of ±1e-9 t: clip them.
        met = min(max(1.0 - max(shortage, 0.0) / demand, 0.0), 1.0)
        if worst is None or met < worst.share:
            worst = Coverage(met, str(scenario), str(country), str(mineral), int(year))
    return worst


def stock_held(case: Case, plan: Plan) -> dict[str, float]:
    """Per mineral, the largest physical stock (t) held at a year's end by all members together,
    the maximum over years and scenarios."""
    total = plan.flows.groupby(["mineral", "scenario", "year"])["inventory"].sum()
    peak = total.groupby(level="mineral").max()
    return {m: max(float(peak.get(m, 0.0)), 0.0) for m in case.minerals}


@dataclass(frozen=True)
class Row:
    """One line of the study's table."""

    variant: Variant
    status: str
    expected_cost: float | None
    cost_difference: float | None  # against variant 1, USD (None when either has no plan)
    capex: float | None
    stockpile: float | None
    coverage: Coverage | None
    stock: dict[str, float]  # t per mineral (empty without a plan)
    diagnosis: str  # why there is no plan ("" when there is one)


def table_rows(results: Sequence[Result]) -> list[Row]:
    """The study's figures for each variant, the cost difference against the first."""
    reference = results[0].outcome.expected_cost if results[0].solved else None
    rows = []
    for result in results:
        outcome = result.outcome
        if not result.solved:
            rows.append(
                Row(result.variant, outcome.status, None, None, None, None, None, {}, why(outcome))
            )
            continue
        capex, stockpile = first_stage_spending(outcome)
        cost = outcome.expected_cost
        rows.append(
            Row(
                result.variant,
                outcome.status,
                cost,
                None if reference is None or cost is None else cost - reference,
                capex,
                stockpile,
                worst_coverage(result.case, result.plan),
                stock_held(result.case, result.plan),
                "",
            )
        )
    return rows


_UNITS = {"budget": "USD", "member_budget": "USD"}


def why(outcome: Outcome) -> str:
    """What the elastic re-solve found for a variant without a plan (its message, then the
    largest shortfall of each kind and the members concerned), else the solver's message."""
    message = outcome.message or outcome.status
    if not outcome.diagnosis:
        return message
    groups: dict[str, list[Diagnosis]] = {}
    for item in outcome.diagnosis:
        groups.setdefault(item.constraint, []).append(item)
    largest = []
    for constraint, items in groups.items():
        worst = max(items, key=lambda d: d.shortfall)
        where = ", ".join(
            str(x)
            for x in (worst.country, worst.source, worst.mineral, worst.year, worst.scenario)
            if x not in ("", None)
        )
        largest.append(
            f"{constraint} {amount(worst.shortfall, _UNITS.get(constraint, 't'))}"
            + (f" ({where})" if where else "")
        )
    members = sorted({d.country for d in outcome.diagnosis if d.country})
    text = f"{message}. Largest: {'; '.join(largest)}"
    return text + (f". Members concerned: {', '.join(members)}" if members else "")


# --- text ---------------------------------------------------------------------------------------


def amount(value: float, unit: str) -> str:
    return money_text(value) if unit == "USD" else tonnes(value)


def tonnes(value: float) -> str:
    """Tonnes as people read them; below a gram is the solver's tolerance, shown as 0."""
    if abs(value) < 1e-6:
        return "0 t"
    return f"{value:,.0f} t" if abs(value) >= 10 else f"{value:,.2g} t"


def percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def usd(value: float | None) -> str:
    return "" if value is None else money_text(value)


def signed_usd(value: float | None) -> str:
    if value is None:
        return ""
    return "0" if abs(value) < 0.5 else ("+" if value > 0 else "−") + money_text(abs(value))


def summary_table(rows: Sequence[Row]) -> list[str]:
    """Markdown: one line per variant."""
    lines = [
        "| variant | status | expected cost | difference vs 1 | capex | stock purchases | "
        "worst coverage (member, mineral, year, scenario) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if row.diagnosis:
            lines.append(f"| {row.variant.title} | {row.status}: {row.diagnosis} | | | | | |")
            continue
        lines.append(
            f"| {row.variant.title} | {row.status} | {usd(row.expected_cost)} | "
            f"{signed_usd(row.cost_difference)} | {usd(row.capex)} | {usd(row.stockpile)} | "
            f"{row.coverage if row.coverage is not None else 'no demand'} |"
        )
    return lines


def stock_table(rows: Sequence[Row], minerals: Sequence[str]) -> list[str]:
    """Markdown: the largest physical stock of each mineral (rows) in each variant (columns)."""
    lines = [
        "| mineral | " + " | ".join(r.variant.label for r in rows) + " |",
        "|---|" + "---:|" * len(rows),
    ]
    for mineral in minerals:
        cells = [tonnes(r.stock[mineral]) if r.stock else "no plan" for r in rows]
        lines.append(f"| {mineral} | " + " | ".join(cells) + " |")
    return lines


# --- chart --------------------------------------------------------------------------------------


def chart(path: Path, results: Sequence[Result]) -> None:
    """What each instrument costs (expected cost against variant 1), what it spends up front and
    the stock it holds, per mineral."""
    rows = table_rows(results)
    minerals = list(results[0].case.minerals)
    figure = Figure(figsize=(12, 8.5))
    axes = figure.subplot_mosaic([["cost", "spend"], ["stock", "stock"]])
    _cost_panel(axes["cost"], rows)
    _spend_panel(axes["spend"], rows)
    _stock_panel(axes["stock"], rows, minerals)
    figure.suptitle("What each policy instrument costs and what it buys")
    figure.tight_layout()
    write_atomically(path, lambda out: figure.savefig(out, format="png", dpi=110))


def _cost_panel(axes: Axes, rows: Sequence[Row]) -> None:
    labels = [r.variant.label for r in rows]
    values = [r.cost_difference or 0.0 for r in rows]
    colours = [_COLOURS[i % len(_COLOURS)] for i in range(len(rows))]
    axes.bar(labels, values, color=colours)
    for i, row in enumerate(rows):
        if row.cost_difference is None:
            axes.annotate("no plan", (i, 0), ha="center", va="bottom", fontsize=8)
    formatter, unit = money_formatter(values)
    axes.yaxis.set_major_formatter(formatter)
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_ylabel(f"expected cost minus variant 1's\n({unit}, discounted)")
    axes.set_title("What it costs", fontsize=10)
    axes.grid(alpha=0.3, axis="y")
    axes.tick_params(axis="x", labelsize=8)


def _spend_panel(axes: Axes, rows: Sequence[Row]) -> None:
    labels = [r.variant.label for r in rows]
    capex = [r.capex or 0.0 for r in rows]
    stockpile = [r.stockpile or 0.0 for r in rows]
    axes.bar(labels, stockpile, color="0.55", label="stock purchases")
    axes.bar(labels, capex, bottom=stockpile, color="0.55", hatch="//", edgecolor="white")
    for i, row in enumerate(rows):
        if row.capex is None:
            axes.annotate("no plan", (i, 0), ha="center", va="bottom", fontsize=8)
    formatter, unit = money_formatter([s + c for s, c in zip(stockpile, capex, strict=True)])
    axes.yaxis.set_major_formatter(formatter)
    axes.set_ylabel(f"first-stage spending\n({unit}, base prices)")
    axes.legend(
        handles=[
            Patch(facecolor="0.55", label="stock purchases"),
            Patch(facecolor="0.55", hatch="//", edgecolor="white", label="refinery capex"),
        ],
        fontsize=8,
    )
    axes.set_title("What it spends up front", fontsize=10)
    axes.grid(alpha=0.3, axis="y")
    axes.tick_params(axis="x", labelsize=8)


def _stock_panel(axes: Axes, rows: Sequence[Row], minerals: Sequence[str]) -> None:
    width = 0.8 / max(len(rows), 1)
    handles = []
    for i, row in enumerate(rows):
        colour = _COLOURS[i % len(_COLOURS)]
        if not row.stock:
            handles.append(Patch(facecolor="none", label=f"{row.variant.label}: no plan"))
            continue
        handles.append(Patch(facecolor=colour, label=row.variant.label))
        xs = [j + (i - (len(rows) - 1) / 2) * width for j in range(len(minerals))]
        # A log axis cannot show 0 t: an empty stock is left without a bar.
        heights = [row.stock[m] if row.stock[m] >= 1e-3 else math.nan for m in minerals]
        axes.bar(xs, heights, width=width, color=colour)
    axes.set_yscale("log")
    axes.set_xticks(range(len(minerals)), minerals, rotation=20, ha="right", fontsize=8)
    axes.set_ylabel("largest stock held, t\n(all members, max over years and scenarios)")
    axes.set_title("What it holds: the largest physical stock of each mineral", fontsize=10)
    axes.legend(handles=handles, fontsize=8, ncols=len(rows))
    axes.grid(alpha=0.3, axis="y")


# --- README -------------------------------------------------------------------------------------


def readme(results: Sequence[Result], budgets: dict[str, float], case: str) -> str:
    """The study's README, every figure computed from the five solves."""
    rows = table_rows(results)
    minerals = list(results[0].case.minerals)
    lines = [
        "# Policy instruments: what each one costs and what it buys",
        "",
        "<!-- Generated by `python examples/policy_instruments/run.py`: edit run.py, "
        "not this file. -->",
        "",
        f"This study solves the case `{case}` five times, each time with one policy "
        "instrument changed, and compares the plans. Each variant is made by changing the "
        "case's cells in memory; the input files are not touched. Every variant gets its own "
        "optimal plan (relative MIP gap "
        f"{MIP_GAP:g}), so each line is the best the alliance can do under that policy.",
        "",
        "```bash",
        "python examples/policy_instruments/run.py   # about a minute per variant",
        "```",
        "",
        "## The variants",
        "",
        *_variant_list(results),
        "",
        *_budget_table(results, budgets),
        "## What each instrument costs",
        "",
        *summary_table(rows),
        "",
        "Expected cost is the objective's expected discounted cost of supplying the alliance "
        "(refining, contracts, purchases, holding, shipping, the penalty on unmet demand, less "
        "the value of the stock left at the end). The difference is this variant's expected cost "
        "minus variant 1's: what the instrument costs the alliance (negative: it saves). "
        "Capex and stock purchases are first-stage spending at base prices, undiscounted, as the "
        "budgets count it. Worst coverage is the lowest share of demand met by any member, of "
        "any mineral, in any year of any scenario, from the plan's flows (where several places "
        "share the lowest value, the first found is named).",
        "",
        *_cost_sentences(rows, results),
        "## What each instrument buys: the stock held",
        "",
        "The largest physical stock of each mineral, in tonnes held by all members together at a "
        "year's end: the maximum over the years and over the scenarios (not the no-disruption "
        "scenario alone, and not probability-weighted). Tonnes of different minerals are not "
        "added.",
        "",
        *stock_table(rows, minerals),
        "",
        "![Expected cost against variant 1, first-stage spending and the largest stock of each "
        "mineral, per variant](instruments.png)",
        "",
    ]
    return "\n".join(lines)


def _variant_list(results: Sequence[Result]) -> list[str]:
    base = results[1].case
    obliged = sum(1 for s in base.stockpiles.values() if s.min_days)
    return [
        f"1. **No instrument**: every `Stockpiles.min_days` blank (the case has {obliged} stock "
        "obligations), every member sharing its stock, no supply cap; the alliance budget as "
        f"the case has it ({usd(base.settings.budget) or 'none'}).",
        "2. **Stock obligations**: the case as it is, with its obligations (each holder keeps "
        "its announced days of demand in stock, model.md 12).",
        f"3. **A cap on China**: 2 plus a `SupplyCaps` row (source {CAPPED_SOURCE}, every "
        f"mineral, from {CAP_FROM}, max_share {CAP_SHARE:g}): from {CAP_FROM} China may supply "
        f"at most {CAP_SHARE:.0%} of the alliance's demand of each mineral, in the style of the "
        "EU Critical Raw Materials Act's 65% limit on any one third country (model.md 13).",
        "4. **Closed stockpiles**: 2 with `Countries.shares_stock = no` for every member: a "
        "member's stock serves only itself (model.md 14).",
        f"5. **A US-only budget**: 2 without the alliance budget; the {usd(VAULT)} of Project "
        f"Vault becomes the {VAULT_HOLDER}' own budget (`Countries.budget`, model.md 16) and "
        "each other member has the budget in the table below.",
    ]


def _budget_table(results: Sequence[Result], budgets: dict[str, float]) -> list[str]:
    """The member budgets of variant 5, with where they come from."""
    if not results[1].solved:
        return ["Variant 2 has no plan, so variant 5 gives the other members no budget.", ""]
    spent = spending_by_member(results[1].outcome)
    lines = [
        "**Assumption (variant 5).** The case holds no budget figure for the other members' "
        "programmes (SOURCES.md cites stock targets in days for Japan and South Korea, and "
        "RESourceEU's 3 bn EUR of general financing for the EU, not a ceiling on stock "
        "purchases). So each member's budget is what the plan of variant 2 spends for it, "
        "rounded up to the next million USD: the members keep the programmes the base plan "
        "gives them, and only the Project Vault money changes hands.",
        "",
        "| member | spending in variant 2 | budget in variant 5 |",
        "|---|---:|---:|",
        f"| {VAULT_HOLDER} | {usd(spent.get(VAULT_HOLDER, 0.0))} | {usd(VAULT)} |",
    ]
    for member, budget in budgets.items():
        lines.append(f"| {member} | {usd(spent.get(member, 0.0))} | {usd(budget)} |")
    alliance = results[1].case.settings.budget
    lines += [
        "",
        f"In all, the members may spend {usd(VAULT + sum(budgets.values()))} up front in "
        "variant 5, against "
        + (f"the alliance budget of {usd(alliance)}" if alliance is not None else "no budget")
        + " in variant 2: the Vault money is no longer shared, and the other members keep "
        "financing what the base plan has them buy.",
    ]
    return [*lines, ""]


def _cost_sentences(rows: Sequence[Row], results: Sequence[Result]) -> list[str]:
    """One sentence per variant against variant 1 and, for 3 to 5, against variant 2; for a
    variant without plan, which of the members its diagnosis names hold no stockpile."""
    first, base = rows[0], rows[1]
    if first.expected_cost is None:
        return ["Variant 1 has no plan, so no variant can be compared with it.", ""]
    lines = []
    for i, row in enumerate(rows[1:], start=1):
        if row.expected_cost is None:
            lines.append(f"- {row.variant.title}: {row.diagnosis}." + _no_stockpile(results[i]))
            continue
        text = f"- {row.variant.title}: {_versus(row, first, 1)}"
        if row is not base and base.expected_cost is not None:
            text += f"; it {_versus(row, base, 2)}"
        lines.append(text + ".")
    return [*lines, ""]


def _no_stockpile(result: Result) -> str:
    """' X and Y hold no stockpile in the case.' for the members a diagnosis names, if any."""
    holders = {country for country, _ in result.case.stockpiles}
    named = sorted({d.country for d in result.outcome.diagnosis if d.country})
    without = [m for m in named if m not in holders]
    if not without:
        return ""
    if len(without) == len(named):
        return (
            " None of these members holds a stockpile of its own in the case: they depend on "
            "the stock that others share."
        )
    verb = "holds" if len(without) == 1 else "hold"
    return f" Of these, {', '.join(without)} {verb} no stockpile of its own in the case."


def _versus(row: Row, other: Row, number: int) -> str:
    """'costs X more than variant N in expectation' (or less, or the same)."""
    assert row.expected_cost is not None and other.expected_cost is not None
    difference = row.expected_cost - other.expected_cost
    if abs(difference) < MIP_GAP * abs(other.expected_cost):
        return f"costs the same as variant {number} (within the solver's tolerance)"
    more = "more" if difference > 0 else "less"
    return f"costs {money_text(abs(difference))} {more} than variant {number} in expectation"


if __name__ == "__main__":
    sys.exit(main())
