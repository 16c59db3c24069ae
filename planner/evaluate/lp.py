"""The second stage of one plan, re-solved per scenario in one HiGHS instance.

The single-scenario model of the case (its certain disruptions only) is built and compiled once;
the first-stage columns are fixed at the plan and made continuous, which leaves an LP. A scenario
then changes only bounds and costs (`planner.models.evaluation` lists them): the external-supply
bounds (1 − δ)·Av and costs d·f·P·μ, the offers' costs, the end-of-horizon inventory's
terminal credit, and the stock obligations (12), whose rows of mineral m are dropped (lower
bound −inf) from the scenario's first year disrupting m, first(m,ω), and restored afterwards.
HiGHS re-solves from the previous basis, which is why evaluation is fast.

Three kinds of columns are added to the LP so that every scenario has an answer:

- beyond coverage, beside each short(m,r,t): shortage above the coverage bound (10), up to the
  whole demand, at the shortage penalty plus `BEYOND`; a scenario in which it is positive is one
  whose coverage the plan cannot keep (reported with its mineral, country and year);
- not found, on each pool row (9): planned stockpile purchases that the scenario's supply cannot
  deliver, at most the year's planned purchases of the mineral, at twice `BEYOND` per tonne (the
  members' demand comes first); the stock is then counted as if it had arrived, and the tonnes
  are reported;
- below obligation, on each stock obligation row (12): stock held below n(k)/365·D(m,r,t) before
  first(m,ω), at most the obligation, at `BEYOND` per tonne (cheaper than a tonne beyond coverage:
  the stock is there for the members' demand). A plan solved on scenarios that all disrupt m early
  may not have bought the stock that a later-disrupted scenario must hold; such tonnes are
  reported with their mineral, country and year instead of the scenario failing.

`BEYOND` (`Evaluator.beyond`: 100 times the largest cost coefficient) is far above every cost
of the model per tonne, so these columns are used only where nothing else can fill the gap.
The reported cost Cost(ω) counts tonnes beyond coverage at the shortage penalty, like any
shortage, and tonnes not found or below obligation at nothing (they are reported apart).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np

from planner.case import Case
from planner.evaluate.adapter import compile_single_scenario
from planner.evaluate.first_stage import FirstStage
from planner.models.evaluation import ScenarioColumns, offer_costs

__all__ = ["Evaluator", "ScenarioResult"]

_TOLERANCE = 1e-6


@dataclass(frozen=True)
class ScenarioResult:
    """The plan's cost in one scenario and what it could not cover."""

    cost: float  # Cost(ω), discounted USD
    status: str  # "optimal", or HiGHS's status when the LP did not solve
    # (mineral, country, year) -> tonnes short beyond the coverage bound.
    beyond_coverage: dict[tuple[str, str, int], float]
    # (mineral, year) -> planned purchases the scenario's supply could not deliver, t.
    not_found: dict[tuple[str, int], float]
    # (mineral, country, year) -> stock held below the obligation (12), t.
    below_obligation: dict[tuple[str, str, int], float] = field(default_factory=dict)


def _positive(values: np.ndarray) -> list[int]:
    """Positions of the values above the tolerance (few: most scenarios have none)."""
    return np.flatnonzero(values > _TOLERANCE).tolist()


