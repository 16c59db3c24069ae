"""The `Value` and `Risk` sheets: layout (units, meanings) and the tables derived from a report.

Value, one row per first-stage decision:
- a built site, an accepted offer, a mineral's stockpile purchases: the objective with it ruled
  out, minus the plan's objective (what it is worth); "needed" where the case has no plan without
  it, with what would fall short;
- a site not built: the objective with it forced in, minus the plan's, and the reduction of its
  fixed capex that brings it in (that difference / d(build year of the forced plan));
- an offer not accepted: the same, and for a two-sided offer its break-even strike,
  strike − difference / (volume · Σ_{t ∈ A(o)} d(t)).

Risk, one row per scenario and a total row: the plan's Cost(ω), the optimum of ω alone (WS), the
regret, and the cost of the expected-value plan and of the no-disruption plan in ω; in the total
row the objective, Σ π·WS, EVPI, EEV, VSS and the same for the no-disruption plan.
"""

from __future__ import annotations

import pandas as pd

from planner.models.decisions import Decision
from planner.outcome import Diagnosis
from planner.results.layout import TEXT, USD, USD_PER_T, YEAR, Column, SheetLayout
from planner.value.analysis import Evaluation, ValueReport
from planner.value.tasks import TaskResult

TOTAL = "total"
RATIO = "0.00%"
PROBABILITY = "0.0000"

VALUE = SheetLayout(
    "Value",
    "first-stage decision: a candidate site, a CfD offer, or a mineral's stockpile purchases",
    (
        Column("kind", "", "site, offer or stockpile", TEXT),
        Column(
            "decision", "", "site or offer name, or the mineral of the stockpile programme", TEXT
        ),
        Column("mineral", "", "mineral (Minerals sheet)", TEXT),
        Column("country", "", "alliance member (blank for a stockpile programme)", TEXT),
        Column("in_plan", "", "yes: the plan builds, accepts or buys it; no: it does not", TEXT),
        Column(
            "re_solve",
            "",
            "what the re-solve changed: forbidden, forced in, refused, no purchases (or none)",
            TEXT,
        ),
        Column("objective", "USD", "the case's objective with that change", USD),
        Column(
            "value",
            "USD",
            "objective of the re-solve minus the plan's: what a decision in the plan is worth, or "
            "what forcing one in costs (blank where the case has no plan without it)",
            USD,
        ),
        Column(
            "break_even",
            "see unit",
            "site not built: reduction of its fixed capex (USD, undiscounted) that brings it in; "
            "two-sided offer not accepted: the strike (USD/t) at which it enters",
            USD_PER_T,
            16,
        ),
        Column("break_even_unit", "", "USD or USD/t", TEXT),
        Column("forced_year", "year", "build year of a forced-in site in the re-solved plan", YEAR),
        Column("status", "", "status of the re-solve (needed: infeasible without it)", TEXT),
        Column("gap", "", "relative MIP gap of the re-solve (0: proven optimal)", RATIO),
        Column("note", "", "what falls short without it, or why a figure is missing", TEXT, 60),
    ),
)

RISK = SheetLayout(
    "Risk",
    "scenario, then a total row (figures of the whole case)",
    (
        Column("scenario", "", f"scenario (Scenarios sheet), or {TOTAL!r}", TEXT),
        Column("probability", "", "π(ω) (1 in the total row)", PROBABILITY),
        Column(
            "plan_cost",
            "USD",
            "Cost(ω) of the plan; total row: the plan's objective",
            USD,
        ),
        Column(
            "perfect_foresight",
            "USD",
            "WS: the optimum of ω alone, as if it were known in advance; total row: Σ π·WS",
            USD,
        ),
        Column(
            "regret",
            "USD",
            "plan_cost − perfect_foresight; total row: EVPI = objective − Σ π·WS",
            USD,
        ),
        Column(
            "ev_plan_cost",
            "USD",
            "Cost(ω) with the first stage of the expected-value plan (mean scenario) fixed; "
            "total row: EEV, its objective",
            USD,
        ),
        Column(
            "ev_plan_extra",
            "USD",
            "ev_plan_cost − plan_cost; total row: VSS = EEV − objective",
            USD,
        ),
        Column(
            "no_disruption_plan_cost",
            "USD",
            "Cost(ω) with the first stage of the least-disrupted scenario's own plan fixed; "
            "total row: its objective",
            USD,
        ),
        Column(
            "no_disruption_plan_extra",
            "USD",
            "no_disruption_plan_cost − plan_cost; total row: its objective − the plan's",
            USD,
        ),
        Column(
            "note", "", "shortfalls of a fixed plan, gaps, and what the total row uses", TEXT, 60
        ),
    ),
)

