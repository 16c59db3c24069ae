"""A HiGHS instance kept from one solve to the next, changed in place and warm-started.

A sweep solves many cases that differ only in numbers (prices, demand, capacities, costs,
probabilities, the budget). `ReusedSolver` is the hand-off (`planner.solve.HandOff`) of one
sweep worker. For each run the model is built and compiled as for any solve
(`planner.handoff.compile_standard`); then:

- when the model has the same *shape* as the one the instance holds (the same columns and rows,
  named by their Pyomo component and index, the same sparsity and the same integer columns), only
  the numbers that differ are changed in place, in bulk: costs (`changeColsCost`), column bounds
  (`changeColsBounds`), row bounds (`changeRowsBounds`), matrix values (`changeCoeff`) and the
  objective offset. Afterwards HiGHS holds exactly the numbers `passModel` would have been given
  by a rebuild, so the optimum is the rebuild's: HiGHS discards its solution and basis when the
  model changes, and nothing else of the previous solve is carried over;
- otherwise the model is passed to a new instance, and `how` says why ("rebuilt: ...");
- either way, the instance starts from the plan of the nearest finished run of the same shape
  (nearest in the sweep's value space, `by_distance`) whose plan is feasible for this run's
  numbers (`feasible`), through `planner.warmstart.offer_plan`: HiGHS takes it as its first
  incumbent. A plan that is not feasible is not given: HiGHS would first solve an LP with the
  plan's integer values fixed to repair it, and on the bundled case's price sweeps (where a
  price change moves the budget row's coefficients, so that no earlier plan stays feasible)
  that LP made each run slower than the same run started without a plan. A start changes only
  how fast the optimum is found, not which objective value is optimal.

The caller tells the solver after each run whether the instance still holds the run's model
with its plan (`keep`) or was changed by something else, such as the diagnosis of an infeasible
run, which adds slack columns (`forget`).

The workers of one sweep share their finished plans through a folder (`SharedPlans`), so that a
worker's run can start from a plan another worker found: in a one-at-a-time sweep the nearest
run to every other is the first one (the workbook's values), which only one worker solved. A
plan is published with its run's values and its model's shape (`digest`, the same for models of
the same shape in any process), and is only ever taken as a start by a model of that shape, after
the same feasibility check as a worker's own plans.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import highspy
import numpy as np
import scipy.sparse
from pyomo.common.gc_manager import PauseGC

from planner.build import BuiltModel
from planner.errors import PlannerError
from planner.files import write_atomically
from planner.handoff import (
    Compiled,
    HighsNumbers,
    Standard,
    compile_standard,
    new_highs,
    pass_model,
)
from planner.representable import Limits
from planner.warmstart import offer_plan


@dataclass(frozen=True)
class Shape:
    """What must be equal for a model to replace another one number by number."""

    columns: tuple[tuple[str, object], ...]  # (variable, index) of each column
    rows: tuple[tuple[str, object, int], ...]  # (constraint, index, bound type) of each row
    integer_columns: bytes
    start: bytes  # sparsity: CSC column starts and row indices
    index: bytes


def shape_of(standard: Standard) -> Shape:
    """The shape of a compiled model.

    Each column and row is named by its component and its index as stored on the Pyomo data
    object (`_index`, as the hand-off reads `_lb` and `_ub`): `index()` looks the object up in
    its component again, which costs more than the rest of the comparison.
    """
    numbers = standard.numbers
    columns = [var.parent_component() for var in standard.columns]
    constraints = [entry.constraint for entry in standard.rows]
    rows = [constraint.parent_component() for constraint in constraints]
    # A component's full name takes a walk up the blocks: once per component, not per column.
    names = {id(component): component.name for component in {*columns, *rows}}
    return Shape(
        columns=tuple(
            (names[id(component)], var._index)
            for component, var in zip(columns, standard.columns, strict=True)
        ),
        rows=tuple(
            (names[id(component)], constraint._index, entry.bound_type)
            for component, constraint, entry in zip(rows, constraints, standard.rows, strict=True)
        ),
        integer_columns=standard.integer_columns.tobytes(),
        start=numbers.start.tobytes(),
        index=numbers.index.tobytes(),
    )


def digest(shape: Shape) -> str:
    """A name for `shape` that is equal for equal shapes in any process (unlike `hash`, whose
    strings are salted per process): the key under which plans are shared between workers."""
    hasher = hashlib.sha256()
    hasher.update(repr(shape.columns).encode())
    hasher.update(repr(shape.rows).encode())
    for part in (shape.integer_columns, shape.start, shape.index):
        hasher.update(part)
    return hasher.hexdigest()[:32]


def difference(old: Shape, new: Shape) -> str | None:
    """Why a model of shape `new` cannot replace one of shape `old` in place (None: it can)."""
    if old.columns != new.columns:
        return _first_difference("columns", old.columns, new.columns)
    if old.rows != new.rows:
        return _first_difference("rows", old.rows, new.rows)
    if old.integer_columns != new.integer_columns:
        return "other columns are integer"
    if old.start != new.start or old.index != new.index:
        return "the variables appear in other rows (another sparsity pattern)"
    return None


def _first_difference(what: str, old: Sequence[tuple], new: Sequence[tuple]) -> str:
    if len(old) != len(new):
        return f"the model has {len(new)} {what} instead of {len(old)}"
    at = next(i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b)
    return f"{what} differ from number {at}: {_name(new[at])} instead of {_name(old[at])}"


def _name(key: tuple) -> str:
    return f"{key[0]}[{key[1]}]"


Point = tuple[float | None, ...]  # a run's values; None: a value not known as a number


def relative_distance(a: Point, b: Point) -> float:
    """How far apart two runs' values are: each value's difference relative to the larger of the
    two magnitudes (so that a budget in USD and a price multiplier count alike), squared, summed.
    A value that is None counts as equal to None and as far as possible (1) from any number."""
    total = 0.0
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            total += 0.0 if x is y else 1.0
            continue
        size = max(abs(x), abs(y))
        if size > 0.0:
            total += ((x - y) / size) ** 2
    return total


def by_distance(point: Point, finished: Sequence[Point]) -> list[int]:
    """The positions in `finished` (runs' values) from the nearest to `point` to the farthest;
    the earlier run first on a tie."""
    distances = [relative_distance(point, values) for values in finished]
    return sorted(range(len(finished)), key=distances.__getitem__)


# How far a plan may be outside a bound or a row and off an integer and still count as feasible:
# the tolerances by which HiGHS assesses a MIP start.
FEASIBILITY_TOLERANCE = 1e-6


def feasible(numbers: HighsNumbers, integer_columns: np.ndarray, values: np.ndarray) -> bool:
    """Whether `values` (one per column) meet the bounds, rows and integrality of `numbers`."""
    tolerance = FEASIBILITY_TOLERANCE
    if np.any(values < numbers.col_lower - tolerance) or np.any(
        values > numbers.col_upper + tolerance
    ):
        return False
    integers = values[integer_columns]
    if np.any(np.abs(integers - np.round(integers)) > tolerance):
        return False
    shape = (len(numbers.row_lower), len(numbers.cost))
    matrix = scipy.sparse.csc_array((numbers.value, numbers.index, numbers.start), shape=shape)
    activity = matrix @ values
    return not (
        np.any(activity < numbers.row_lower - tolerance)
        or np.any(activity > numbers.row_upper + tolerance)
    )


def apply_differences(highs: highspy.Highs, old: HighsNumbers, new: HighsNumbers) -> int:
    """Change in `highs` the numbers of `new` that differ from `old` (same shape); return how many
    numbers changed."""
    changed = 0
    columns = np.flatnonzero(old.cost != new.cost).astype(np.int32)
    if len(columns):
        _check(highs.changeColsCost(len(columns), columns, new.cost[columns]), "costs")
        changed += len(columns)
    columns = np.flatnonzero(
        (old.col_lower != new.col_lower) | (old.col_upper != new.col_upper)
    ).astype(np.int32)
    if len(columns):
        status = highs.changeColsBounds(
            len(columns), columns, new.col_lower[columns], new.col_upper[columns]
        )
        _check(status, "column bounds")
        changed += len(columns)
    rows = np.flatnonzero(
        (old.row_lower != new.row_lower) | (old.row_upper != new.row_upper)
    ).astype(np.int32)
    if len(rows):
        # highspy has changeRowsBounds; its type stubs do not list it.
        status = highs.changeRowsBounds(  # type: ignore[attr-defined]
            len(rows), rows, new.row_lower[rows], new.row_upper[rows]
        )
        _check(status, "row bounds")
        changed += len(rows)
    entries = np.flatnonzero(old.value != new.value)
    if len(entries):
        entry_columns = np.searchsorted(new.start, entries, side="right") - 1
        for row, column, value in zip(
            new.index[entries].tolist(),
            entry_columns.tolist(),
            new.value[entries].tolist(),
            strict=True,
        ):
            _check(highs.changeCoeff(row, column, value), "matrix values")
        changed += len(entries)
    if old.offset != new.offset:
        _check(highs.changeObjectiveOffset(new.offset), "the objective offset")
        changed += 1
    return changed


def _check(status: highspy.HighsStatus, what: str) -> None:
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS refused to change {what} of a model it holds")


# Plans a worker keeps as starts, and publishes to the other workers at most: each holds one
# number per column.
KEPT_PLANS = 32

FinishedPlan = tuple[int, Point, np.ndarray]  # run, its values, its plan's column values


class SharedPlans:
    """A folder through which the workers of one sweep share their finished plans.

    One file per plan, `plan-RUN-DIGEST.npz` (the run's number, its model's shape digest),
    holding the run's values and the plan's column values, written atomically
    (`planner.files.write_atomically`), so a reader sees whole files only. Each worker deletes
    its own plans beyond its latest KEPT_PLANS, so the folder holds at most KEPT_PLANS plans per
    worker.
    A worker that cannot write to the folder (a Dask worker on a machine that does not see the
    sweep's output folder) stops sharing and keeps its own plans only.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._published: list[Path] = []

    def publish(self, shape_digest: str, plan: FinishedPlan) -> bool:
        """Add a finished run's plan; False when the folder cannot be written."""
        number, point, values = plan
        path = self.folder / f"plan-{number:05d}-{shape_digest}.npz"

        def write(temporary: Path) -> None:
            with temporary.open("wb") as file:  # a file, or savez would add ".npz" to the name
                np.savez(file, point=np.array(json.dumps(point)), values=values)

        try:
            write_atomically(path, write)
        except PlannerError:  # the folder cannot be written
            return False
        self._published.append(path)
        for old in self._published[:-KEPT_PLANS]:
            with contextlib.suppress(OSError):
                old.unlink()
        del self._published[:-KEPT_PLANS]
        return True

    def collect(self, shape_digest: str, seen: set[int]) -> list[FinishedPlan]:
        """The plans in the folder for models of shape `shape_digest` whose runs are not in
        `seen`; adds their runs to `seen`. A file deleted while this reads it is passed over."""
        plans = []
        try:
            paths = sorted(self.folder.glob(f"plan-*-{shape_digest}.npz"))
        except OSError:
            return []
        for path in paths:
            number = int(path.name.split("-")[1])
            if number in seen:
                continue
            try:
                with np.load(path) as stored:
                    point = tuple(json.loads(str(stored["point"])))
                    values = stored["values"]
            except (OSError, ValueError, KeyError):
                continue
            seen.add(number)
            plans.append((number, point, values))
        return plans


@dataclass
class _Held:
    """The model a HiGHS instance holds, and the plans of the runs it finished or collected."""

    highs: highspy.Highs
    shape: Shape
    numbers: HighsNumbers
    plans: list[FinishedPlan]
    digest: str = ""  # of `shape`, when plans are shared
    seen: set[int] = field(default_factory=set)  # runs whose plans are (or were) in `plans`


class ReusedSolver:
    """One worker's hand-off: the instance of its last run, reused when the shape allows.

    Per run: `start_run` (which run, at which values), then the solve calls it as its hand-off,
    then `keep` or `forget`. After the hand-off, `how` says how the model got into HiGHS and
    `started_from` which finished run's plan the search started from (None: none). With
    `shared`, the plans this worker finishes are published there, and the other workers' plans
    for models of the same shape are starts too.
    """

    def __init__(self, shared: SharedPlans | None = None) -> None:
        self._shared = shared
        self._held: _Held | None = None
        self._pending = "built: first run of this worker"
        self._run: tuple[int, Point] = (0, ())
        self.how = ""
        self.started_from: int | None = None

    def start_run(self, number: int, point: Point) -> None:
        """The run the next hand-off is for, and its values (to find the nearest finished run)."""
        self._run = (number, point)
        self.how = ""
        self.started_from = None

    def __call__(self, built: BuiltModel, log: bool) -> Compiled:
        held = self._held
        highs = held.highs if held is not None else new_highs(log)
        standard = compile_standard(built, Limits.of(highs))
        with PauseGC():  # tens of thousands of small tuples: collections would scan the model
            shape = shape_of(standard)
        why = self._pending if held is None else difference(held.shape, shape)
        if held is not None and why is None:
            changed = apply_differences(highs, held.numbers, standard.numbers)
            held.numbers = standard.numbers
            self.how = f"reused: {changed} numbers changed in place"
        else:
            self.how = self._pending if held is None else f"rebuilt: {why}"
            if held is not None:
                highs = new_highs(log)
            pass_model(highs, standard)
            held = self._held = _Held(highs, shape, standard.numbers, [])
            if self._shared is not None:
                held.digest = digest(shape)
        self._pending = ""
        compiled = standard.compiled(highs)
        self._start(held, standard, compiled)
        compiled.start_offered = self.started_from is not None
        return compiled

    def _start(self, held: _Held, standard: Standard, compiled: Compiled) -> None:
        """Start from the nearest finished run's plan that is feasible for this run."""
        if self._shared is not None:
            held.plans.extend(self._shared.collect(held.digest, held.seen))
            del held.plans[:-KEPT_PLANS]
        point = self._run[1]
        for position in by_distance(point, [values for _, values, _ in held.plans]):
            number, _, plan = held.plans[position]
            if feasible(standard.numbers, standard.integer_columns, plan):
                if offer_plan(compiled, plan):
                    self.started_from = number
                return

    def keep(self) -> None:
        """The run ended with a plan, and the instance holds its model untouched: keep both
        (the plans of the latest KEPT_PLANS runs, so that a long sweep's memory stays bounded)."""
        held = self._held
        assert held is not None, "keep() after a hand-off"
        values = np.asarray(held.highs.getSolution().col_value, dtype=float)
        number, point = self._run
        held.plans.append((number, point, values))
        held.seen.add(number)
        del held.plans[:-KEPT_PLANS]
        if self._shared is not None and not self._shared.publish(held.digest, held.plans[-1]):
            self._shared = None

    def forget(self, why: str) -> None:
        """The instance no longer holds the run's model (or the run failed): the next run
        rebuilds, and its record says `why`."""
        self._held = None
        self._pending = f"rebuilt: {why}"