class Evaluator:
    """One plan on one case, ready to be evaluated scenario after scenario."""

    def __init__(self, certain: Case, plan: FirstStage) -> None:
        model = compile_single_scenario(certain)
        self._model = model
        self._highs = highs = model.highs
        highs.setOptionValue("threads", 1)
        self._fix(plan)
        self._accepted = [o for o in model.scenario.offer_names if o in plan.accepted]
        self._positions = _ScenarioPositions.of(model.scenario, model.data.end_year)
        # The fixed columns' costs are constants: taken out of the LP (a fixed capex of 1e9
        # would otherwise set the LP's cost range) and added back to each scenario's cost.
        costs = np.asarray(highs.getLp().col_cost_)
        fixed_columns = np.array(sorted(self._fixed), dtype=np.int32)
        values = np.array([self._fixed[j] for j in fixed_columns])
        # The offers' costs depend on the scenario's prices: `offer_costs` adds them per scenario.
        constant = ~np.isin(fixed_columns, model.scenario.offer_columns)
        self._fixed_cost = float(costs[fixed_columns][constant] @ values[constant])
        if len(fixed_columns):
            highs.changeColsCost(len(fixed_columns), fixed_columns, np.zeros(len(fixed_columns)))
        costs[fixed_columns] = 0.0
        self.beyond = 100.0 * max(1.0, float(np.abs(costs).max(initial=0.0)))
        self._beyond_start = highs.getNumCol()
        self._add_beyond_coverage()
        self._not_found_start = highs.getNumCol()
        self._add_not_found(plan)
        # The obligations' lower bounds as HiGHS holds them (rows may be scaled), to restore.
        self._obligation_held = np.asarray(highs.getLp().row_lower_)[model.obligations.rows]
        self._obligation_lower = self._obligation_held.copy()
        self._below_start = highs.getNumCol()
        self._add_below_obligation()

    def _fix(self, plan: FirstStage) -> None:
        """First-stage columns at the plan's values; integers relaxed (they are fixed)."""
        highs, first = self._highs, self._model.first_stage
        integers = np.array(self._model.integer_columns, dtype=np.int32)
        if len(integers):
            highs.changeColsIntegrality(
                len(integers),
                integers,
                np.full(len(integers), highspy.HighsVarType.kContinuous.value, dtype=np.uint8),
            )
        values: dict[int, float] = {}
        for (s, t), j in first.build.items():
            values[j] = 1.0 if plan.builds.get(s, (None, 0.0))[0] == t else 0.0
        for (s, t), j in first.capacity.items():
            year, capacity = plan.builds.get(s, (None, 0.0))
            values[j] = capacity if year == t else 0.0
        for o, j in first.offer.items():
            values[j] = 1.0 if o in plan.accepted else 0.0
        for key, j in first.purchase.items():
            values[j] = plan.purchases.get(key, 0.0)
        missing = set(plan.purchases) - set(first.purchase)
        if any(plan.purchases[key] > _TOLERANCE for key in missing):
            raise ValueError(f"purchases without a column in the model: {sorted(missing)}")
        index = np.array(list(values), dtype=np.int32)
        fixed = np.array(list(values.values()), dtype=float)
        if len(index):
            highs.changeColsBounds(len(index), index, fixed, fixed)
        self._fixed = values

    def _add_beyond_coverage(self) -> None:
        columns = self._model.scenario
        count = len(columns.shortage_columns)
        if not count:
            return
        _, starts, index, value = self._highs.getColsEntries(count, columns.shortage_columns)
        self._highs.addCols(
            count,
            columns.shortage_cost + self.beyond,
            np.zeros(count),
            np.maximum(columns.demand - columns.shortage_bound, 0.0),
            len(index),
            starts.astype(np.int32),
            index.astype(np.int32),
            value.astype(float),
        )

    def _add_not_found(self, plan: FirstStage) -> None:
        rows = self._model.pool
        count = len(rows)
        if not count:
            return
        planned: dict[tuple[str, int], float] = {}
        for (_r, m, t), tonnes in plan.purchases.items():
            planned[m, t] = planned.get((m, t), 0.0) + tonnes
        # Pool rows read Σ inflow + Σ p − Σ e − Σ outflow ≤ 0: a tonne found enters with −1.
        # At most the planned purchases, and dearer than a tonne beyond coverage: supply goes
        # to the members' demand first, and only planned purchases can be left unfound.
        self._highs.addCols(
            count,
            np.full(count, 2.0 * self.beyond),
            np.zeros(count),
            np.array([planned.get(key, 0.0) for key, _ in rows]),
            count,
            np.arange(count, dtype=np.int32),
            np.array([row for _, row in rows], dtype=np.int32),
            np.full(count, -1.0),
        )

    def _add_below_obligation(self) -> None:
        rows = self._model.obligations.rows
        count = len(rows)
        if not count:
            return
        # Obligation rows read inv ≥ n/365·D (tonnes, not scaled): a tonne below enters with +1.
        self._highs.addCols(
            count,
            np.full(count, self.beyond),
            np.zeros(count),
            np.maximum(self._obligation_held, 0.0),
            count,
            np.arange(count, dtype=np.int32),
            rows,
            np.ones(count),
        )

    def solve(
        self,
        share_lost: Mapping[tuple[str, str, int], float],
        multiplier: Mapping[tuple[str, int], float],
    ) -> ScenarioResult:
        """The plan's second stage in the scenario with these δ(x,m,t) and μ(m,t)."""
        self._set_scenario(share_lost, multiplier)
        highs = self._highs
        highs.run()
        status = highs.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kModelEmpty):
            return ScenarioResult(float("nan"), highs.modelStatusToString(status), {}, {})
        solution = np.asarray(highs.getSolution().col_value)
        objective = highs.getInfo().objective_function_value
        columns = self._model.scenario
        beyond = solution[self._beyond_start : self._not_found_start]
        not_found = solution[self._not_found_start : self._below_start]
        below = solution[self._below_start :]
        penalties = float(beyond.sum()) + 2.0 * float(not_found.sum()) + float(below.sum())
        cost = (
            objective
            + self._fixed_cost
            + float(offer_costs(self._model.data, self._accepted, multiplier).sum())
            - self.beyond * penalties
        )
        below_obligation = {}
        for i in _positive(below):
            r, m, t = self._model.obligations.keys[i]
            below_obligation[m, r, t] = float(below[i])
        return ScenarioResult(
            cost,
            "optimal",
            {columns.shortage_keys[i]: float(beyond[i]) for i in _positive(beyond)},
            {self._model.pool[i][0]: float(not_found[i]) for i in _positive(not_found)},
            below_obligation,
        )

    def _set_scenario(
        self,
        share_lost: Mapping[tuple[str, str, int], float],
        multiplier: Mapping[tuple[str, int], float],
    ) -> None:
        """One call per kind of change, with vectors filled from the scenario's few entries.

        A scenario lists only its δ > 0 and μ ≠ 1 (a few dozen), so the vectors are filled
        from those entries by position rather than by looking up every column's key.
        """
        highs, columns, positions = self._highs, self._model.scenario, self._positions
        count = len(columns.supply_columns)
        if count:
            delta = np.zeros(count)
            for key, share in share_lost.items():
                i = positions.supply.get(key)
                if i is not None:
                    delta[i] = share
            mu = positions.multipliers(multiplier, positions.supply_prices, count)
            highs.changeColsBounds(
                count, columns.supply_columns, np.zeros(count), (1.0 - delta) * columns.available
            )
            highs.changeColsCost(count, columns.supply_columns, columns.supply_base_cost * mu)
        count = len(columns.terminal_columns)
        if count:
            mu = positions.multipliers(multiplier, positions.terminal_prices, count)
            costs = columns.terminal_holding - columns.terminal_base_credit * mu
            highs.changeColsCost(count, columns.terminal_columns, costs)
        self._set_obligations(share_lost)

    def _set_obligations(self, share_lost: Mapping[tuple[str, str, int], float]) -> None:
        """(12) holds for t < first(m,ω): rows of m from the first disrupted year on are dropped."""
        obligations = self._model.obligations
        if not len(obligations.rows):
            return
        first: dict[str, int] = {}
        for (_x, m, t), share in share_lost.items():
            if share > 0 and t < first.get(m, t + 1):
                first[m] = t
        never = self._model.data.end_year + 1
        waived = obligations.years >= np.array([first.get(m, never) for m in obligations.minerals])
        lower = np.where(waived, -np.inf, self._obligation_held)
        changed = np.flatnonzero(lower != self._obligation_lower)
        if len(changed):
            self._highs.changeRowsBounds(  # type: ignore[attr-defined]  # not in highspy's stubs
                len(changed),
                obligations.rows[changed],
                lower[changed],
                np.full(len(changed), np.inf),
            )
        self._obligation_lower = lower