SHEETS = (VALUE, RISK)

ACTIONS = {
    ("site", True): "forbidden",
    ("site", False): "forced in",
    ("offer", True): "refused",
    ("offer", False): "forced in",
    ("stockpile", True): "no purchases",
    ("stockpile", False): "none",
}


def value_table(report: ValueReport) -> pd.DataFrame:
    """The Value sheet: one row per decision, in the order sites, offers, stockpiles."""
    rows = [_decision_row(report, d, in_plan, r) for d, in_plan, r in report.decisions]
    return pd.DataFrame(rows, columns=list(VALUE.names))


def _identity(report: ValueReport, decision: Decision) -> tuple[str, str]:
    case = report.case
    if decision.kind == "site":
        site = case.sites[decision.name]
        return site.mineral, site.country
    if decision.kind == "offer":
        offer = case.offers[decision.name]
        return offer.mineral, offer.country
    return decision.name, ""


def _decision_row(
    report: ValueReport, decision: Decision, in_plan: bool, result: TaskResult | None
) -> dict[str, object]:
    mineral, country = _identity(report, decision)
    row: dict[str, object] = {
        "kind": decision.kind,
        "decision": decision.name,
        "mineral": mineral,
        "country": country,
        "in_plan": "yes" if in_plan else "no",
        "re_solve": ACTIONS[decision.kind, in_plan],
    }
    if result is None:  # a stockpile programme that buys nothing: taking it away changes nothing
        row.update(objective=report.objective, value=0.0, status="not re-solved", gap=0.0)
        row["note"] = "the plan buys none of it"
        return row
    row["gap"] = result.gap
    if result.objective is None:
        row["status"] = "needed" if result.status == "infeasible" else result.status
        row["note"] = _needed(result) if result.status == "infeasible" else result.message
        return row
    difference = result.objective - report.objective
    row.update(objective=result.objective, value=difference, status=result.status)
    row["note"] = _gap_note(result)
    if not in_plan:
        row.update(_break_even(report, decision, result, difference))
    return row


def _break_even(
    report: ValueReport, decision: Decision, result: TaskResult, difference: float
) -> dict[str, object]:
    if decision.kind == "site" and result.build is not None:
        year = result.build[0]
        return {
            "break_even": difference / report.discount[year],
            "break_even_unit": "USD",
            "forced_year": year,
        }
    offer = report.case.offers.get(decision.name) if decision.kind == "offer" else None
    weight = report.offer_discount.get(decision.name, 0.0)
    if offer is not None and offer.kind == "two_sided" and weight > 0:
        return {
            "break_even": offer.strike - difference / (offer.volume * weight),
            "break_even_unit": "USD/t",
        }
    return {}


def _gap_note(result: TaskResult) -> str:
    if result.status == "time_limit_feasible":
        gap = "unknown" if result.gap is None else f"{result.gap:.3%}"
        return f"re-solve stopped at the time limit (gap {gap})"
    return ""


def _needed(result: TaskResult) -> str:
    shortfalls = describe_shortfalls(result.diagnosis)
    return "needed: without it " + (
        shortfalls or result.message or "no plan meets every constraint"
    )


def describe_shortfalls(diagnosis: list[Diagnosis], limit: int = 6) -> str:
    """'Japan, Gallium, 2027, base: 12.5 t short; ...' (the first `limit`, then how many more)."""
    parts = []
    for item in diagnosis:
        if item.constraint == "coverage":
            parts.append(
                f"{item.country}, {item.mineral}, {item.year}, {item.scenario}: "
                f"{item.shortfall:,.6g} t short"
            )
        else:
            parts.append(f"{item.constraint}: {item.shortfall:,.0f} USD short")
    if len(parts) > limit:
        parts = [*parts[:limit], f"and {len(parts) - limit} more"]
    return "; ".join(parts)


