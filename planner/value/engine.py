"""The value analysis's one adapter to the model layer: build once, change bounds, re-solve.

Every use of `planner.build`, `planner.handoff`, `planner.diagnose` and `Registry.evaluate` by
`planner.value` is in this module, so that a change of those interfaces touches one file. An
`Engine` builds and compiles one case once; each `solve(change)` applies a `Change` of
`planner.models.decisions` to the HiGHS model in place (column and row bounds), runs HiGHS with the
case's MIP gap and time limit, reads what the analysis needs, and restores the original bounds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from pyomo.core.base.var import VarData

from planner.build import build_model
from planner.case import Case
from planner.diagnose import diagnose_infeasibility
from planner.handoff import compile_to_highs, new_highs, run
from planner.models import decisions
from planner.models.decisions import Change, Decision, StageKey
from planner.options import SolveOptions
from planner.outcome import Diagnosis
from planner.progress import watching
from planner.solve import apply_search_settings


@dataclass
class Solved:
    """What one (re-)solve gives the analysis."""

    status: str  # a planner.outcome.Status, or "solver_error"
    objective: float | None = None  # full objective, constants included
    gap: float | None = None  # relative MIP gap reached (0 when proven)
    message: str = ""
    seconds: float = 0.0  # wall time of the HiGHS run(s)
    values: np.ndarray | None = field(default=None, repr=False)  # column values of the plan

    @property
    def has_plan(self) -> bool:
        return self.values is not None


class Engine:
    """One case built and compiled once, re-solved under changes of its first stage."""

    def __init__(self, case: Case, options: SolveOptions) -> None:
        self.case = case
        self.options = options.resolved(case.settings)
        started = time.perf_counter()
        self.built = build_model(case)
        self.highs = new_highs(self.options.log)
        self.compiled = compile_to_highs(self.built, self.highs)
        # The same search as `planner solve` (gap, threads, HiGHS settings, root LP solver); the
        # re-solves start from the unchanged model's plan instead of a heuristic one.
        apply_search_settings(self.compiled, self.options)
        lp = self.highs.getLp()
        self._costs = np.array(lp.col_cost_)
        self._offset = float(lp.offset_)
        self._col_bounds = (np.array(lp.col_lower_), np.array(lp.col_upper_))
        self._row_bounds = (np.array(lp.row_lower_), np.array(lp.row_upper_))
        self.build_seconds = time.perf_counter() - started
        self.highs_seconds = 0.0  # time spent inside HiGHS runs, over all solves
        # The plan of the unchanged model (column values), from which re-solves warm-start.
        self.plan: np.ndarray | None = None

    @property
    def model(self) -> object:
        return self.built.model

    # -- changes ----------------------------------------------------------------------------

    def forbid(self, decision: Decision) -> Change:
        return decisions.forbid(self.model, self.built.data, decision, self.compiled.column_of)

    def force(self, decision: Decision) -> Change:
        return decisions.force(self.model, self.built.data, decision, self.compiled.column_of)

    def fix(self, first_stage: dict[StageKey, float]) -> Change:
        return decisions.fix_first_stage(self.model, first_stage, self.compiled.column_of)

    def _apply(self, change: Change) -> list[int]:
        """Set the change's bounds; return the rows it touched (for `_restore`)."""
        highs = self.highs
        if change.columns:
            index = np.fromiter(change.columns, dtype=np.int32, count=len(change.columns))
            bounds = np.array(list(change.columns.values()), dtype=float)
            highs.changeColsBounds(len(index), index, bounds[:, 0], bounds[:, 1])
        rows = []
        for constraint, (lower, upper) in change.rows.items():
            i = self.compiled.row_of(constraint)
            scale = self.compiled.row_scale[i]
            highs.changeRowBounds(i, lower * scale, upper * scale)
            rows.append(i)
        return rows

    def _restore(self, change: Change, rows: list[int]) -> None:
        highs = self.highs
        if change.columns:
            index = np.fromiter(change.columns, dtype=np.int32, count=len(change.columns))
            lower, upper = self._col_bounds
            highs.changeColsBounds(len(index), index, lower[index], upper[index])
        for i in rows:
            highs.changeRowBounds(i, self._row_bounds[0][i], self._row_bounds[1][i])

    # -- solving ----------------------------------------------------------------------------

    def use_plan(self, values: np.ndarray) -> None:
        """Remember the unchanged model's plan for warm starts (ignored if not this model's)."""
        if len(values) == self.highs.getNumCol():
            self.plan = np.asarray(values, dtype=float)

    def warm_start(self, decision: Decision) -> dict[int, float] | None:
        """Column changes that make the plan take `decision` in and stay feasible, if known."""
        if self.plan is None:
            return None
        value = self.value_of(self.plan)
        column_of = self.compiled.column_of
        return decisions.start_values(self.model, self.built.data, decision, column_of, value)

    def watched(self) -> AbstractContextManager[None]:
        """Around a solve: progress lines to options.progress every few seconds, and the note on
        HiGHS's scaling warnings when the log is shown (`planner.progress`)."""
        return watching(self.highs, self.options.progress, self.options.log)

    def solve(self, change: Change | None = None, start: dict[int, float] | None = None) -> Solved:
        """Solve with `change` applied, then restore the model as it was built.

        `start` (columns to change in the remembered plan) gives HiGHS a first feasible plan.
        """
        change = change or Change()
        rows = self._apply(change)
        try:
            return self._run(start)
        finally:
            self._restore(change, rows)

    def _run(self, start: dict[int, float] | None = None) -> Solved:
        highs = self.highs
        highs.clearSolver()  # every re-solve starts from the model, not the last search
        if start is not None and self.plan is not None:
            solution = highspy.HighsSolution()
            values = self.plan.copy()
            for j, number in start.items():
                values[j] = number
            solution.col_value = values.tolist()
            solution.value_valid = True
            highs.setSolution(solution)
        started = time.perf_counter()
        status, message = run(highs, self.options.time_limit)
        seconds = time.perf_counter() - started
        self.highs_seconds += seconds
        solved = Solved(status or "solver_error", message=message, seconds=seconds)
        if status not in ("optimal", "time_limit_feasible"):
            return solved
        info = highs.getInfo()
        if highs.getNumCol():
            solved.objective = float(info.objective_function_value)
        else:
            solved.objective = float(highs.getObjectiveOffset()[1])
        gap = float(info.mip_gap) if len(self.compiled.integer_columns) else 0.0
        solved.gap = gap if math.isfinite(gap) else None
        if status == "optimal" and solved.gap is not None:
            solved.gap = min(solved.gap, self.options.mip_gap or 0.0)
        solved.values = np.asarray(highs.getSolution().col_value, dtype=float)
        return solved

    def diagnose(self, change: Callable[[Engine], Change]) -> tuple[list[Diagnosis], str]:
        """Why the model under `change(self)` is infeasible (`planner.diagnose`'s elastic re-solve).

        The diagnosis adds slack columns (and a row) and zeroes the costs of the model it runs on;
        afterwards they are removed and the costs, offset and bounds restored, so the built model
        serves the next re-solve unchanged.
        """
        highs = self.highs
        columns, rows = highs.getNumCol(), highs.getNumRow()
        made = change(self)
        touched = self._apply(made)
        try:
            solved = self._run()
            if solved.status != "infeasible":
                return [], f"the re-solve ended {solved.status}: {solved.message}"
            started = time.perf_counter()
            try:
                return diagnose_infeasibility(
                    self.compiled, self.built, time_limit=self.options.time_limit
                )
            finally:  # the elastic re-solve is HiGHS runs, bar a few column additions
                self.highs_seconds += time.perf_counter() - started
        finally:
            self._undo_diagnosis(columns, rows)
            self._restore(made, touched)

    def _undo_diagnosis(self, columns: int, rows: int) -> None:
        highs = self.highs
        if highs.getNumRow() > rows:
            extra = np.arange(rows, highs.getNumRow(), dtype=np.int32)
            highs.deleteRows(len(extra), extra)
        if highs.getNumCol() > columns:
            extra = np.arange(columns, highs.getNumCol(), dtype=np.int32)
            highs.deleteCols(len(extra), extra)
        every = np.arange(columns, dtype=np.int32)
        highs.changeColsCost(columns, every, self._costs)
        highs.changeObjectiveOffset(self._offset)
        highs.clearSolver()

    # -- reading a plan ---------------------------------------------------------------------

    def value_of(self, values: np.ndarray) -> Callable[[VarData], float]:
        """Each variable's value in a solution (0 for variables the compiler left out)."""
        column_of = self.compiled.column_of

        def value(var: VarData) -> float:
            j = column_of.get(id(var))
            return 0.0 if j is None else float(values[j])

        return value

    def scenario_costs(self, values: np.ndarray) -> pd.DataFrame:
        """Cost(ω) and its split per scenario (columns scenario, components..., cost)."""
        return self.built.registry.evaluate(self.value_of(values))

    def first_stage(self, values: np.ndarray) -> dict[StageKey, float]:
        return decisions.first_stage_values(self.model, self.value_of(values))

    def candidates(self) -> list[Decision]:
        return decisions.candidate_decisions(self.built.data)

    def in_plan(self, decision: Decision, values: np.ndarray) -> bool:
        return decisions.in_plan(self.model, self.built.data, decision, self.value_of(values))

    def build_year(self, site: str, values: np.ndarray) -> tuple[int, float] | None:
        return decisions.build_year(self.model, self.built.data, site, self.value_of(values))

    def discount(self, year: int) -> float:
        return self.built.data.discount[year]

    def offer_discount(self, offer: str) -> float:
        """Σ d(t) over the offer's active years A(o) within the horizon."""
        data = self.built.data
        return sum(data.discount[t] for t in data.offer_years[offer])
