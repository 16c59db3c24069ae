"""What a solve returns: status, figures and the plan as plain tables.

The model layer fills an `Outcome`; the results layer turns it into the results workbook and the
command line prints from it. Tables are pandas DataFrames with the columns documented on each
field, so that nothing downstream needs Pyomo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Status = Literal[
    "optimal",  # solved to the requested gap (exit 0)
    "time_limit_feasible",  # stopped at the time limit with a plan and a gap (exit 0)
    "infeasible",  # no plan meets the constraints; see Outcome.diagnosis (exit 3)
    "time_limit_no_solution",  # stopped at the time limit without any plan (exit 4)
    "solver_error",  # HiGHS failed or returned an unexpected status (exit 5)
]

# The cost components of model.md "Reported figures", in report order. Each is the discounted USD
# amount of that part of Cost(ω); their sum is Cost(ω).
COST_COMPONENTS: tuple[str, ...] = (
    "capex",  # F·y + V·x in the build year
    "fixed_om",  # Fo·C, existing capacity included
    "variable_refining",  # w·q
    "cfd_market_value",  # v·z·P(m,t,ω): what industry pays for contracted volume
    "cfd_government_payment",  # v·z·(π_cfd − P(m,t,ω)): what the government pays (or receives)
    "holding",  # h·inv
    "external_purchases",  # f·P(m,t,ω)·e
    "shipping",  # k·(inflow + outflow) + k·p
    "shortage_penalty",  # u·short
    "terminal_value",  # −d(end)·φ'·P(m,end,ω)·inv(end): a credit, so ≤ 0
)


@dataclass
class Plan:
    """Every decision of one solve, first and second stage.

    Each table lists the index columns first; values are floats (binaries as 0/1 rounded).
    """

    # site, year, capacity: one row per build (y = 1); sites never built have no row.
    builds: pd.DataFrame
    # offer, accepted (bool): one row per CfD offer.
    offers: pd.DataFrame
    # country, mineral, year, purchase: one row per stockpile place and year (p).
    purchases: pd.DataFrame
    # scenario, site, year, output: refinery output q for every site, year and scenario.
    output: pd.DataFrame
    # scenario, source, mineral, year, purchase: external purchases e where a source supplies.
    external: pd.DataFrame
    # scenario, mineral, country, year, inflow, outflow, release, inventory, shortage: the second
    # stage per country; release and inventory are 0 where the country holds no stockpile of
    # that mineral. One row for every mineral, country, year and scenario.
    flows: pd.DataFrame
    # scenario, eta, zeta: the CVaR auxiliaries (empty when cvar_weight = 0).
    cvar: pd.DataFrame
    # year, node, scenarios (tuple of names), probability: the scenario tree of model.md 15, one
    # row per (year, class of scenarios with the same history up to that year).
    tree: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Diagnosis:
    """One non-zero slack of the elastic re-solve of an infeasible case."""

    # coverage (10), budget (11), member_budget (16): a country's budget, obligation (12): a
    # stock obligation that cannot be held, supply_cap (13): a cap that would have to rise.
    constraint: Literal["coverage", "budget", "obligation", "supply_cap", "member_budget"]
    # tonnes (coverage, obligation, supply_cap) or USD (budget, member_budget) the slack needs
    shortfall: float
    scenario: str = ""
    mineral: str = ""
    country: str = ""
    year: int | None = None
    source: str = ""  # the external source of a supply cap


@dataclass
class Outcome:
    """The result of `planner.solve.solve_case`."""

    status: Status
    objective: float | None = None  # full objective of model.md, constant terms included
    expected_cost: float | None = None  # Σ_ω π(ω)·Cost(ω)
    cvar: float | None = None  # CVaR_α when cvar_weight > 0, else None
    mip_gap: float | None = None  # relative gap reached (0 for an LP or a proven optimum)
    message: str = ""  # a sentence for people: why it failed, or what the solver said
    # Seconds spent per stage: "read", "build", "handoff", "solve" (and "duals" when computed).
    timings: dict[str, float] = field(default_factory=dict)
    highs_version: str = ""
    plan: Plan | None = None
    # scenario, then one column per COST_COMPONENTS entry, then cost: Cost(ω) and its split.
    scenario_costs: pd.DataFrame | None = None
    # scenario, mineral, country, year, value: the dual of every binding coverage constraint
    # (USD per tonne of extra required coverage, in the objective's discounted units).
    coverage_value: pd.DataFrame | None = None
    diagnosis: list[Diagnosis] = field(default_factory=list)
    # kind ("capex", "stockpile"), country, mineral, item (site name, or "" for purchases), year,
    # amount: first-stage spending at base prices, undiscounted (what budgets 11 and 16 cap),
    # the registered spending terms evaluated at the plan.
    spending: pd.DataFrame | None = None
    # scenario, component, item, amount: the registered cost terms that belong to one first-stage
    # decision (item = a site or an offer name), evaluated at the plan, discounted USD; e.g. an
    # offer's expected government payment is Σ_ω π(ω)·amount over its cfd_government_payment rows.
    item_costs: pd.DataFrame | None = None
    # Model size, for reports and benchmarks: "columns", "rows", "nonzeros", "integers".
    size: dict[str, int] = field(default_factory=dict)
