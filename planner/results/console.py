"""The solve summary printed by `planner solve`: status, costs, decisions and timings.

One number style throughout: every amount of money in one unit chosen for the whole summary
(USD bn with three decimals, or USD m with two, or whole USD for tiny cases) so that figures line
up and compare at a glance; tonnes with thousands separators and one decimal; prices per tonne in
whole USD/t.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from planner.case import Case
from planner.costs import COMPONENT_LABELS, COST_COMPONENTS
from planner.outcome import Outcome
from planner.results.workbook import Summary


class Money:
    """Amounts of money in one unit, chosen from the largest amount the summary shows."""

    def __init__(self, amounts: Iterable[object]) -> None:
        largest = max(
            (abs(a) for a in amounts if isinstance(a, int | float) and math.isfinite(a)),
            default=0.0,
        )
        if largest >= 1e9:
            self.scale, self.unit, self.decimals = 1e9, "USD bn", 3
        elif largest >= 1e6:
            self.scale, self.unit, self.decimals = 1e6, "USD m", 2
        else:
            self.scale, self.unit, self.decimals = 1.0, "USD", 0

    def __call__(self, value: object) -> str:
        if not isinstance(value, int | float) or not math.isfinite(value):
            return "–"
        shown = value / self.scale
        if round(shown, self.decimals) == 0:
            shown = 0.0  # no "-0.00"
        return f"{shown:,.{self.decimals}f} {self.unit}"


def tonnes(value: float) -> str:
    """Tonnes with thousands separators and one decimal: 12,345.6 t."""
    shown = 0.0 if round(value, 1) == 0 else value
    return f"{shown:,.1f} t"


def format_outcome(case: Case, outcome: Outcome, summary: Summary) -> str:
    """The short report printed after a solve: status, costs, decisions and timings."""
    usd = Money(
        [outcome.objective, outcome.expected_cost, summary.get("cvar"), case.settings.budget]
        + [summary.get(f"cost_{component}") for component in COST_COMPONENTS]
        + [summary.get("spend_capex"), summary.get("spend_stockpile")]
        + [item.shortfall for item in outcome.diagnosis if item.constraint == "budget"]
    )
    lines = [_status_line(outcome, usd), _timing_line(outcome)]
    if outcome.status == "infeasible":
        lines.extend(_diagnosis_lines(outcome, usd))
    if outcome.plan is None:
        return "\n".join(lines)
    if summary.get("cvar") is not None:
        lines.append(
            f"         expected cost {usd(outcome.expected_cost)}, "
            f"CVaR {usd(summary['cvar'])} (α = {case.settings.cvar_alpha:g}, "
            f"weight {case.settings.cvar_weight:g})"
        )
    lines += ["", *_cost_lines(case, outcome, summary, usd), ""]
    lines += _decision_lines(case, outcome)
    return "\n".join(lines)


def _cost_lines(case: Case, outcome: Outcome, summary: Summary, usd: Money) -> list[str]:
    lines = ["Expected discounted cost by component"]
    width = max(len(label) for label in COMPONENT_LABELS.values()) + 2
    figures = [(COMPONENT_LABELS[c], summary.get(f"cost_{c}")) for c in COST_COMPONENTS]
    figures.append(("total (expected cost)", outcome.expected_cost))
    number = max(len(usd(value)) for _, value in figures)
    for label, value in figures:
        lines.append(f"  {label:<{width}}{usd(value):>{number}}")
    budget = case.settings.budget
    spent = f"capex {usd(summary['spend_capex'])}, stockpile {usd(summary['spend_stockpile'])}"
    lines.append(
        f"First-stage spending, undiscounted: {spent}"
        + (f" (budget {usd(budget)})" if budget is not None else "")
    )
    return lines


def _decision_lines(case: Case, outcome: Outcome) -> list[str]:
    plan = outcome.plan
    assert plan is not None
    lines = []
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
    lines.append("Accepted CfD offers" if accepted else "Accepted CfD offers: none")
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
        return [*lines, "Stockpile purchases: none"]
    lines.append("Stockpile purchases over the horizon, by mineral")
    for mineral, by_country in bought.groupby(level="mineral", sort=False):
        countries = by_country.index.get_level_values("country")
        split = ", ".join(
            f"{country} {tonnes(amount)}"
            for country, amount in zip(countries, by_country.to_numpy(), strict=True)
        )
        lines.append(f"  {mineral}: {tonnes(by_country.sum())} ({split})")
    return lines


def _status_line(outcome: Outcome, usd: Money) -> str:
    status = outcome.status
    if status in ("optimal", "time_limit_feasible"):
        gap = outcome.mip_gap
        quality = "gap unknown" if gap is None else "proven" if gap == 0 else f"gap {gap:.3%}"
        label = "optimal" if status == "optimal" else "time limit reached with a feasible plan"
        return f"Solved   {label} ({quality}): objective {usd(outcome.objective)}"
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


def _diagnosis_lines(outcome: Outcome, usd: Money) -> list[str]:
    if not outcome.diagnosis:
        return ["No coverage or budget slack explains it (see the message above)."]
    lines = ["What cannot be met (also in the Diagnosis sheet):"]
    for item in outcome.diagnosis:
        if item.constraint == "budget":
            lines.append(f"  budget: {usd(item.shortfall)} short")
        else:
            lines.append(
                f"  coverage of {item.mineral} in {item.country}, {item.year}, scenario "
                f"{item.scenario}: {tonnes(item.shortfall)} short"
            )
    return lines
