"""Writes the bundled case's README (`inputs/alliance-2026/README.md`) from solves of the case.

    python examples/alliance_2026/make_readme.py [--input FOLDER] [--output README]

Every figure in that README comes from here: the plan of the case as it stands, three variants
that tell the plan the date of the broad ban in advance (the cost of an uncertain date), and a
search over the strike of the MP Materials offer as a floor and as a two-sided contract (the
strike at which the plan takes it). The prose around the figures is in this file; edit it here,
never in the README. A few minutes on two cores (about 25 solves).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pandas as pd

from planner.case import Case
from planner.files import write_atomically
from planner.options import SolveOptions
from planner.outcome import Outcome, Plan
from planner.results.console import format_outcome
from planner.results.tables import summary_figures
from planner.solve import solve_case
from planner.validate import read_case
from planner.value.markdown import value_markdown

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "inputs" / "alliance-2026"
BROAD_BANS = ("broad_ban_2028", "broad_ban_2031", "broad_ban_2034")
FLOOR_OFFER = "MP floor 110"
Kind = Literal["two_sided", "floor"]  # Offer.kind
# Variants only need the objective and the plan, not the marginal cost of coverage.
VARIANT = SolveOptions(coverage_duals=False)
# A strike found to within 1 USD/kg is as precise as the price figures behind it.
STRIKE_STEP = 1_000.0

# World annual supply of each mineral, t/yr, with the line of public-figures.csv (or the
# arithmetic) behind it; SOURCES.md ("World supply") explains each. The README shows the plan's
# stock against it, and tests/test_bundled_case.py keeps the stock under a year of it.
WORLD_SUPPLY: dict[str, tuple[float, str]] = {
    "NdPr oxide": (78_000, "390,000 t REO [L2] × 20 % NdPr (A3)"),
    "Dysprosium oxide": (2_508, "(19,150 t China clay quota [L23] + 31,000 t Burma [L7]) × 5 %"),
    "Terbium oxide": (502, "(19,150 [L23] + 31,000 [L7]) × 1 %"),
    "Samarium oxide": (3_900, "390,000 t REO [L2] × 1 % (A31)"),
    "Yttrium oxide": (12_538, "(19,150 [L23] + 31,000 [L7]) × 25 % (A31)"),
    "Gallium": (760, "world primary production 2024 [L89]"),
    "Germanium": (210, "world refined production 2022 [L115]"),
    "Antimony": (100_000, "world mine production 2024 [L136]"),
    "Battery-grade graphite": (1_600_000, "world natural graphite 2024, all grades [L162]"),
    "Cobalt": (290_000, "world mine production 2024 [L179]"),
    "Tungsten (APT)": (81_000, "world mine production 2024 [L237]"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=FOLDER, help="the case folder")
    parser.add_argument("--output", type=Path, help="README to write (default: the case's own)")
    args = parser.parse_args(argv)
    case, issues = read_case(args.input)
    errors = [issue for issue in issues if issue.severity == "error"]
    if errors:
        print("\n".join(str(issue) for issue in errors), file=sys.stderr)
        return 1
    outcome = solve_case(case)
    if outcome.plan is None:
        print(f"the case does not solve: {outcome.message}", file=sys.stderr)
        return 5
    kinds: tuple[Kind, ...] = ("floor", "two_sided")
    strikes = {kind: floor_entry_strike(case, kind) for kind in kinds}
    text = readme(case, outcome, known_date_costs(case), strikes)
    path = args.output or args.input / "README.md"
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    print(f"Wrote {path}")
    return 0


def plan_of(outcome: Outcome) -> Plan:
    """The plan of a solve that must have one (the generator stops on a case that has none)."""
    if outcome.plan is None:
        raise RuntimeError(f"the solve has no plan: {outcome.message}")
    return outcome.plan


def objective_of(outcome: Outcome) -> float:
    if outcome.objective is None:
        raise RuntimeError(f"the solve has no objective: {outcome.message}")
    return outcome.objective


# --- variants -----------------------------------------------------------------------------------


def with_scenarios(case: Case, keep: dict[str, float]) -> Case:
    """The case with only the scenarios in `keep`, at the probabilities given there."""
    scenarios = {
        name: dataclasses.replace(s, probability=keep[name])
        for name, s in case.scenarios.items()
        if name in keep
    }
    return dataclasses.replace(
        case,
        scenarios=scenarios,
        share_lost={k: v for k, v in case.share_lost.items() if k[0] in keep},
        price_multiplier={k: v for k, v in case.price_multiplier.items() if k[0] in keep},
    )


def known_date_costs(case: Case) -> dict[str, float]:
    """The objective when the date of the broad ban is known before the first stage: for each
    date, the case whose broad ban comes at that date with the whole broad-ban probability."""
    broad = sum(case.scenarios[name].probability for name in BROAD_BANS)
    others = {n: s.probability for n, s in case.scenarios.items() if n not in BROAD_BANS}
    costs = {}
    for name in BROAD_BANS:
        outcome = solve_case(with_scenarios(case, {**others, name: broad}), VARIANT)
        if outcome.objective is None:
            raise RuntimeError(f"the variant with {name} known does not solve: {outcome.message}")
        costs[name] = outcome.objective
    return costs


def floor_accepted(case: Case, strike: float, kind: Kind = "floor") -> bool:
    """Whether the plan takes the MP Materials offer at `strike`, as a floor or as a two-sided
    contract (which caps the price the alliance pays in a ban at the strike)."""
    offer = dataclasses.replace(case.offers[FLOOR_OFFER], strike=strike, kind=kind)
    variant = dataclasses.replace(case, offers={**case.offers, FLOOR_OFFER: offer})
    outcome = solve_case(variant, VARIANT)
    offers = plan_of(outcome).offers.set_index("offer")["accepted"]
    return bool(offers[FLOOR_OFFER])


def floor_entry_strike(case: Case, kind: Kind = "floor", top: float = 200_000.0) -> float | None:
    """The highest strike (USD/t) at which the plan takes the MP Materials offer, to STRIKE_STEP;
    None when it refuses it even at 0 (a floor at 0 only buys tonnes at market price)."""
    low, high = 0.0, top
    if not floor_accepted(case, low, kind):
        return None
    if floor_accepted(case, high, kind):
        return high
    while high - low > STRIKE_STEP:
        middle = (low + high) / 2
        low, high = (middle, high) if floor_accepted(case, middle, kind) else (low, middle)
    return low


# --- tables -------------------------------------------------------------------------------------


def usd(value: float) -> str:
    return f"{value:,.0f}"


def tonnes(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"


def markdown(frame: pd.DataFrame) -> list[str]:
    """A DataFrame as a markdown table: first column left, the others right-aligned."""
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|---|" + "---:|" * (len(frame.columns) - 1)
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return [head, rule, *rows]


def stock_by_scenario(case: Case, outcome: Outcome) -> pd.DataFrame:
    """Physical stock (t, all holders together), the largest at any year's end, per scenario."""
    flows = plan_of(outcome).flows
    total = flows.groupby(["mineral", "scenario", "year"])["inventory"].sum()
    peak = total.groupby(["mineral", "scenario"]).max().unstack("scenario")
    peak = peak.reindex(index=list(case.minerals), columns=list(case.scenarios)).fillna(0.0)
    table = peak.map(tonnes).reset_index()
    return table.rename(columns={"mineral": "mineral (t)"})


