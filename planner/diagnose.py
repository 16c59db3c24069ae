"""Why a case is infeasible: an elastic re-solve of coverage (10) and the budget (11).

Every coverage constraint and the budget get a non-negative slack: a coverage slack σ(m,r,t,ω)
enters the country balance (8) as tonnes that count as met without being supplied (the shortfall
beyond the allowed (1 − c)·D), and a budget slack β adds USD to B. The elastic model is always
feasible when the data are valid: y = z = x = p = q = e = 0, no trade, inventory kept at I0
(≤ Imax) and every demand covered by short + σ meets every other constraint.

"Far above every other cost" is made exact instead of picking a large penalty: the slacks are
minimised lexicographically, on the same HiGHS instance with all other costs set to zero.

1. Minimise Σ σ (tonnes) with the budget slack free: the shortfall that no amount of money can
   remove (for example demand before any build can come online and with nothing in stock).
2. With Σ σ held at that minimum, minimise β: how much the budget would have to grow for the
   rest of the coverage to be met.

No penalty weight is involved, so there is no scaling trade-off between tonnes, USD and the
model's own costs, and the MIP gap of each phase applies to the slack alone. The run still ends
as infeasible: the diagnosis is a report, never a plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import highspy
import numpy as np

from planner.build import BuiltModel
from planner.handoff import Compiled, limit_time
from planner.outcome import Diagnosis

_STATUS = highspy.HighsModelStatus
_FEASIBLE = (_STATUS.kOptimal, _STATUS.kTimeLimit)


def _has_plan(highs: highspy.Highs) -> bool:
    return (
        highs.getModelStatus() in _FEASIBLE
        and highs.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible
    )


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
    model, data = built.model, built.data
    minerals = data.case.minerals

    # Coverage slacks: one column per balance row whose coverage can bind (D > 0, c > 0).
    keys = [
        (m, r, t, w)
        for w in data.scenarios
        for m, r, t in data.short_keys
        if minerals[m].coverage > 0 and data.demand(m, r, t) > 0
    ]
    rows = np.array([compiled.row_of(model.balance[key]) for key in keys], dtype=np.int32)

    n_model = highs.getNumCol()
    highs.changeColsCost(n_model, np.arange(n_model, dtype=np.int32), np.zeros(n_model))
    highs.changeObjectiveOffset(0.0)
    n_cover = len(keys)
    highs.addCols(
        n_cover,
        np.ones(n_cover),
        np.zeros(n_cover),
        np.full(n_cover, math.inf),
        n_cover,
        np.arange(n_cover, dtype=np.int32),
        rows,
        compiled.row_scale[rows],
    )
    cover_columns = np.arange(n_model, n_model + n_cover, dtype=np.int32)
    budget_column = None
    if hasattr(model, "budget"):
        budget_row = compiled.row_of(model.budget)
        budget_scale = compiled.row_scale[budget_row]
        highs.addCol(
            0.0, 0.0, math.inf, 1, np.array([budget_row], np.int32), np.array([-budget_scale])
        )
        budget_column = n_model + n_cover

    if progress is not None:
        progress("diagnosis: least coverage shortfall with the budget relaxed")
    limit_time(highs, time_limit)
    highs.run()
    if not _has_plan(highs):
        return [], (
            "no plan meets every constraint, and the elastic re-solve found no answer either "
            f"(HiGHS: {highs.modelStatusToString(highs.getModelStatus())})"
        )
    values = np.asarray(highs.getSolution().col_value)
    least_shortfall = float(values[cover_columns].sum()) if n_cover else 0.0

    budget_growth = 0.0
    if budget_column is not None:
        if progress is not None:
            progress("diagnosis: least budget growth at that shortfall")
        highs.changeColsCost(n_cover, cover_columns, np.zeros(n_cover))
        highs.changeColCost(budget_column, 1.0)
        if n_cover:
            limit = least_shortfall * (1.0 + 1e-9) + 1e-7
            highs.addRow(-math.inf, limit, n_cover, cover_columns, np.ones(n_cover))
        # Phase 1's plan meets phase 2's constraints: start from it, so phase 2 always has one.
        start = highspy.HighsSolution()
        start.col_value = values.tolist()
        start.value_valid = True
        highs.setSolution(start)
        limit_time(highs, time_limit)
        highs.run()
        if _has_plan(highs):
            values = np.asarray(highs.getSolution().col_value)
        budget_growth = float(values[budget_column])

    diagnosis = []
    for key, column in zip(keys, cover_columns, strict=True):
        shortfall = float(values[column])
        m, r, t, w = key
        if shortfall > 1e-6 * max(1.0, data.demand(m, r, t)):
            diagnosis.append(Diagnosis("coverage", shortfall, w, m, r, t))
    budget = data.case.settings.budget
    if budget is not None and budget_growth > 1e-6 * max(1.0, abs(budget)):
        diagnosis.append(Diagnosis("budget", budget_growth))

    parts = []
    covered = [d for d in diagnosis if d.constraint == "coverage"]
    if covered:
        tonnes = sum(d.shortfall for d in covered)
        parts.append(
            f"{len(covered)} coverage requirement(s) cannot be met ({tonnes:,.6g} t short)"
        )
    if budget_growth and any(d.constraint == "budget" for d in diagnosis):
        parts.append(f"the budget would have to grow by {budget_growth:,.2f} USD")
    if not parts:
        parts.append(
            "the elastic re-solve needs no slack: the model is infeasible for another reason"
        )
    message = "no plan meets every constraint: " + "; ".join(parts)
    if highs.getModelStatus() == _STATUS.kTimeLimit:
        message += " (diagnosis stopped at the time limit: figures are upper bounds)"
    return diagnosis, message
