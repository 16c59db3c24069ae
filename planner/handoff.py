"""The hand-off to HiGHS: the Pyomo model compiled to sparse matrices and passed in bulk.

Pyomo's solver plugins hand a model over variable by variable; here the model is turned into a
CSC matrix once (`planner.standard_form.compile_model`: what Pyomo's `LinearStandardFormCompiler`
gives, read in bulk) and `highspy` receives everything in one `passModel`, which costs a fraction
of the per-variable route. Values and duals come back by the compiled column and row order, kept
in `Compiled`. Before anything is passed, a number
HiGHS cannot represent (NaN, inf, or a magnitude it reads as infinite) stops the hand-off with a
message naming it (`planner.representable`, exit 5).
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse
from pyomo.common.gc_manager import PauseGC
from pyomo.core.base.var import VarData
from pyomo.repn.plugins.standard_form import RowEntry

from planner.build import BuiltModel
from planner.outcome import Status
from planner.representable import Limits, Names, StandardForm, refuse_unrepresentable
from planner.standard_form import compile_model

_STATUS = highspy.HighsModelStatus
_banner_shown = False
_scheduler_lock = threading.Lock()
_compiler_lock = threading.Lock()  # Pyomo's compiler sets up shared state on first use
_solves_running = 0


@dataclass
class Compiled:
    """The model as HiGHS holds it, with the maps back to Pyomo's variables and constraints."""

    highs: highspy.Highs
    columns: list[VarData]  # Pyomo variable of each HiGHS column
    rows: list[RowEntry]  # Pyomo constraint of each HiGHS row
    integer_columns: np.ndarray  # column indices of the registered integer variables
    column_of: dict[int, int]  # id(variable) -> column
    # HiGHS row i is the Pyomo row i multiplied by row_scale[i] (see `_usd_row_scale`): a column
    # added to a row later must have its coefficient multiplied by the same factor.
    row_scale: np.ndarray
    # A plan HiGHS already holds as its first incumbent (a sweep's earlier run, `planner.reuse`):
    # the search then needs no heuristic plan of its own (`planner.solve.configure_search`).
    start_offered: bool = False
    _row_of: dict[int, int] = field(default_factory=dict)

    def row_of(self, constraint: object) -> int:
        """The HiGHS row of a Pyomo constraint with a single bound (built on first use)."""
        if not self._row_of:
            self._row_of = {id(entry.constraint): i for i, entry in enumerate(self.rows)}
        return self._row_of[id(constraint)]


@contextmanager
def _quiet_stdout(quiet: bool) -> Iterator[None]:
    """Silence C-level stdout: HiGHS prints a banner when the first instance is created."""
    if not quiet:
        yield
        return
    sys.stdout.flush()  # what Python printed before goes out before fd 1 is borrowed
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@contextmanager
def thread_scheduler(threads: int | None) -> Iterator[None]:
    """Around a solve: give HiGHS's process-wide thread scheduler the requested size, then free it.

    HiGHS sizes one scheduler per process at its first run and refuses a later run that asks for
    another thread count. So a solve that asks for a count starts from a fresh scheduler, and the
    last solve to finish releases it, leaving any later HiGHS user in this process (another
    thread count, another library) free to size its own. Solves running side by side in threads
    share the scheduler: the first one sizes it, and a concurrent request for another count is
    refused by HiGHS (a solver error) rather than pulled from under a running solve.
    """
    global _solves_running
    with _scheduler_lock:
        if threads is not None and _solves_running == 0:
            highspy.Highs.resetGlobalScheduler(True)
        _solves_running += 1
    try:
        yield
    finally:
        with _scheduler_lock:
            _solves_running -= 1
            if _solves_running == 0:
                highspy.Highs.resetGlobalScheduler(True)


def new_highs(log: bool = False) -> highspy.Highs:
    """A HiGHS instance whose output is silent unless `log` is set."""
    global _banner_shown
    with _quiet_stdout(not log and not _banner_shown):
        highs = highspy.Highs()
    _banner_shown = True
    highs.setOptionValue("output_flag", log)
    return highs