@dataclass(frozen=True)
class _ScenarioPositions:
    """Where each δ(x,m,t) and μ(m,t) of a scenario goes in the vectors of `ScenarioColumns`."""

    supply: dict[tuple[str, str, int], int]  # (x, m, t) -> position among supply columns
    supply_prices: dict[tuple[str, int], np.ndarray]  # (m, t) -> positions priced at P(m,t)
    terminal_prices: dict[tuple[str, int], np.ndarray]  # (m, end) -> terminal positions

    @classmethod
    def of(cls, columns: ScenarioColumns, end: int) -> _ScenarioPositions:
        supply_prices: dict[tuple[str, int], list[int]] = {}
        for i, (_x, m, t) in enumerate(columns.supply_keys):
            supply_prices.setdefault((m, t), []).append(i)
        terminal_prices: dict[tuple[str, int], list[int]] = {}
        for i, m in enumerate(columns.terminal_minerals):
            terminal_prices.setdefault((m, end), []).append(i)
        return cls(
            {key: i for i, key in enumerate(columns.supply_keys)},
            {key: np.array(found) for key, found in supply_prices.items()},
            {key: np.array(found) for key, found in terminal_prices.items()},
        )

    @staticmethod
    def multipliers(
        multiplier: Mapping[tuple[str, int], float],
        positions: dict[tuple[str, int], np.ndarray],
        count: int,
    ) -> np.ndarray:
        """μ at each position: 1 unless the scenario's multiplier of its (m, t) says otherwise."""
        mu = np.ones(count)
        for key, value in multiplier.items():
            found = positions.get(key)
            if found is not None:
                mu[found] = value
        return mu
