"""Shared sums that several components contribute to and one component adds up.

Components register terms instead of reaching into each other's variables:

- the country balance (8): the supply terms of every (m, r, t), per scenario or in all scenarios;
- the pool balance (9): draws on the pool that are first-stage decisions (stockpile purchases);
- the cost of each scenario, split into the named components of `planner.outcome.COST_COMPONENTS`,
  with discount factors already applied; constants (fixed O&M of existing capacity) included;
- first-stage spending at base prices, undiscounted, by kind: what the budget (11) caps.

`coverage` builds (8) and `objective` builds Cost(ω) from whatever was registered, so a new
component never edits another one, and the per-scenario cost split after a solve is the same
registered terms evaluated at the solution.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from pyomo.core.base.var import IndexedVar, VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from planner.outcome import COST_COMPONENTS

Term = tuple[float, VarData]


def by_index(var: IndexedVar) -> dict[Any, VarData]:
    """The variable's members in a plain dict: a lookup without Pyomo's index normalisation."""
    return dict(var.items())


def linear(terms: Iterable[Term]) -> LinearExpression:
    """A Pyomo linear expression Σ coef·var built without operator overloading (fast)."""
    return LinearExpression(list(map(MonomialTermExpression, terms)))


class Registry:
    """Terms registered by the components while a model is declared."""

    def __init__(self, scenarios: Iterable[str]) -> None:
        self.scenarios = tuple(scenarios)
        # Country balance (8): (m, r, t) -> terms in every scenario; (m, r, t, ω) -> own terms.
        self.balance_shared: defaultdict[tuple[str, str, int], list[Term]] = defaultdict(list)
        self.balance: defaultdict[tuple[str, str, int, str], list[Term]] = defaultdict(list)
        # Pool balance (9): (m, t) -> first-stage draws on the pool, the same in every scenario.
        self.pool_draws: defaultdict[tuple[str, int], list[Term]] = defaultdict(list)
        # Cost: component -> scenario (None = every scenario) -> terms / constant.
        self._costs: dict[str, dict[str | None, list[Term]]] = {c: {} for c in COST_COMPONENTS}
        self._constants: dict[str, dict[str | None, float]] = {c: {} for c in COST_COMPONENTS}
        # First-stage spending at base prices: kind ("capex", "stockpile") -> terms.
        self.spending: defaultdict[str, list[Term]] = defaultdict(list)

    def cost(self, component: str, scenario: str | None = None) -> list[Term]:
        """The term list of one cost component (in `scenario`, or in every scenario) to extend."""
        return self._costs[component].setdefault(scenario, [])

    def add_constant(self, component: str, amount: float, scenario: str | None = None) -> None:
        """Add a constant (discounted USD) to a cost component."""
        constants = self._constants[component]
        constants[scenario] = constants.get(scenario, 0.0) + amount

    def shared_cost(self) -> tuple[list[Term], float]:
        """The terms and constant that every scenario's cost shares (first-stage decisions)."""
        terms: list[Term] = []
        constant = 0.0
        for component in COST_COMPONENTS:
            terms.extend(self._costs[component].get(None, ()))
            constant += self._constants[component].get(None, 0.0)
        return terms, constant

    def own_cost(self, scenario: str) -> tuple[list[Term], float]:
        """The terms and constant of Cost(ω) that belong to scenario ω alone."""
        terms: list[Term] = []
        constant = 0.0
        for component in COST_COMPONENTS:
            terms.extend(self._costs[component].get(scenario, ()))
            constant += self._constants[component].get(scenario, 0.0)
        return terms, constant

    def evaluate(self, value: Callable[[VarData], float]) -> pd.DataFrame:
        """Cost(ω) and its split per scenario, with variables valued by `value`.

        Columns: scenario, one per COST_COMPONENTS entry, cost.
        """

        def total(terms: Iterable[Term]) -> float:
            return sum(coef * value(var) for coef, var in terms)

        rows = []
        for w in self.scenarios:
            row: dict[str, object] = {"scenario": w}
            for component in COST_COMPONENTS:
                costs, constants = self._costs[component], self._constants[component]
                row[component] = (
                    total(costs.get(None, ()))
                    + total(costs.get(w, ()))
                    + constants.get(None, 0.0)
                    + constants.get(w, 0.0)
                )
            rows.append(row)
        table = pd.DataFrame(rows, columns=["scenario", *COST_COMPONENTS])
        table["cost"] = table[list(COST_COMPONENTS)].sum(axis=1)
        return table