def stock_against_world(case: Case, outcome: Outcome) -> pd.DataFrame:
    flows = plan_of(outcome).flows
    total = flows.groupby(["mineral", "scenario", "year"])["inventory"].sum()
    peak = total.groupby("mineral").max()
    rows = []
    for mineral in case.minerals:
        world, basis = WORLD_SUPPLY[mineral]
        held = float(peak.get(mineral, 0.0))
        rows.append((mineral, tonnes(held), tonnes(world), f"{held / world:.1%}", basis))
    columns = ["mineral", "largest stock, t", "world supply, t/yr", "share", "world supply from"]
    return pd.DataFrame(rows, columns=columns)


def first_stage_spending(case: Case, outcome: Outcome) -> pd.DataFrame:
    """country, mineral, amount: stock purchases at base prices and refinery capex (USD,
    undiscounted), what the budget (constraint 11) counts."""
    plan = plan_of(outcome)
    bought = plan.purchases.assign(
        amount=[
            case.price[(m, y)] * p
            for m, y, p in plan.purchases[["mineral", "year", "purchase"]].itertuples(index=False)
        ]
    )
    rows = [(r.country, r.mineral, r.amount) for r in bought.itertuples(index=False)]
    for site, capacity in plan.builds[["site", "capacity"]].itertuples(index=False):
        data = case.sites[site]
        rows.append((data.country, data.mineral, data.fixed_capex + data.capex_per_tpa * capacity))
    return pd.DataFrame(rows, columns=["country", "mineral", "amount"])


