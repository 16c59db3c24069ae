"""Objective: expected discounted cost, optionally blended with CVaR.

Cost(ω) is the sum of every cost term and constant the components registered that counts in ω
(first-stage terms in every scenario, a node's terms in each of the node's scenarios). The
objective is (1 − λ)·Σ_ω π(ω)·Cost(ω) + λ·CVaR_α with CVaR_α = η + 1/(1 − α)·Σ_ω π(ω)·ζ(ω),
ζ(ω) ≥ Cost(ω) − η, ζ ≥ 0, η free. In the expected part a term is weighted by the total
probability of the scenarios it counts in, and duplicates are collapsed so that the objective
has one coefficient per column.

Declares ``objective`` and, only when λ > 0, ``eta``, ``zeta[ω]`` and ``cvar_excess[ω]``
(ζ(ω) + η − Cost(ω) ≥ 0, the constant of Cost(ω) moved to the right-hand side, a USD row the
hand-off scales). The objective includes its constant (fixed O&M of existing capacity), so its
value is the full objective. `extract` gives the plan's ``cvar`` table.
"""

from __future__ import annotations

from itertools import compress
from operator import itemgetter

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, Term, at_least
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

_coef, _var = itemgetter(0), itemgetter(1)


def collapse(parts: list[tuple[float, list[Term]]]) -> list[Term]:
    """Σ scale·terms over `parts` with one term per variable, in order of first appearance.

    Done in bulk (C-level maps and numpy over the variables' ids): the objective holds about one
    term per column, and a Python pass per term would cost as much as building the terms.
    """
    coefs: list[np.ndarray] = []
    variables: list[VarData] = []
    for scale, terms in parts:
        if terms:
            coefs.append(np.fromiter(map(_coef, terms), dtype=float, count=len(terms)) * scale)
            variables.extend(map(_var, terms))
    if not variables:
        return []
    weights = np.concatenate(coefs)
    ids = list(map(id, variables))
    n = len(ids)
    first = dict(zip(reversed(ids), range(n - 1, -1, -1), strict=True))  # id -> first position
    if len(first) == n:
        return list(zip(weights.tolist(), variables, strict=True))
    inverse = np.fromiter(map(first.__getitem__, ids), dtype=np.int64, count=n)
    sums = np.bincount(inverse, weights=weights, minlength=n)
    keep = np.zeros(n, dtype=bool)
    keep[inverse] = True
    return list(zip(sums[keep].tolist(), compress(variables, keep.tolist()), strict=True))


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add the objective (and the CVaR auxiliaries when λ > 0)."""
    weight = data.case.settings.cvar_weight
    scoped = registry.scoped_costs()
    probability = data.probability

    expected = 1.0 - weight
    parts: list[tuple[float, list[Term]]] = []
    offset = 0.0
    if expected:
        for scope, (own, constant) in scoped.items():
            mass = data.total_probability if scope is None else sum(probability[w] for w in scope)
            scale = expected * mass
            if scale:
                parts.append((scale, own))
                offset += scale * constant

    terms = collapse(parts)
    if weight > 0:
        _cvar(model, data, registry, terms)

    monomials = list(map(MonomialTermExpression, terms))
    model.objective = pyo.Objective(
        expr=LinearExpression([offset, *monomials] if offset else monomials),
        sense=pyo.minimize,
    )


def _cvar(model: pyo.ConcreteModel, data: ModelData, registry: Registry, terms: list) -> None:
    """η, ζ and the rows ζ(ω) + η − Cost(ω) ≥ constant; their objective terms go to `terms`."""
    settings = data.case.settings
    weight, alpha = settings.cvar_weight, settings.cvar_alpha
    cost = registry.scenario_costs()
    model.eta = pyo.Var(domain=pyo.Reals)
    model.zeta = pyo.Var(list(data.scenarios), domain=pyo.NonNegativeReals)
    eta, zeta = model.eta, model.zeta

    def cvar_excess(_: pyo.ConcreteModel, w: str) -> object:
        """ζ(ω) + η − Cost(ω) ≥ constant of Cost(ω)."""
        own, constant = cost[w]
        excess = collapse([(-1.0, own)])
        return at_least(constant, [(1.0, zeta[w]), (1.0, eta), *excess])

    model.cvar_excess = pyo.Constraint(list(data.scenarios), rule=cvar_excess)
    registry.usd_rows.extend(model.cvar_excess.values())
    terms.append((weight, eta))
    terms.extend((weight * data.probability[w] / (1.0 - alpha), zeta[w]) for w in data.scenarios)


def extract(model: pyo.ConcreteModel, data: ModelData) -> dict[str, pd.DataFrame]:
    """η and ζ(ω) when CVaR is in the objective (an empty table otherwise)."""
    if data.case.settings.cvar_weight <= 0:
        return {"cvar": pd.DataFrame(columns=["scenario", "eta", "zeta"])}
    cvar = pd.DataFrame(
        [(w, model.eta.value, model.zeta[w].value) for w in data.scenarios],
        columns=["scenario", "eta", "zeta"],
    )
    return {"cvar": cvar}
