"""First-stage decisions as columns of the compiled model: what `planner value` changes.

This is the one place outside the components that names model variables and rows, so that the
value analysis (`planner.value`) speaks of sites, offers and minerals only. It declares nothing;
it maps, for a built model and its column map (id(variable) -> column of the solver):

- a site s to its build columns y(s,·), x(s,·) and its one-build row (1): forbidding s sets the
  upper bounds of y(s,·) and x(s,·) to 0; forcing s in sets the lower bound of row (1) to 1
  (Σ_t y(s,t) ≥ 1: any year, any allowed size, constraint 2 still applies);
- an offer o to its column z(o): refusing sets the upper bound to 0 (the other rungs of its group
  stay allowed), forcing sets the lower bound to 1 (constraint 3 then keeps the other rungs out);
- a mineral m to its purchase columns p(m,·,·): "no stockpile programme" sets their upper bounds 0;
- every first-stage variable (y, x, z, p) to a key that does not depend on the column order, so
  that a plan found in one model (a single scenario, the mean scenario) can be fixed in another.

`start_values` gives the columns that turn the plan into a feasible plan that takes a decision in
(an offer whose ladder has no accepted rung), for a warm start of the forced re-solve.

Each change is returned as a `Change` (column bounds and row bounds to set, with the values to
restore), which the solver adapter applies in place and undoes after the re-solve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pyomo.environ as pyo
from planner.models.data import ModelData
from pyomo.core.base.var import VarData

DecisionKind = Literal["site", "offer", "stockpile"]
# A first-stage variable independent of the column order: (variable name, index).
StageKey = tuple[str, Any]
FIRST_STAGE = ("y", "x", "z", "p")


@dataclass(frozen=True)
class Decision:
    """One first-stage decision: a candidate site, a CfD offer, or a mineral's purchases."""

    kind: DecisionKind
    name: str  # site name, offer name, or mineral name for a stockpile programme


@dataclass
class Change:
    """Bounds to set on columns and rows of the solver's model (lower, upper per entry)."""

    columns: dict[int, tuple[float, float]] = field(default_factory=dict)
    rows: dict[Any, tuple[float, float]] = field(default_factory=dict)  # constraint -> bounds


def candidate_decisions(data: ModelData) -> list[Decision]:
    """Every first-stage decision of the case: sites with build years, offers, minerals bought."""
    decisions = [Decision("site", s) for s in data.build_years]
    decisions += [Decision("offer", o) for o in data.case.offers]
    minerals = dict.fromkeys(m for _, m in data.places)
    decisions += [Decision("stockpile", m) for m in minerals]
    return decisions


def _columns(variables: list[VarData], column_of: Mapping[int, int]) -> list[int]:
    return [column_of[id(v)] for v in variables if id(v) in column_of]


def site_columns(model: pyo.ConcreteModel, data: ModelData, site: str) -> tuple[list, list]:
    """The variables y(s,t) and x(s,t) of `site` over its build years."""
    years = data.build_years.get(site, ())
    return [model.y[site, t] for t in years], [model.x[site, t] for t in years]


def forbid(
    model: pyo.ConcreteModel, data: ModelData, decision: Decision, column_of: Mapping[int, int]
) -> Change:
    """The change that rules `decision` out (site not built, offer refused, no purchases)."""
    change = Change()
    if decision.kind == "site":
        y, x = site_columns(model, data, decision.name)
        variables = y + x
    elif decision.kind == "offer":
        variables = [model.z[decision.name]]
    else:
        variables = purchase_variables(model, data, decision.name)
    for j in _columns(variables, column_of):
        change.columns[j] = (0.0, 0.0)
    return change


def force(
    model: pyo.ConcreteModel, data: ModelData, decision: Decision, column_of: Mapping[int, int]
) -> Change:
    """The change that makes `decision` happen: a site built (any year), an offer accepted."""
    change = Change()
    if decision.kind == "site":
        change.rows[model.one_build[decision.name]] = (1.0, 1.0)
    elif decision.kind == "offer":
        for j in _columns([model.z[decision.name]], column_of):
            change.columns[j] = (1.0, 1.0)
    else:
        raise ValueError("a stockpile programme is only ever removed, not forced")
    return change


def start_values(
    model: pyo.ConcreteModel,
    data: ModelData,
    decision: Decision,
    column_of: Mapping[int, int],
    value: Callable[[VarData], float],
) -> dict[int, float] | None:
    """Columns to change in a plan (valued by `value`) to take `decision` in and stay feasible.

    An offer is added when no other rung of its group is accepted: its volume only loosens (8),
    and (3) holds. None elsewhere: taking a decision away, a rung that replaces another, and a
    site (the plan plus the site at its minimum size is feasible, but on the bundled case that
    start made HiGHS slower, 32.9 s against 28.1 s over the forced sites and offers, all of the
    loss on sites; offers alone gained about 10%).
    """
    if decision.kind == "offer":
        group = data.groups[data.case.offers[decision.name].group]
        if any(round(value(model.z[o])) == 1 for o in group):
            return None
        z = model.z[decision.name]
        return {column_of[id(z)]: 1.0} if id(z) in column_of else None
    return None


def purchase_variables(model: pyo.ConcreteModel, data: ModelData, mineral: str) -> list[VarData]:
    """p(m,r,t) of every stockpile place of `mineral` and every year."""
    return [model.p[mineral, r, t] for r, m in data.places if m == mineral for t in data.years]


def first_stage(model: pyo.ConcreteModel) -> dict[StageKey, VarData]:
    """Every first-stage variable by its order-independent key."""
    variables: dict[StageKey, VarData] = {}
    for name in FIRST_STAGE:
        for index, var in getattr(model, name).items():
            variables[name, index] = var
    return variables


def first_stage_values(model: pyo.ConcreteModel, value: Callable[[VarData], float]) -> dict:
    """The plan's first stage as {key: value}, binaries rounded."""
    values = {}
    for key, var in first_stage(model).items():
        number = float(value(var))
        values[key] = float(round(number)) if key[0] in ("y", "z") else max(number, 0.0)
    return values


def fix_first_stage(
    model: pyo.ConcreteModel, values: Mapping[StageKey, float], column_of: Mapping[int, int]
) -> Change:
    """The change that fixes every first-stage variable at `values` (missing keys: 0)."""
    change = Change()
    for key, var in first_stage(model).items():
        j = column_of.get(id(var))
        if j is None:
            continue
        number = values.get(key, 0.0)
        lower, upper = var.bounds
        if upper is not None:
            number = min(number, upper)
        if lower is not None:
            number = max(number, lower)
        change.columns[j] = (number, number)
    return change


def build_year(
    model: pyo.ConcreteModel, data: ModelData, site: str, value: Callable[[VarData], float]
) -> tuple[int, float] | None:
    """(year, new capacity) of `site` in a solution, or None when it is not built."""
    for t in data.build_years.get(site, ()):
        if round(value(model.y[site, t])) == 1:
            return t, float(value(model.x[site, t]))
    return None


def in_plan(
    model: pyo.ConcreteModel,
    data: ModelData,
    decision: Decision,
    value: Callable[[VarData], float],
) -> bool:
    """Whether a solution takes `decision`: site built, offer accepted, any purchase of m."""
    if decision.kind == "site":
        return build_year(model, data, decision.name, value) is not None
    if decision.kind == "offer":
        return round(value(model.z[decision.name])) == 1
    return any(value(p) > 1e-9 for p in purchase_variables(model, data, decision.name))
