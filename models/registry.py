"""What the components register while a model is declared, so that nobody else names their parts.

Components register terms and rows instead of reaching into each other's variables:

- the country balance (8): the supply terms of every (m, r, t), per node of the scenario tree or
  in all nodes (first-stage terms such as CfD volumes);
- a closed member's own output and contracted volumes, which bound its outflow (14);
- the pool balance (9): draws on the pool that are first-stage decisions (stockpile purchases);
- the cost of each scenario, split into the named components of `planner.outcome.COST_COMPONENTS`,
  with discount factors already applied; constants (fixed O&M of existing capacity) included.
  A term belongs to a *scope*: every scenario (None), or the tuple of scenarios it counts in
  (one scenario, or the scenarios of a tree node). A term that belongs to one first-stage
  decision carries its *item* (a site or an offer name), for `item_costs`;
- first-stage spending at base prices, undiscounted, with its kind, country, mineral, item and
  year: what the budgets (11, 16) cap and what `Outcome.spending` reports;
- the integer columns and the exclusive choices they make up (for the warm start), the rows
  counted in USD (scaled by the hand-off) and the rows that the infeasibility diagnosis may
  relax, each with the words that name it for people.

`coverage` builds (8), `budget` builds (11, 16) and `objective` builds Cost(ω) from whatever was
registered, so a new component never edits another one; the hand-off, the diagnosis and the solve
work from the registry alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.base.var import IndexedVar, VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import InequalityExpression, RangedExpression

from planner.outcome import COST_COMPONENTS

Term = tuple[float, VarData]
Scope = tuple[str, ...] | None  # None: every scenario
RelaxKind = Literal["coverage", "budget", "obligation", "supply_cap", "member_budget"]


def by_index(var: IndexedVar) -> dict[Any, VarData]:
    """The variable's members in a plain dict: a lookup without Pyomo's index normalisation."""
    return dict(var.items())


def linear(terms: Iterable[Term]) -> LinearExpression:
    """A Pyomo linear expression Σ coef·var built without operator overloading (fast)."""
    return LinearExpression(list(map(MonomialTermExpression, terms)))


# A row's relation, built as the object Pyomo makes of a (lower, body, upper) tuple but without
# passing through its general `inequality` (its checks and dispatch cost as much per row as the
# rest of the row's construction; an equality row, lower = upper, costs twice that).


def at_most(terms: Iterable[Term], upper: float) -> InequalityExpression:
    """Σ coef·var ≤ upper: the row Pyomo makes of (None, linear(terms), upper)."""
    return InequalityExpression((linear(terms), upper), False)


def at_least(lower: float, terms: Iterable[Term]) -> InequalityExpression:
    """Σ coef·var ≥ lower: the row Pyomo makes of (lower, linear(terms), None)."""
    return InequalityExpression((lower, linear(terms)), False)


def equal(terms: Iterable[Term], value: float) -> RangedExpression:
    """Σ coef·var = value: the row Pyomo makes of (value, linear(terms), value)."""
    return RangedExpression((value, linear(terms), value), (False, False))


@dataclass(frozen=True)
class Spend:
    """One first-stage spending term: coefficient (USD at base prices) times a variable."""

    kind: str  # "capex" or "stockpile"
    country: str
    mineral: str
    item: str  # the site's name for capex, "" for purchases
    year: int
    coef: float
    var: VarData


@dataclass(frozen=True)
class Relaxable:
    """A row the diagnosis may relax, with the words that describe it.

    `sign` is +1 for a ≥ row (a slack adds to its activity) and −1 for a ≤ row (a slack adds to
    its right-hand side). `unit` says which lexicographic phase minimises the slack: tonnes
    first, then USD (see `planner.diagnose`). `scale` is the size the slack is measured against
    (demand, cap, budget), for the reporting threshold.
    """

    row: ConstraintData
    kind: RelaxKind
    unit: Literal["t", "USD"]
    sign: float
    scenarios: tuple[str, ...] = ()
    mineral: str = ""
    country: str = ""
    year: int | None = None
    source: str = ""
    scale: float = 1.0


class Registry:
    """Terms and rows registered by the components while a model is declared."""

    def __init__(self, scenarios: Iterable[str]) -> None:
        self.scenarios = tuple(scenarios)
        # Country balance (8): (m, r, t) -> terms in every node; (m, r, t, node) -> own terms.
        self.balance_shared: defaultdict[tuple[str, str, int], list[Term]] = defaultdict(list)
        self.balance: defaultdict[tuple[str, str, int, str], list[Term]] = defaultdict(list)
        # What a closed member (14) refines or contracts: (m, r, t, node) / (m, r, t) -> terms.
        self.produced: defaultdict[tuple[str, str, int, str], list[Term]] = defaultdict(list)
        self.produced_shared: defaultdict[tuple[str, str, int], list[Term]] = defaultdict(list)
        # Pool balance (9): (m, t) -> first-stage draws on the pool, the same in every node.
        self.pool_draws: defaultdict[tuple[str, int], list[Term]] = defaultdict(list)
        # Cost: component -> (scope, item) -> terms; component -> scope -> constant.
        self._costs: dict[str, dict[tuple[Scope, str], list[Term]]] = {
            c: {} for c in COST_COMPONENTS
        }
        self._constants: dict[str, dict[Scope, float]] = {c: {} for c in COST_COMPONENTS}
        self.spending: list[Spend] = []
        self.integers: list[VarData] = []
        # Exclusive choices: groups of binaries of which at most one is 1 (a site's build years,
        # an offer group's rungs), for the warm start's rounding (`planner.warmstart`).
        self.choices: list[list[VarData]] = []
        self.usd_rows: list[ConstraintData] = []
        self.relaxable: list[Relaxable] = []

    # Costs.

    def cost(self, component: str, scope: Scope = None, item: str = "") -> list[Term]:
        """The term list of one cost component in `scope` (of decision `item`) to extend."""
        return self._costs[component].setdefault((scope, item), [])

    def add_constant(self, component: str, amount: float, scope: Scope = None) -> None:
        """Add a constant (discounted USD) to a cost component."""
        constants = self._constants[component]
        constants[scope] = constants.get(scope, 0.0) + amount

    def scoped_costs(self) -> dict[Scope, tuple[list[Term], float]]:
        """Every scope's terms (duplicates possible) and constant, over all components."""
        scoped: dict[Scope, tuple[list[Term], float]] = {}
        for component in COST_COMPONENTS:
            for (scope, _item), terms in self._costs[component].items():
                scoped.setdefault(scope, ([], 0.0))[0].extend(terms)
            for scope, amount in self._constants[component].items():
                terms, constant = scoped.setdefault(scope, ([], 0.0))
                scoped[scope] = (terms, constant + amount)
        return scoped

    def scenario_costs(self) -> dict[str, tuple[list[Term], float]]:
        """The terms (duplicates possible) and constant of Cost(ω) for every scenario ω."""
        costs: dict[str, tuple[list[Term], float]] = {w: ([], 0.0) for w in self.scenarios}
        for scope, (own, amount) in self.scoped_costs().items():
            for w in self.scenarios if scope is None else scope:
                terms, constant = costs[w]
                terms.extend(own)
                costs[w] = (terms, constant + amount)
        return costs

    def evaluate(self, value: Callable[[VarData], float]) -> pd.DataFrame:
        """Cost(ω) and its split per scenario, with variables valued by `value`.

        Columns: scenario, one per COST_COMPONENTS entry, cost. Each scope is evaluated once
        and added to every scenario it counts in.
        """
        table = pd.DataFrame(0.0, index=list(self.scenarios), columns=list(COST_COMPONENTS))
        for component in COST_COMPONENTS:
            column = table[component].to_numpy(copy=True)
            position = {w: i for i, w in enumerate(self.scenarios)}
            amounts: dict[Scope, float] = defaultdict(float)
            for (scope, _item), terms in self._costs[component].items():
                amounts[scope] += sum(coef * value(var) for coef, var in terms)
            for scope, amount in self._constants[component].items():
                amounts[scope] += amount
            for scope, amount in amounts.items():
                for w in self.scenarios if scope is None else scope:
                    column[position[w]] += amount
            table[component] = column
        table.insert(0, "scenario", list(self.scenarios))
        table = table.reset_index(drop=True)
        table["cost"] = table[list(COST_COMPONENTS)].sum(axis=1)
        return table

    def cost_components_of(self, var: VarData) -> list[str]:
        """The cost components with a term in `var`, in report order: the words for a message
        about that column's cost (a scan of every term, for the rare error only)."""
        return [
            component
            for component in COST_COMPONENTS
            if any(v is var for terms in self._costs[component].values() for _, v in terms)
        ]

    def item_costs(self, value: Callable[[VarData], float]) -> pd.DataFrame:
        """scenario, component, item, amount: the cost terms of each first-stage decision."""
        rows = []
        for component in COST_COMPONENTS:
            for (scope, item), terms in self._costs[component].items():
                if not item:
                    continue
                amount = sum(coef * value(var) for coef, var in terms)
                for w in self.scenarios if scope is None else scope:
                    rows.append((w, component, item, amount))
        return pd.DataFrame(rows, columns=["scenario", "component", "item", "amount"])

    # First-stage spending.

    def spend(
        self, kind: str, country: str, mineral: str, item: str, year: int, coef: float, var: VarData
    ) -> None:
        """Register coef·var USD of first-stage spending at base prices."""
        self.spending.append(Spend(kind, country, mineral, item, year, coef, var))

    def spending_table(self, value: Callable[[VarData], float]) -> pd.DataFrame:
        """kind, country, mineral, item, year, amount: the spending terms at the plan, summed."""
        sums: dict[tuple[str, str, str, str, int], float] = defaultdict(float)
        for spend in self.spending:
            key = (spend.kind, spend.country, spend.mineral, spend.item, spend.year)
            sums[key] += spend.coef * value(spend.var)
        return pd.DataFrame(
            [(*key, amount) for key, amount in sums.items()],
            columns=["kind", "country", "mineral", "item", "year", "amount"],
        )
