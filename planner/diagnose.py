"""Why a case is infeasible: an elastic re-solve of the rows the components registered as relaxable.

Coverage (10, through the country balance 8), the stock obligations (12) and the supply caps (13)
are counted in tonnes; the alliance budget (11) and the member budgets (16) in USD. Each such row
gets a non-negative slack column: on a ≥ row it adds to the activity (tonnes counted as met or
held without being there), on a ≤ row to the right-hand side (tonnes a cap would have to allow,
USD a budget would have to grow by). The elastic model is always feasible when the data are
valid: y = z = x = p = q = e = 0, no trade, inventory kept at I0 (≤ Imax, releasing nothing, so
the release rule holds), every demand covered by short + slack and every obligation by its slack
meets every other constraint.

"Far above every other cost" is made exact instead of picking a large penalty: the slacks are
minimised lexicographically, on the same HiGHS instance with all other costs set to zero.

1. Tonnes first. Minimise the shortfall of coverage and obligations with every cap and budget
   slack free: what no policy limit or amount of money can remove (for example demand before
   any build can come online and with nothing in stock).
2. Tonnes still: with that shortfall held at its minimum, minimise the caps' slack, budgets still
   free: which caps would have to rise. (A tonne of cap and a tonne of coverage weigh the same,
   so one phase for both would pick between them arbitrarily; a cap is the limit the planner
   set, the shortfall what the world imposes, so the shortfall is found first.)
3. Then money: with both held, minimise the budgets' slack: by how much the alliance budget and
   each member's budget would have to grow for the rest to be met.

No penalty weight is involved, so there is no scaling trade-off between tonnes, USD and the
model's own costs, and the MIP gap of each phase applies to the slack alone. A slack of a row of
a tree node is reported once for each scenario of the node. The run still ends as infeasible:
the diagnosis is a report, never a plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import highspy
import numpy as np

from planner.build import BuiltModel
from planner.handoff import Compiled, limit_time
from planner.models.registry import Relaxable
from planner.outcome import Diagnosis

_STATUS = highspy.HighsModelStatus
_FEASIBLE = (_STATUS.kOptimal, _STATUS.kTimeLimit)

# How each kind reads in the message: (noun for the count, what the total means).
_WORDS = {
    "coverage": "coverage requirement(s) cannot be met ({:,.6g} t short)",
    "obligation": "stock obligation(s) cannot be held ({:,.6g} t short)",
    "supply_cap": "supply cap(s) would have to rise ({:,.6g} t)",
    "budget": "the budget would have to grow by {:,.2f} USD",
    "member_budget": "member budget(s) would have to grow ({:,.2f} USD in all)",
}


# The lexicographic phases, in order, and the phase of each kind of relaxable row.
_PHASES = (
    "least shortfall of coverage and stock obligations, with caps and budgets relaxed",
    "least rise of supply caps at that shortfall, with budgets relaxed",
    "least budget growth at that shortfall and those caps",
)
_PHASE = {"coverage": 0, "obligation": 0, "supply_cap": 1, "budget": 2, "member_budget": 2}


def _has_plan(highs: highspy.Highs) -> bool:
    return (
        highs.getModelStatus() in _FEASIBLE
        and highs.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible
    )


def _add_slacks(compiled: Compiled, rows: list[tuple[Relaxable, int]]) -> np.ndarray:
    """One slack column per relaxable row (cost 0 for now); returns their column indices."""
    highs = compiled.highs
    first = highs.getNumCol()
    count = len(rows)
    if not count:
        return np.zeros(0, dtype=np.int32)
    index = np.array([row for _, row in rows], dtype=np.int32)
    value = np.array([r.sign for r, _ in rows]) * compiled.row_scale[index]
    highs.addCols(
        count,
        np.zeros(count),
        np.zeros(count),
        np.full(count, math.inf),
        count,
        np.arange(count, dtype=np.int32),
        index,
        value,
    )
    return np.arange(first, first + count, dtype=np.int32)


def _relaxable_rows(compiled: Compiled, built: BuiltModel) -> list[tuple[Relaxable, int]]:
    """The registered relaxable rows that reached HiGHS, with their row index."""
    found = []
    for relaxable in built.registry.relaxable:
        try:
            found.append((relaxable, compiled.row_of(relaxable.row)))
        except KeyError:  # a row without variables never reaches the solver
            continue
    return found


def _run_phase(
    highs: highspy.Highs, columns: np.ndarray, time_limit: float | None, start: np.ndarray | None
) -> bool:
    """Minimise the sum of `columns` (all other costs 0); start from `start` when given."""
    n = highs.getNumCol()
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    if len(columns):
        highs.changeColsCost(len(columns), columns, np.ones(len(columns)))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start.tolist()
        solution.value_valid = True
        highs.setSolution(solution)
    limit_time(highs, time_limit)
    highs.run()
    return _has_plan(highs)


def diagnose_infeasibility(
    compiled: Compiled,
    built: BuiltModel,
    *,
    time_limit: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Diagnosis], str]:
    """Re-solve `compiled` (an infeasible model in HiGHS) elastically; return slacks and a message.

    The HiGHS instance is modified in place; each phase may take `time_limit` seconds.
    """
    highs: highspy.Highs = compiled.highs
    rows = _relaxable_rows(compiled, built)
    highs.changeObjectiveOffset(0.0)
    columns = _add_slacks(compiled, rows)
    phase_of = np.array([_PHASE[r.kind] for r, _ in rows], dtype=np.int8)
    values: np.ndarray | None = None
    done = np.zeros(0, dtype=np.int32)  # the columns of the phases run so far
    for phase, wording in enumerate(_PHASES):
        own = columns[phase_of == phase]
        if phase and not len(own):
            continue
        if progress is not None:
            progress(f"diagnosis: {wording}")
        if values is not None:
            _hold(highs, done, values)
        done = own
        if not _run_phase(highs, own, time_limit, values):
            if values is None:
                return [], (
                    "no plan meets every constraint, and the elastic re-solve found no answer "
                    f"either (HiGHS: {highs.modelStatusToString(highs.getModelStatus())})"
                )
            break  # keep the previous phase's plan: it meets this phase's constraints too
        values = np.asarray(highs.getSolution().col_value)
    assert values is not None

    slacks = [(r, float(values[j])) for (r, _), j in zip(rows, columns, strict=True)]
    slacks = [(r, v) for r, v in slacks if v > 1e-6 * max(1.0, r.scale)]
    message = _message(slacks)
    if highs.getModelStatus() == _STATUS.kTimeLimit:
        message += " (diagnosis stopped at the time limit: figures are upper bounds)"
    return _diagnoses(slacks), message


def _hold(highs: highspy.Highs, columns: np.ndarray, values: np.ndarray) -> None:
    """Keep the sum of `columns` at most what the last phase reached (a hair of tolerance)."""
    if not len(columns):
        return
    least = float(values[columns].sum())
    limit = least * (1.0 + 1e-9) + 1e-7
    highs.addRow(-math.inf, limit, len(columns), columns, np.ones(len(columns)))


def _diagnoses(slacks: list[tuple[Relaxable, float]]) -> list[Diagnosis]:
    """One Diagnosis per non-zero slack and scenario it counts in (budgets: no scenario)."""
    found = []
    for r, amount in slacks:
        for scenario in r.scenarios or ("",):
            found.append(
                Diagnosis(r.kind, amount, scenario, r.mineral, r.country, r.year, r.source)
            )
    return found


def _message(slacks: list[tuple[Relaxable, float]]) -> str:
    """One sentence: how many rows of each kind need slack, and how much."""
    parts = []
    for kind, words in _WORDS.items():
        amounts = [amount for r, amount in slacks if r.kind == kind]
        if not amounts:
            continue
        sentence = words.format(sum(amounts))
        parts.append(sentence if kind == "budget" else f"{len(amounts)} {sentence}")
    if not parts:
        parts.append(
            "the elastic re-solve needs no slack: the model is infeasible for another reason"
        )
    return "no plan meets every constraint: " + "; ".join(parts)