def spending_by_member(case: Case, outcome: Outcome) -> pd.DataFrame:
    """First-stage spending (USD, base prices, undiscounted) by member and mineral."""
    table = first_stage_spending(case, outcome).pivot_table(
        index="mineral", columns="country", values="amount", aggfunc="sum", fill_value=0.0
    )
    members = [c for c in case.countries if c in table.columns]
    table = table.reindex(index=list(case.minerals), columns=members).fillna(0.0)
    table.loc["total"] = table.sum()
    table["all members"] = table.sum(axis=1)
    table = table.map(usd).reset_index()
    return table.rename(columns={"mineral": "mineral (USD)"})


def stock_by_member(case: Case, outcome: Outcome) -> pd.DataFrame:
    """Stock bought (t) by holder and mineral, and its value at base prices."""
    bought = plan_of(outcome).purchases.pivot_table(
        index="mineral", columns="country", values="purchase", aggfunc="sum", fill_value=0.0
    )
    holders = [c for c in case.countries if c in bought.columns]
    bought = bought.reindex(index=list(case.minerals), columns=holders).fillna(0.0)
    table = bought.map(tonnes)
    table["value at base price, USD"] = [
        usd(bought.loc[m].sum() * case.minerals[m].price) for m in bought.index
    ]
    return table.reset_index().rename(columns={"mineral": "mineral (t bought)"})


def shortages(case: Case, outcome: Outcome) -> pd.DataFrame:
    flows = plan_of(outcome).flows.copy()
    demand = [
        case.demand.get((m, r, y), 0.0)
        for m, r, y in flows[["mineral", "country", "year"]].itertuples(index=False)
    ]
    flows["demand"] = demand
    flows = flows[flows["demand"] > 0]
    flows["covered"] = 1 - flows["shortage"] / flows["demand"]
    grouped = flows.groupby(["scenario", "mineral"], sort=False)
    table = pd.DataFrame({"short": grouped["shortage"].sum(), "lowest": grouped["covered"].min()})
    table = table[table["short"] > 1e-6].reset_index()
    years = (
        flows[flows["shortage"] > 1e-6].groupby(["scenario", "mineral"])["year"].agg(["min", "max"])
    )
    table["years"] = [
        f"{years.loc[(s, m), 'min']}–{years.loc[(s, m), 'max']}"
        for s, m in zip(table["scenario"], table["mineral"], strict=True)
    ]
    table["short"] = table["short"].map(tonnes)
    table["lowest"] = table["lowest"].map(lambda v: f"{v:.0%}")
    return table.rename(
        columns={
            "short": "shortage over the horizon, t",
            "lowest": "lowest coverage of any member and year",
            "years": "years short",
        }
    )


def scenario_costs(outcome: Outcome) -> pd.DataFrame:
    costs = outcome.scenario_costs
    if costs is None:
        raise RuntimeError("the solve has no scenario costs")
    return pd.DataFrame(
        {
            "scenario": costs["scenario"],
            "cost, USD": costs["cost"].map(usd),
            "of which shortage penalty, USD": costs["shortage_penalty"].map(usd),
        }
    )


# --- the README ---------------------------------------------------------------------------------


def plan_summary(case: Case, outcome: Outcome) -> list[str]:
    """`planner solve`'s report of the plan, without its timings (they vary from run to run)."""
    lines = format_outcome(case, outcome, summary_figures(case, outcome)).splitlines()
    return ["```text", lines[0], *lines[2:], "```"]


def hedging_paragraph(case: Case, outcome: Outcome, known: dict[str, float]) -> list[str]:
    broad = sum(case.scenarios[name].probability for name in BROAD_BANS)
    expected_known = sum(case.scenarios[n].probability / broad * known[n] for n in BROAD_BANS)
    cost = objective_of(outcome) - expected_known
    rows = [
        (name, f"{case.scenarios[name].probability:g}", usd(known[name])) for name in BROAD_BANS
    ]
    table = pd.DataFrame(
        rows, columns=["broad ban known to come as", "probability", "objective, USD"]
    )
    return [
        *markdown(table),
        "",
        f"Weighted by the probabilities of the dates, a plan that knows the date in advance "
        f"expects to cost {usd(expected_known)} USD; the plan that must hedge the date costs "
        f"{usd(objective_of(outcome))} USD. Holding for an uncertain date costs "
        f"**{usd(cost)} USD** ({cost / objective_of(outcome):.2%} of the objective): the stock "
        "has to be bought before the earliest plausible ban and carried until the latest.",
    ]


