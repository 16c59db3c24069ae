"""What a worker does with one run: change a copy of the workbook, validate it, solve, summarise.

A `SolveJob` is sent to each worker once; per run it copies the raw workbook (cheap: lists of
cell values), writes the run's values, validates the copy like any input (so a swept value meets
the same checks as a typed one) and solves it with one HiGHS thread, since the sweep's parallelism
is across runs. It never raises for a bad run: whatever goes wrong becomes the run's record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from planner.errors import InputError
from planner.io.raw import RawWorkbook
from planner.options import SolveOptions
from planner.sweep.execute import Record, failed
from planner.sweep.expand import Run
from planner.sweep.summary import summarise
from planner.sweep.target import Target, apply
from planner.validate import case_from_raw


@dataclass(frozen=True)
class SolveJob:
    """The shared part of every run: the base workbook, the resolved definitions, the options."""

    raw: RawWorkbook
    targets: tuple[Target, ...]
    options: SolveOptions  # of every run: SweepOptions.per_run()

    def __call__(self, run: Run) -> Record:
        from planner.solve import solve_case  # imported in the worker, where it is used

        started = time.perf_counter()
        raw = self.raw.copy()
        notes = apply(raw, self.targets, run)
        try:
            case, _ = case_from_raw(raw)
        except InputError as error:
            problems = "; ".join(str(issue) for issue in error.errors)
            record = failed(f"the changed input is not valid: {problems}")
        else:
            try:
                outcome = solve_case(case, self.options)
                record = summarise(case, outcome)
            except Exception as error:  # one run's failure must not end the sweep
                record = failed(f"{type(error).__name__}: {error}")
        record["note"] = "; ".join(notes)
        record["seconds"] = time.perf_counter() - started
        return record