def risk_table(report: ValueReport) -> pd.DataFrame:
    """The Risk sheet: one row per scenario, then the total row."""
    rows = []
    for w, scenario in report.case.scenarios.items():
        ws = report.alone[w].objective
        cost = report.plan_costs[w]
        rows.append(
            {
                "scenario": w,
                "probability": scenario.probability,
                "plan_cost": cost,
                "perfect_foresight": ws,
                "regret": None if ws is None else cost - ws,
                **_fixed(report.ev_plan, "ev_plan", cost, w),
                **_fixed(report.no_disruption_plan, "no_disruption_plan", cost, w),
                "note": _scenario_note(report, w),
            }
        )
    rows.append(_total_row(report))
    return pd.DataFrame(rows, columns=list(RISK.names))


def _fixed(evaluation: Evaluation, prefix: str, cost: float, scenario: str | None) -> dict:
    """The cost of a fixed plan (in `scenario`, or its objective) and its excess over the plan's."""
    name, extra = f"{prefix}_cost", f"{prefix}_extra"
    value = evaluation.objective if scenario is None else evaluation.costs.get(scenario)
    return {name: value, extra: None if value is None else value - cost}


def _scenario_note(report: ValueReport, scenario: str) -> str:
    parts = []
    for label, evaluation in (
        ("expected-value plan", report.ev_plan),
        ("no-disruption plan", report.no_disruption_plan),
    ):
        short = [d for d in evaluation.diagnosis if d.scenario == scenario]
        if short:
            parts.append(f"the {label} falls short: {describe_shortfalls(short)}")
    alone = report.alone[scenario]
    if alone.status == "time_limit_feasible":
        parts.append(f"perfect foresight {_gap_note(alone)}")
    return "; ".join(parts)


def _total_row(report: ValueReport) -> dict[str, object]:
    probability = {w: s.probability for w, s in report.case.scenarios.items()}
    ws = {w: report.alone[w].objective for w in probability}
    known = {w: v for w, v in ws.items() if v is not None}
    expected_ws = (
        sum(probability[w] * v for w, v in known.items()) if len(known) == len(ws) else None
    )
    objective = report.objective
    return {
        "scenario": TOTAL,
        "probability": 1.0,
        "plan_cost": objective,
        "perfect_foresight": expected_ws,
        "regret": None if expected_ws is None else objective - expected_ws,
        **_fixed(report.ev_plan, "ev_plan", objective, None),
        **_fixed(report.no_disruption_plan, "no_disruption_plan", objective, None),
        "note": _total_note(report),
    }


def _total_note(report: ValueReport) -> str:
    settings = report.case.settings
    parts = [
        f"the no-disruption plan is the plan of scenario {report.no_disruption_scenario} alone"
    ]
    if settings.cvar_weight > 0:
        parts.insert(
            0,
            f"figures use the case's objective: (1 − {settings.cvar_weight:g})·expected cost + "
            f"{settings.cvar_weight:g}·CVaR at α = {settings.cvar_alpha:g}",
        )
    for label, evaluation in (
        ("expected-value plan", report.ev_plan),
        ("no-disruption plan", report.no_disruption_plan),
    ):
        if evaluation.objective is None:
            parts.append(f"the {label} has no cost: {evaluation.message or evaluation.status}")
    return "; ".join(parts)


def figures(report: ValueReport) -> dict[str, object]:
    """The headline figures (for the console and --json): objective, EVPI, EEV, VSS, ..."""
    total = _total_row(report)
    return {
        "objective": report.objective,
        "mip_gap": report.plan.gap,
        "expected_perfect_foresight": total["perfect_foresight"],
        "evpi": total["regret"],
        "eev": total["ev_plan_cost"],
        "vss": total["ev_plan_extra"],
        "no_disruption_scenario": report.no_disruption_scenario,
        "no_disruption_plan_objective": total["no_disruption_plan_cost"],
        "no_disruption_plan_extra": total["no_disruption_plan_extra"],
        "cvar_weight": report.case.settings.cvar_weight,
        "resolves": report.resolves,
        "seconds": report.timings.get("total"),
        "highs_seconds": report.highs_seconds,
    }


def units_rows() -> pd.DataFrame:
    """Rows of the Units sheet (sheet, column, unit, meaning) for the Value and Risk sheets."""
    rows = [
        (sheet.name, column.name, column.unit, column.meaning)
        for sheet in SHEETS
        for column in sheet.columns
    ]
    return pd.DataFrame(rows, columns=["sheet", "column", "unit", "meaning"])