def floor_paragraph(case: Case, outcome: Outcome, strike: float | None) -> str:
    offer = case.offers[FLOOR_OFFER]
    accepted = bool(plan_of(outcome).offers.set_index("offer")["accepted"][FLOOR_OFFER])
    at_case = "takes" if accepted else "does not take"
    head = (
        f"The MP Materials floor is modelled as what the deal secures: {offer.volume:,.0f} t/yr "
        f"of NdPr in {offer.start_year}–{offer.end_year} beyond Mountain Pass's existing output "
        f"(SOURCES.md, CfD). At the deal's strike of {offer.strike / 1000:,.0f} USD/kg the plan "
        f"{at_case} it. "
    )
    if strike is None:
        return head + (
            "Searching the strike from 0 to 200 USD/kg, the plan refuses it at every strike, "
            "even 0: a floor delivers its tonnes at no less than the market price, which in a "
            "broad ban is the spiked price, while stock bought beforehand at the base price "
            "covers the same gap for less. What the floor secures is the bankability of MP's "
            "expansion, which the case cannot value: it has no market for the tonnes in normal "
            "years other than China's at the same price."
        )
    return head + (
        f"Searching the strike from 0 to 200 USD/kg, the plan takes the floor at every strike up "
        f"to **{strike / 1000:,.0f} USD/kg** (to within {STRIKE_STEP / 1000:g} USD/kg) and "
        "refuses it above."
    )


def two_sided_sentence(strike: float | None) -> str:
    """What the same volume would be worth as a two-sided contract, for comparison."""
    head = "For comparison, the same volume offered as a two-sided contract (the alliance pays "
    head += "the strike in every year, also in a ban) "
    if strike is None:
        return head + "is refused at every strike from 0."
    return head + (
        f"is taken at every strike up to **{strike / 1000:,.0f} USD/kg** (to within "
        f"{STRIKE_STEP / 1000:g} USD/kg): what the tonnes are worth to the plan when their price "
        "is fixed in a ban."
    )


def readme(
    case: Case, outcome: Outcome, known: dict[str, float], strikes: dict[Kind, float | None]
) -> str:
    lines = [
        "# alliance-2026: the bundled real-data case",
        "",
        "<!-- Generated by `python examples/alliance_2026/make_readme.py`: edit that script, "
        "not this file. -->",
        "",
        "Regenerate this file after any change to the case or the model (about 25 solves, a few "
        "minutes):",
        "",
        "```bash",
        "python examples/alliance_2026/make_readme.py",
        "```",
        "",
        *INTRO,
        "",
        "## The scenarios",
        "",
        *markdown(
            pd.DataFrame(
                [(n, f"{s.probability:g}", s.description) for n, s in case.scenarios.items()],
                columns=["scenario", "probability", "what China does"],
            )
        ),
        "",
        *SCENARIO_NOTE,
        "",
        "## The plan",
        "",
        "`planner solve inputs/alliance-2026` reports (timings left out):",
        "",
        *plan_summary(case, outcome),
        "",
        f"The plan reaches an objective of {usd(objective_of(outcome))} USD.",
        "",
        "## Stock held, per scenario (physical tonnes)",
        "",
        "The largest stock of each mineral held at the end of any year, all holders together, "
        "in each scenario. These are tonnes in a warehouse, not probability-weighted figures.",
        "",
        *markdown(stock_by_scenario(case, outcome)),
        "",
        "## Stock against world supply",
        "",
        "The largest stock of each mineral in any scenario and year, against the world's annual "
        "supply of it (SOURCES.md, World supply). `tests/test_bundled_case.py` fails when a "
        "stock exceeds one year of world supply without a reason in SOURCES.md.",
        "",
        *markdown(stock_against_world(case, outcome)),
        "",
        "## Who holds and who pays",
        "",
        "The members share their stock, so several splits of the same purchases between holders "
        "cost the same to within the MIP gap: the tables below show the split this solve "
        "returned. Another solve (another thread count or machine) may return another split "
        "with the same totals per mineral, which are the figures to rely on.",
        "",
        "Stock bought by each holder (tonnes), and its value at base prices:",
        "",
        *markdown(stock_by_member(case, outcome)),
        "",
        "First-stage spending by member and mineral (stock purchases and refinery capex, USD at "
        "base prices, undiscounted: what the budget counts). Project Vault is a US vehicle; the "
        "budget in this case is the alliance's, so the split shows how much of it the plan puts "
        "in each member's warehouses and plants.",
        "",
        *markdown(spending_by_member(case, outcome)),
        "",
        "## What an uncertain ban date costs",
        "",
        "The broad ban comes in 2028, 2031 or 2034 (two years each); the plan's first-stage "
        "decisions cannot depend on which. The same case with the date known in advance (the "
        "whole broad-ban probability on that one date):",
        "",
        *hedging_paragraph(case, outcome, known),
        "",
        "## The MP Materials floor",
        "",
        floor_paragraph(case, outcome, strikes["floor"]),
        "",
        two_sided_sentence(strikes["two_sided"]),
        "",
        "## What the plan cannot prevent",
        "",
        "Shortages left by the plan, and the lowest share of demand any member gets in any year:",
        "",
        *markdown(shortages(case, outcome)),
        "",
        "Every coverage target holds in every scenario and year. Cost per scenario:",
        "",
        *markdown(scenario_costs(outcome)),
        "",
        *value_section(),
        *CLOSING,
        "",
    ]
    return "\n".join(lines)