def _column_bounds(columns: list[VarData]) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of every column (±inf where unbounded), in bulk.

    Every bound in this model is a plain number or None, so the raw bound attributes are read
    directly (None becomes NaN, which fmax/fmin ignore) and combined with the bounds of each
    variable's domain, computed once per domain: an order of magnitude faster than resolving
    `var.bounds` column by column.
    """
    domains = [var.domain for var in columns]
    domain_bounds = {}
    for domain in {id(d): d for d in domains}.values():
        lb, ub = domain.bounds()
        domain_bounds[id(domain)] = (
            -math.inf if lb is None else lb,
            math.inf if ub is None else ub,
        )
    by_column = [domain_bounds[id(d)] for d in domains]
    lower = np.fmax(
        np.array([var._lb for var in columns], dtype=float),
        np.array([lb for lb, _ in by_column], dtype=float),
    )
    upper = np.fmin(
        np.array([var._ub for var in columns], dtype=float),
        np.array([ub for _, ub in by_column], dtype=float),
    )
    return lower, upper


@dataclass
class HighsNumbers:
    """Every number HiGHS receives for a model, in its column and row order, rows counted in USD
    already scaled: what `passModel` is given, and what a reused solver compares run to run."""

    cost: np.ndarray
    offset: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray  # CSC column starts (int32)
    index: np.ndarray  # CSC row of each nonzero (int32)
    value: np.ndarray  # CSC value of each nonzero


@dataclass
class Standard:
    """A compiled model before it is passed: its numbers and the maps back to Pyomo."""

    numbers: HighsNumbers
    columns: list[VarData]
    rows: list[RowEntry]
    integer_columns: np.ndarray
    column_of: dict[int, int]
    row_scale: np.ndarray

    def compiled(self, highs: highspy.Highs) -> Compiled:
        """The `Compiled` of this model once `highs` holds it."""
        return Compiled(
            highs, self.columns, self.rows, self.integer_columns, self.column_of, self.row_scale
        )


def compile_to_highs(built: BuiltModel, highs: highspy.Highs) -> Compiled:
    """Compile the Pyomo model to standard form and pass it to `highs` in one call."""
    standard = compile_standard(built, Limits.of(highs))
    pass_model(highs, standard)
    return standard.compiled(highs)


def compile_standard(built: BuiltModel, limits: Limits) -> Standard:
    """The model's numbers as HiGHS will receive them, checked against HiGHS's `limits`."""
    with PauseGC():  # many small acyclic objects: collection passes would only cost time
        return _compile_standard(built, limits)


def _compile_standard(built: BuiltModel, limits: Limits) -> Standard:
    model = built.model
    with _compiler_lock:
        info = compile_model(model)
    columns: list[VarData] = info.columns
    n = len(columns)
    lower, upper = _column_bounds(columns)
    column_of = {id(var): j for j, var in enumerate(columns)}
    integer_columns = np.array(
        sorted(column_of[id(v)] for v in built.registry.integers if id(v) in column_of),
        dtype=np.int32,
    )

    kind = np.fromiter((entry.bound_type for entry in info.rows), np.int8, len(info.rows))
    rhs = np.asarray(info.rhs, dtype=float)
    matrix = info.A
    form = StandardForm(
        cost=info.c.toarray().ravel() if n else np.zeros(0),
        offset=float(info.c_offset[0]),
        col_lower=lower,
        col_upper=upper,
        row_lower=np.where(kind == 1, -math.inf, rhs),  # 1: ≤, -1: ≥, 0: =
        row_upper=np.where(kind == -1, math.inf, rhs),
        matrix=matrix,
        row_scale=_usd_row_scale(built.registry.usd_rows, info.rows, matrix),
    )
    refuse_unrepresentable(form, limits, Names(columns, info.rows, built.registry))
    return Standard(_numbers(form), columns, info.rows, integer_columns, column_of, form.row_scale)


def _numbers(form: StandardForm) -> HighsNumbers:
    """The arrays of `form` as HiGHS takes them, the rows counted in USD scaled (see
    `_usd_row_scale`)."""
    scale = form.row_scale
    matrix, row_lower, row_upper = form.matrix, form.row_lower, form.row_upper
    value = matrix.data.astype(float)
    if (scale != 1.0).any():
        value *= scale[matrix.indices]
        row_lower = row_lower * scale
        row_upper = row_upper * scale
    return HighsNumbers(
        cost=np.asarray(form.cost, dtype=float),
        offset=form.offset,
        col_lower=form.col_lower,
        col_upper=form.col_upper,
        row_lower=row_lower,
        row_upper=row_upper,
        start=matrix.indptr.astype(np.int32),
        index=matrix.indices.astype(np.int32),
        value=value,
    )


def pass_model(highs: highspy.Highs, standard: Standard) -> None:
    """Hand the model to HiGHS in one call and mark its integer columns."""
    numbers = standard.numbers
    n, m = len(numbers.cost), len(numbers.row_lower)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m
    lp.col_cost_ = numbers.cost
    lp.col_lower_ = numbers.col_lower
    lp.col_upper_ = numbers.col_upper
    lp.row_lower_ = numbers.row_lower
    lp.row_upper_ = numbers.row_upper
    lp.offset_ = numbers.offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    lp.a_matrix_.start_ = numbers.start
    lp.a_matrix_.index_ = numbers.index
    lp.a_matrix_.value_ = numbers.value
    if highs.passModel(lp) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the model although every number in it is in range")
    integer_columns = standard.integer_columns
    if len(integer_columns):
        highs.changeColsIntegrality(
            len(integer_columns),
            integer_columns,
            np.full(len(integer_columns), highspy.HighsVarType.kInteger.value, dtype=np.uint8),
        )


def _usd_row_scale(usd: list, rows: list[RowEntry], matrix: scipy.sparse.csc_array) -> np.ndarray:
    """Factors that bring the rows counted in USD (budgets 11 and 16, CVaR excess: the rows the
    components registered as such) near unit coefficients.

    Those rows hold coefficients up to 1e9 and right-hand sides of 1e10 and more, where HiGHS's
    absolute feasibility tolerance (1e-6) is below the rounding error of the row's activity, so a
    plan that meets the budget to the last representable dollar can be declared infeasible.
    Each such row is divided by the power of two nearest the geometric mean of its smallest and
    largest coefficient: exact in floating point, it centres the row's range on 1 so that no
    coefficient falls below HiGHS's small-value threshold, and every other row (tonnes) stays as
    written.
    """
    scale = np.ones(len(rows))
    if not usd:
        return scale
    wanted = {id(constraint) for constraint in usd}
    selected = np.fromiter(
        (id(entry.constraint) in wanted for entry in rows), dtype=bool, count=len(rows)
    )
    magnitude = np.abs(matrix.data)
    largest = np.zeros(len(rows))
    smallest = np.full(len(rows), np.inf)
    np.maximum.at(largest, matrix.indices, magnitude)
    np.minimum.at(smallest, matrix.indices, magnitude)
    middle = np.sqrt(largest * np.where(np.isfinite(smallest), smallest, largest))
    shrink = selected & (middle > 1.0)
    scale[shrink] = np.exp2(-np.round(np.log2(middle[shrink])))
    return scale


def limit_time(highs: highspy.Highs, seconds: float | None) -> None:
    """Allow the next run `seconds` (None: no limit); HiGHS's clock runs on across runs."""
    limit = math.inf if seconds is None else highs.getRunTime() + float(seconds)
    highs.setOptionValue("time_limit", limit)


