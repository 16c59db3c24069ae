"""What out-of-sample evaluation needs from a built model: the columns a scenario changes.

This is the one module of `planner evaluate` that names model variables. It reads a model built
for a single scenario (the case's certain disruptions only) and lists, by HiGHS column or row:

- the first-stage columns y, x, z, p with their keys, to fix at a plan's values;
- the scenario's data, as vectors over columns, so that a sampled scenario is a change of bounds
  and costs, not a new model:
  * e(x,m,t): upper bound (1 − δ(x,m,t,ω))·Av(x,m,t) (constraint 6) and cost d(t)·f·P(m,t)·μ;
  * z(o): cost Σ_{t ∈ A(o)} d(t)·v(o)·π_cfd(o,t,ω), a constant once z is fixed;
  * inv(m,r,end): cost d(end)·h(m) − d(end)·φ'(m)·P(m,end)·μ(m,end,ω) (holding and terminal value);
- the shortage columns short(m,r,t) with their coverage bound, which evaluation doubles with a
  column beyond coverage so that a plan that cannot keep coverage in a scenario is reported,
  not called infeasible;
- the stock obligation rows (12) inv(m,r,t) ≥ n(k)/365·D(m,r,t), found through what the
  stockpiles component registers as relaxable of kind "obligation" with its (country, mineral,
  year): they exist for o(k) ≤ t < first(m,ω), so a scenario that disrupts m from year t0 drops
  those of m from t0 on (row lower bound −inf, restored for the next scenario).

Why nothing else in one scenario's model changes with the scenario (revision 3 of model.md).
The model is built for the certain part of the case, and a sampled scenario's δ includes the
certain disruptions (the largest share applies), so its δ ≥ the certain δ and its first(m,ω) ≤
the certain one: a scenario only tightens bounds (6) and drops obligation rows (12). Hence

- the prunings of `planner.models.data` made for the certain δ stay exact: e(x,m,t) is left out
  where (1 − δ)·Av = 0 and stays 0 when δ grows; a supply-cap row (13) left out because
  κ·ΣD ≥ (1 − δ)·Av is still implied by (6) when (1 − δ)·Av shrinks; no obligation row is
  needed that the certain model lacks;
- supply caps (13) read κ(x,m,t) and demand only; closed stockpiles (14) read Countries and the
  plan's sites and offers; the release rule (7) reads no data; none depends on the scenario;
- the budgets (11, 16) constrain the first stage only, which evaluation fixes (the adapter
  leaves them out, so that a plan read from a workbook is not refused over a rounded dollar);
- the scenario tree (15) of a single scenario has one node per year: each sampled scenario is
  evaluated on its own, as a full solve of that scenario with the first stage fixed would be.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry
from pyomo.core.base.constraint import ConstraintData

Key3 = tuple[str, str, int]


@dataclass(frozen=True)
class FirstStageColumns:
    """HiGHS columns of the first-stage variables, by key."""

    build: dict[tuple[str, int], int]  # y(s,t)
    capacity: dict[tuple[str, int], int]  # x(s,t)
    offer: dict[str, int]  # z(o)
    purchase: dict[tuple[str, str, int], int]  # p, key (country, mineral, year)


@dataclass(frozen=True)
class ScenarioColumns:
    """The columns whose bounds or costs a scenario sets, with what they are computed from."""

    supply_columns: np.ndarray
    supply_keys: list[Key3]  # (x, m, t) of each supply column
    available: np.ndarray  # Av(x,m,t)
    supply_base_cost: np.ndarray  # d(t)·f(x,m,t)·P(m,t): times μ(m,t,ω) is the cost
    offer_columns: np.ndarray
    offer_names: list[str]
    terminal_columns: np.ndarray
    terminal_minerals: list[str]
    terminal_holding: np.ndarray  # d(end)·h(m)
    terminal_base_credit: np.ndarray  # d(end)·φ'(m)·P(m,end): times μ(m,end,ω) is the credit
    shortage_columns: np.ndarray
    shortage_keys: list[Key3]  # (m, r, t)
    shortage_bound: np.ndarray  # (1 − c(m))·D(m,r,t): the coverage bound (10)
    demand: np.ndarray  # D(m,r,t)
    shortage_cost: np.ndarray  # d(t)·u(m)


def first_stage_columns(
    model: pyo.ConcreteModel, column_of: Mapping[int, int]
) -> FirstStageColumns:
    """The columns of y, x, z and p (variables the compiler left out are not listed)."""

    def columns(var: pyo.Var) -> dict:
        return {key: column_of[id(v)] for key, v in var.items() if id(v) in column_of}

    purchase = {(r, m, t): j for (m, r, t), j in columns(model.p).items()}
    return FirstStageColumns(columns(model.y), columns(model.x), columns(model.z), purchase)


def scenario_columns(
    model: pyo.ConcreteModel, data: ModelData, column_of: Mapping[int, int]
) -> ScenarioColumns:
    """The scenario-dependent columns of a single-scenario model built from `data`."""
    case = data.case
    end = data.end_year
    (scenario,) = data.scenarios
    supply = [(key[:3], column_of[id(v)]) for key, v in model.e.items() if id(v) in column_of]
    keys = [k for k, _ in supply]
    available = [case.supply[k].available if k in case.supply else 0.0 for k in keys]
    base = [
        data.discount[t]
        * (case.supply[x, m, t].price_factor if (x, m, t) in case.supply else 1.0)
        * case.price[m, t]
        for x, m, t in keys
    ]
    offers = [(o, column_of[id(v)]) for o, v in model.z.items() if id(v) in column_of]
    terminal = [
        (m, column_of[id(v)])
        for (m, _r, t, _w), v in model.inv.items()
        if t == end and id(v) in column_of
    ]
    d_end = data.discount[end]
    short = [
        ((m, r, t), column_of[id(v)])
        for (m, r, t, _w), v in model.short.items()
        if id(v) in column_of
    ]
    coverage = {m: mineral.coverage for m, mineral in case.minerals.items()}
    penalty = {m: mineral.shortage_penalty for m, mineral in case.minerals.items()}
    del scenario
    return ScenarioColumns(
        supply_columns=np.array([j for _, j in supply], dtype=np.int32),
        supply_keys=keys,
        available=np.array(available, dtype=float),
        supply_base_cost=np.array(base, dtype=float),
        offer_columns=np.array([j for _, j in offers], dtype=np.int32),
        offer_names=[o for o, _ in offers],
        terminal_columns=np.array([j for _, j in terminal], dtype=np.int32),
        terminal_minerals=[m for m, _ in terminal],
        terminal_holding=np.array(
            [d_end * case.minerals[m].holding_cost for m, _ in terminal], dtype=float
        ),
        terminal_base_credit=np.array(
            [d_end * data.terminal_fraction[m] * case.price[m, end] for m, _ in terminal],
            dtype=float,
        ),
        shortage_columns=np.array([j for _, j in short], dtype=np.int32),
        shortage_keys=[k for k, _ in short],
        shortage_bound=np.array(
            [(1.0 - coverage[m]) * data.demand(m, r, t) for (m, r, t), _ in short], dtype=float
        ),
        demand=np.array([data.demand(m, r, t) for (m, r, t), _ in short], dtype=float),
        shortage_cost=np.array(
            [data.discount[t] * penalty[m] for (m, _r, t), _ in short], dtype=float
        ),
    )


@dataclass(frozen=True)
class ObligationRows:
    """HiGHS rows of the stock obligations (12), each with its mineral, year and lower bound."""

    rows: np.ndarray
    keys: list[Key3]  # (country, mineral, year) of each row
    minerals: list[str]
    years: np.ndarray
    required: np.ndarray  # n(k)/365·D(m,r,t), the row's lower bound in the certain model


def obligation_rows(registry: Registry, row_of: Callable[[ConstraintData], int]) -> ObligationRows:
    """The obligation rows (12) the stockpiles component registered for the diagnosis."""
    found = [
        ((item.country, item.mineral, int(item.year)), row_of(item.row), item.row.lower)
        for item in registry.relaxable
        if item.kind == "obligation" and item.year is not None
    ]
    return ObligationRows(
        rows=np.array([row for _, row, _ in found], dtype=np.int32),
        keys=[key for key, _, _ in found],
        minerals=[key[1] for key, _, _ in found],
        years=np.array([key[2] for key, _, _ in found], dtype=np.int64),
        required=np.array([float(pyo.value(lower)) for _, _, lower in found], dtype=float),
    )


def offer_costs(
    data: ModelData, names: list[str], multiplier: Mapping[tuple[str, int], float]
) -> np.ndarray:
    """Σ_{t ∈ A(o)} d(t)·v(o)·π_cfd(o,t,ω) per offer, with P(m,t,ω) = P(m,t)·μ(m,t)."""
    case = data.case
    costs = np.zeros(len(names))
    for i, o in enumerate(names):
        offer = case.offers[o]
        total = 0.0
        for t in data.offer_years[o]:
            price = case.price[offer.mineral, t] * multiplier.get((offer.mineral, t), 1.0)
            strike = max(offer.strike, price) if offer.kind == "floor" else offer.strike
            total += data.discount[t] * offer.volume * strike
        costs[i] = total
    return costs


def pool_rows(model: pyo.ConcreteModel, row_of: object) -> list[tuple[tuple[str, int], int]]:
    """((m, t), HiGHS row) of each pool balance row (9) Σ inflow + Σ p − Σ e − Σ outflow ≤ 0."""
    return [((m, t), row_of(c)) for (m, t, _w), c in model.pool.items()]  # type: ignore[operator]