VALUE_WORKBOOK = Path(__file__).resolve().parent / "value.xlsx"
VALUE_COMMAND = "planner value inputs/alliance-2026 -o examples/alliance_2026/value.xlsx"


def value_section() -> list[str]:
    """What each decision is worth, EVPI and VSS, quoted from `planner value`'s workbook."""
    if not VALUE_WORKBOOK.exists():
        return []
    return [
        "## What each decision is worth",
        "",
        f"From `{VALUE_COMMAND}` (run it again after a change to the case or the model; it "
        "re-solves the case once per decision and per scenario):",
        "",
        *value_markdown(VALUE_WORKBOOK),
        "",
    ]


INTRO = [
    "**The question.** China's export controls of 2023–2025 touched the rare earths of magnets, "
    "gallium, germanium, antimony, graphite and tungsten. An alliance of eight members (United "
    "States, European Union, Japan, South Korea, India, United Kingdom, Canada, Australia) has a "
    "financing envelope the size of Project Vault, 12 bn USD, for refineries and stockpiles, and "
    "offers of contracts for difference (CfDs) from allied producers. What should it build, "
    "stockpile and contract in 2026–2040 so that its industry keeps working if China bans "
    "exports again?",
    "",
    "**The case.** Eleven processed minerals: NdPr oxide; dysprosium, terbium, samarium and "
    "yttrium oxides; gallium; germanium; antimony; battery-grade graphite; cobalt; tungsten "
    "(APT). For each: the members' demand, growing for the magnet materials and graphite; China "
    "and the rest of the world as external sources, each at most what it produces (less its own "
    "use where a figure exists); the allied refineries that exist or are committed (MP "
    "Materials, Lynas, Energy Fuels, Solvay, Neo, Syrah, Iluka Eneabba from 2027) and the "
    "announced projects that could be built; CfD offers (the MP Materials NdPr floor at the "
    "110 USD/kg of its 2025 agreement, Ucore, Wagerup gallium, Perpetua Stibnite antimony); "
    "stockpiles in the four members with a stockpiling programme.",
    "",
    "**Where the numbers come from.** [SOURCES.md](SOURCES.md) traces every number in the CSV "
    "files to a public figure, to arithmetic on such figures, or to a numbered, reasoned "
    "**assumption** with its range. The weakest are the split of demand among members (A1), the "
    "scenario probabilities and ban dates (A26), the operating cost of non-Chinese refineries "
    "(A18), and the samarium and graphite figures (A8, A9).",
    "",
    "The folder `inputs/alliance-2026/` is the reviewed form; `inputs/alliance-2026.xlsx` is the "
    "same case made by `planner convert inputs/alliance-2026 inputs/alliance-2026.xlsx --force` "
    "(a test keeps the two equal). Edit the folder, convert again, and regenerate this README.",
]

SCENARIO_NOTE = [
    "In every scenario the 2026 licences of gallium, germanium and antimony withhold 55 % of "
    "what China would sell, and each ban comes with the price spikes seen in 2010–2011 and "
    "2023–2025. Nobody knows when a broad ban would come, so it has three possible start years "
    "with the same total probability as the single date of earlier versions of the case.",
]

CLOSING = [
    "Every shortage above is priced at a penalty above the highest price that mineral reaches "
    "in any scenario (SOURCES.md, Minerals), so the plan never leaves purchasable tonnes "
    "unbought to save money. Shortages in the no-disruption scenario are demand the world's "
    "supply outside the alliance's reach cannot meet at all: the magnet rare earths' demand "
    "grows faster (A5) than China's output of them (SOURCES.md, Sources).",
]


if __name__ == "__main__":
    sys.exit(main())