def run(highs: highspy.Highs, time_limit: float | None = None) -> tuple[Status | None, str]:
    """Run HiGHS for at most `time_limit` seconds; map its model status onto `planner.outcome`'s.

    Returns (status, message). Status None means the run ended with a solution that is neither
    optimal nor time-limited, which the caller reports as a solver error with the message.
    """
    limit_time(highs, time_limit)
    highs.run()
    status = highs.getModelStatus()
    if status == _STATUS.kUnboundedOrInfeasible:
        # Presolve can stop without telling the two apart; solve without it to find out.
        highs.setOptionValue("presolve", "off")
        highs.run()
        highs.setOptionValue("presolve", "choose")
        status = highs.getModelStatus()
    has_plan = highs.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible
    if status in (_STATUS.kOptimal, _STATUS.kModelEmpty):  # empty: nothing left to decide
        return "optimal", ""
    if status == _STATUS.kTimeLimit:
        if has_plan:
            return "time_limit_feasible", "stopped at the time limit with a feasible plan"
        return "time_limit_no_solution", "no feasible plan was found within the time limit"
    if status == _STATUS.kInfeasible:
        return "infeasible", "no plan meets every constraint"
    if status == _STATUS.kUnbounded:
        return None, "HiGHS reports the model unbounded: a cost coefficient has the wrong sign"
    return None, f"HiGHS stopped with status '{highs.modelStatusToString(status)}'"
