"""A first plan for the MIP before branch and bound starts, handed to HiGHS as its incumbent.

HiGHS finds plans on its own, but on this model its search spent most of its time in sub-MIP
heuristics looking for the last hundredth of a percent, and a time-limited solve can end before
it has any plan at all. A plan given up front changes both: the search starts with an incumbent
(so a solve stopped at its limit still returns a plan and a gap) and prunes against it from the
root.

Entry points, all taking the model as handed off (`planner.handoff.Compiled`):

- `offer_plan`: a plan already known (one value per column, e.g. the previous run of a sweep),
  given to HiGHS with ``setSolution``; HiGHS checks it and keeps it if it is feasible.
- `heuristic_plan`: the LP relaxation, rounded and repaired. The binaries are relaxed and the LP
  solved; each exclusive choice the components registered (a site's build years, an offer
  group's rungs) is rounded: a site is built in the year of its largest y when Σ_t y ≥ ½, a
  group takes its rung of largest z when Σ z ≥ ½. With the binaries fixed the LP is re-solved
  from the relaxation's basis (a few pivots), which gives the continuous part of the plan. When
  that LP is infeasible (rounding a build down can lose coverage, rounding one up can break a
  budget) the other rounding of every fractional choice is tried. Then each fractional choice,
  the least settled first, is moved to each alternative the relaxation gave some weight, one at
  a time, keeping a move that lowers the cost (at most MAX_FLIPS LPs, each warm-started). The
  model is restored as it was: integrality, bounds and options.
- `start_misread`: after the search, whether HiGHS valued the start wrongly (a HiGHS 1.16 fault
  seen with CVaR); `planner.solve.search` then solves again without it. A caller of
  `offer_plan` should do the same.

The plan is a solution of the model (HiGHS checks it against every row when the MIP starts), so
the optimum cannot change; only the search's starting point does.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np

from planner.handoff import Compiled

_STATUS = highspy.HighsModelStatus
_CONTINUOUS = highspy.HighsVarType.kContinuous.value
_INTEGER = highspy.HighsVarType.kInteger.value
FRACTIONAL = 1e-6  # a relaxed binary farther than this from 0 and 1 is fractional
MAX_FLIPS = 12  # at most this many LPs in the neighbourhood search


@dataclass
class Choice:
    """One first-stage decision made of binaries of which at most one is 1: a site's build years
    (constraint 1) or an offer group's rungs (3). ``columns`` are HiGHS column indices."""

    columns: list[int]


def offer_plan(compiled: Compiled, values: np.ndarray) -> bool:
    """Give HiGHS `values` (one per column, in the hand-off's order) as the MIP's first plan.

    Returns whether HiGHS took it (it refuses a vector of the wrong length). HiGHS checks the
    plan against every row when the MIP starts and ignores it if it is infeasible.
    """
    highs = compiled.highs
    if len(values) != highs.getNumCol():
        return False
    solution = highspy.HighsSolution()
    solution.col_value = np.asarray(values, dtype=float).tolist()
    solution.value_valid = True
    return highs.setSolution(solution) != highspy.HighsStatus.kError


def start_misread(compiled: Compiled) -> bool:
    """Whether HiGHS's objective disagrees with its own plan's (c·x + offset): after a start,
    HiGHS 1.16 can value it wrongly in its presolved space (seen on a case with CVaR: "MIP start
    solution is feasible: objective value is 61947358.6896" then "feasible in the reduced space:
    objective value is 61920358.6896"), and then prunes against a plan better than it is."""
    highs = compiled.highs
    lp = highs.getLp()
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    own = float(np.dot(np.asarray(lp.col_cost_, dtype=float), values) + lp.offset_)
    reported = float(highs.getInfo().objective_function_value)
    return not math.isclose(own, reported, rel_tol=1e-9, abs_tol=1e-6)


def choices(compiled: Compiled, groups: list[list[object]]) -> list[Choice]:
    """The decisions as HiGHS columns, from the Pyomo variables of each group."""
    made = []
    for members in groups:
        columns = [compiled.column_of[id(v)] for v in members if id(v) in compiled.column_of]
        if columns:
            made.append(Choice(columns))
    return made


def heuristic_plan(
    compiled: Compiled, decisions: list[Choice], time_limit: float | None = None
) -> np.ndarray | None:
    """A feasible plan from the LP relaxation rounded and repaired (module docstring), or None
    when none was found within `time_limit` seconds (None: no limit)."""
    highs = compiled.highs
    integers = compiled.integer_columns
    if not len(integers):
        return None
    lower = np.asarray(highs.getLp().col_lower_, dtype=float)
    upper = np.asarray(highs.getLp().col_upper_, dtype=float)
    saved_limit = highs.getOptionValue("time_limit")[1]
    saved_presolve = highs.getOptionValue("presolve")[1]
    deadline = math.inf if time_limit is None else time.monotonic() + time_limit
    _set_integrality(highs, integers, _CONTINUOUS)
    try:
        return _search(compiled, decisions, lower, upper, deadline)
    finally:
        _set_integrality(highs, integers, _INTEGER)
        highs.changeColsBounds(len(integers), integers, lower[integers], upper[integers])
        highs.setOptionValue("time_limit", saved_limit)
        highs.setOptionValue("presolve", saved_presolve)
        highs.clearSolver()


