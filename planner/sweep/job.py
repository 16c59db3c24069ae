"""What a worker does with one run: change a copy of the workbook, validate it, solve, summarise.

A `SolveJob` is sent to each worker once; per run it copies the raw workbook (cheap: lists of
cell values), writes the run's values, validates the copy like any input (so a swept value meets
the same checks as a typed one) and solves it with one HiGHS thread, since the sweep's parallelism
is across runs. It never raises for a bad run: whatever goes wrong becomes the run's record.

With `reuse` (the default), each worker process keeps its HiGHS instance from run to run
(`planner.reuse.ReusedSolver`): a run whose model has the shape of the previous one changes only
its numbers in place and starts from the plan of the nearest run this worker finished whose plan
is feasible for the new numbers. With `plans_folder` (a sweep with several workers), the workers
share their finished plans through that folder, so a run may start from a plan another worker
found (`planner.reuse.SharedPlans`). The record says how the model got into HiGHS (`model`:
"reused: ...", "built: ..." or "rebuilt: <why>") and which run's plan the search started from
(`warm_start`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.case import Case
from planner.errors import InputError
from planner.io.raw import RawWorkbook
from planner.options import SolveOptions
from planner.sweep.execute import Record, failed
from planner.sweep.expand import Run
from planner.sweep.summary import summarise
from planner.sweep.target import Target, apply
from planner.validate import case_from_raw

if TYPE_CHECKING:
    from planner.outcome import Outcome
    from planner.reuse import ReusedSolver

# A run with one of these statuses leaves its plan in the solver, a start for the next runs.
_WITH_PLAN = ("optimal", "time_limit_feasible")


@dataclass(frozen=True)
class SolveJob:
    """The shared part of every run: the base workbook, the resolved definitions, the options."""

    raw: RawWorkbook
    targets: tuple[Target, ...]
    options: SolveOptions  # of every run: SweepOptions.per_run()
    reuse: bool = True  # keep the model in HiGHS from run to run (see the module docstring)
    plans_folder: str | None = None  # where the workers share finished plans (None: they don't)
    # Each thread's solver (a worker process has one thread of runs; a Dask worker may run
    # several side by side): made at its first run, never sent to another process.
    _threads: threading.local = field(
        default_factory=threading.local, init=False, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_threads"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _threads=threading.local())

    def __call__(self, run: Run) -> Record:
        started, cpu = time.perf_counter(), time.process_time()
        raw = self.raw.copy()
        notes = apply(raw, self.targets, run)
        try:
            case, _ = case_from_raw(raw)
        except InputError as error:
            problems = "; ".join(str(issue) for issue in error.errors)
            record = failed(f"the changed input is not valid: {problems}")
        else:
            record = self._solve(case, run)
        record["note"] = "; ".join(notes)
        record["seconds"] = time.perf_counter() - started
        # This process's CPU seconds: the run's own work even when other processes share the
        # cores (HiGHS runs one thread in a sweep).
        record["cpu_seconds"] = time.process_time() - cpu
        return record

    def _solve(self, case: Case, run: Run) -> Record:
        """Solve one valid run's case, reusing this worker's solver when allowed."""
        from planner.solve import fresh_hand_off, solve_case  # imported in the worker

        solver = self._worker_solver() if self.reuse else None
        if solver is not None:
            solver.start_run(run.number, self._point(run))
        try:
            outcome = solve_case(case, self.options, solver or fresh_hand_off)
            record = summarise(case, outcome)
        except Exception as error:  # one run's failure must not end the sweep
            if solver is not None:
                solver.forget(f"the previous run failed ({type(error).__name__})")
            record = failed(f"{type(error).__name__}: {error}")
            outcome = None
        record["model"] = "built: model reuse is off" if solver is None else solver.how
        record["warm_start"] = None if solver is None else solver.started_from
        if solver is not None and outcome is not None:
            self._after(solver, outcome)
        if outcome is not None:
            record["timings"] = outcome.timings
        return record

    def _after(self, solver: ReusedSolver, outcome: Outcome) -> None:
        """Keep the run's plan as a start, or drop a solver model that the solve changed."""
        if outcome.status == "infeasible" and self.options.diagnose:
            solver.forget("the previous run's infeasibility diagnosis changed the solver's model")
        elif self.options.coverage_duals and outcome.status in _WITH_PLAN:
            solver.forget("the previous run's coverage duals relaxed the solver's model")
        elif outcome.status in _WITH_PLAN:
            solver.keep()

    def _point(self, run: Run) -> tuple[float | None, ...]:
        """The run's values with None (the workbook's value) replaced by the number it stands
        for where one number does: 1 for a multiplier, the cells' common value otherwise."""
        return tuple(
            value
            if value is not None
            else (1.0 if target.definition.relative else target.common_base)
            for value, target in zip(run.values, self.targets, strict=True)
        )

    def _worker_solver(self) -> ReusedSolver:
        from planner.reuse import ReusedSolver, SharedPlans

        solver: ReusedSolver | None = getattr(self._threads, "solver", None)
        if solver is None:
            shared = None if self.plans_folder is None else SharedPlans(Path(self.plans_folder))
            solver = self._threads.solver = ReusedSolver(shared)
        return solver