def _set_integrality(highs: highspy.Highs, columns: np.ndarray, kind: int) -> None:
    highs.changeColsIntegrality(len(columns), columns, np.full(len(columns), kind, dtype=np.uint8))


def _search(
    compiled: Compiled,
    decisions: list[Choice],
    lower: np.ndarray,
    upper: np.ndarray,
    deadline: float,
) -> np.ndarray | None:
    highs = compiled.highs
    relaxed = _solve_lp(highs, deadline)
    if relaxed is None:
        return None
    values = relaxed[0]
    fractional = [d for d in decisions if _is_fractional(values, d)]
    picked = {id(d): _rounded(values, d) for d in decisions}
    fixed = {int(j): float(round(values[j])) for j in compiled.integer_columns}
    best = _evaluate(compiled, decisions, picked, fixed, lower, upper, deadline)
    if best is None:  # the other rounding of every fractional decision
        for d in fractional:
            picked[id(d)] = _other_rounding(values, d)
        best = _evaluate(compiled, decisions, picked, fixed, lower, upper, deadline)
    if best is None:
        return None
    flips = 0
    for d in sorted(fractional, key=lambda d: -_ambiguity(values, d)):
        for option in _considered(values, d):
            if option == picked[id(d)] or flips >= MAX_FLIPS or time.monotonic() > deadline:
                continue
            flips += 1
            trial = {**picked, id(d): option}
            found = _evaluate(compiled, decisions, trial, fixed, lower, upper, deadline)
            if found is not None and found[1] < best[1]:
                best, picked = found, trial
    return best[0]


def _solve_lp(highs: highspy.Highs, deadline: float) -> tuple[np.ndarray, float] | None:
    """Run the LP as it stands; its values and objective, or None when not solved to optimality."""
    if math.isfinite(deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        highs.setOptionValue("time_limit", highs.getRunTime() + remaining)
    else:
        highs.setOptionValue("time_limit", math.inf)
    highs.run()
    if highs.getModelStatus() != _STATUS.kOptimal:
        return None
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    return values, float(highs.getInfo().objective_function_value)


def _is_fractional(values: np.ndarray, d: Choice) -> bool:
    return any(FRACTIONAL < values[j] < 1 - FRACTIONAL for j in d.columns)


def _ambiguity(values: np.ndarray, d: Choice) -> float:
    """How far the relaxation is from settling the decision: 1 − its largest share, where the
    shares are its columns' values and the value of making none (1 − Σ)."""
    shares = [values[j] for j in d.columns]
    return 1.0 - max(*shares, 1.0 - sum(shares))


def _considered(values: np.ndarray, d: Choice) -> list[int | None]:
    """The ways of making the decision that the relaxation gives some weight: none, and each
    column with a value above FRACTIONAL, largest first."""
    columns = sorted((j for j in d.columns if values[j] > FRACTIONAL), key=lambda j: -values[j])
    return [None, *columns]


def _rounded(values: np.ndarray, d: Choice) -> int | None:
    """The column of largest value when the decision's total is at least ½, else none."""
    if sum(values[j] for j in d.columns) < 0.5:
        return None
    return max(d.columns, key=lambda j: values[j])


def _other_rounding(values: np.ndarray, d: Choice) -> int | None:
    """The opposite of `_rounded`: the largest column when that rounded down, else none."""
    return max(d.columns, key=lambda j: values[j]) if _rounded(values, d) is None else None


def _evaluate(
    compiled: Compiled,
    decisions: list[Choice],
    picked: dict[int, int | None],
    fixed: dict[int, float],
    lower: np.ndarray,
    upper: np.ndarray,
    deadline: float,
) -> tuple[np.ndarray, float] | None:
    """The LP with every binary fixed as `picked` says (one not in any decision at its rounded
    relaxed value, `fixed`): the plan's values and cost, or None."""
    highs = compiled.highs
    integers = compiled.integer_columns
    target = dict(fixed)
    for d in decisions:
        for j in d.columns:
            target[j] = 1.0 if picked[id(d)] == j else 0.0
    value = np.array([target[int(j)] for j in integers], dtype=float)
    value = np.clip(value, lower[integers], upper[integers])
    highs.changeColsBounds(len(integers), integers, value, value)
    return _solve_lp(highs, deadline)
