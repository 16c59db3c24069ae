"""A whole sweep: read and check once, expand, run what is missing, record, report.

read the input ─ validate the base case ─ resolve the definitions ─ expand into runs
─ open the output folder (new, or --resume) ─ run the missing runs (each recorded at once)
─ results workbook and charts from every recorded run
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner import __version__
from planner.errors import Issue as InputIssue
from planner.errors import PlannerError
from planner.interrupts import noticing_interrupts
from planner.io import read_raw
from planner.io.raw import RawWorkbook, column_key
from planner.results.tables import input_sha256
from planner.schema import SWEEPS_SHEET
from planner.sweep.definition import Definition, definitions_from_sheet
from planner.sweep.execute import Record, default_workers, execute, in_parallel
from planner.sweep.expand import Run, expand
from planner.sweep.job import SolveJob
from planner.sweep.options import SweepOptions
from planner.sweep.report import OK_STATUSES, write_workbook
from planner.sweep.store import (
    open_folder,
    read_manifest,
    read_runs,
    run_path,
    write_json_atomic,
)
from planner.sweep.target import resolve
from planner.validate import case_from_raw

WORKBOOK = "sweep.xlsx"


class SweepError(PlannerError):
    """A sweep that cannot start: nothing to vary (exit code 1)."""


class SweepInterrupted(PlannerError):
    """Stopped by the user; every run finished so far is recorded (exit code 130, as for ^C)."""

    exit_code = 130


@dataclass
class SweepResult:
    """What a finished (or partly finished) sweep left in its folder."""

    folder: Path
    workbook: Path
    charts: list[Path]
    runs: int  # runs in the sweep
    recorded: int  # runs recorded in the folder, this call's and earlier ones
    ran: int  # runs solved by this call
    statuses: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return self.recorded == self.runs


# Called after each recorded run with (record, runs recorded so far, runs in the sweep).
Progress = Callable[[Record, int, int], None]


class ProgressBar:
    """A tqdm bar of runs recorded, with the runs that found no plan and the time left.

    Pass it as `run_sweep(progress=...)`; close it afterwards. It stays silent when stderr is not
    a terminal (a log file gets the final summary only).
    """

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = enabled  # None: when stderr is a terminal
        self._bar: Any = None
        self._without_plan: Counter[str] = Counter()

    def __call__(self, total: int, done: int) -> Progress:
        from tqdm import tqdm

        self._bar = tqdm(
            total=total,
            initial=done,
            unit="run",
            desc="sweep",
            disable=None if self.enabled is None else not self.enabled,
        )

        def update(record: Record, _done: int, _total: int) -> None:
            if record["status"] not in OK_STATUSES:
                status = "infeasible" if record["status"] == "infeasible" else "failed"
                self._without_plan[status] += 1
                self._bar.set_postfix(self._without_plan, refresh=False)
            self._bar.update(1)

        return update

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def run_sweep(
    input_path: str | Path,
    folder: str | Path,
    *,
    definitions: Sequence[Definition] | None = None,
    options: SweepOptions | None = None,
    progress: Callable[[int, int], Progress] | None = None,
    warn: Callable[[list[InputIssue]], None] | None = None,
) -> SweepResult:
    """Run the sweep of `definitions` (or of the input's Sweeps sheet) over the input's case.

    `options` says how (mode, workers, resume, each run's SolveOptions; default: a grid on all
    cores). `progress(total, already_recorded)` may return a callback that sees each recorded
    run; `warn` sees the base case's warnings before any run starts.
    """
    options = options or SweepOptions()
    started = time.perf_counter()
    input_path = Path(input_path)
    folder = Path(folder)
    raw = read_raw(input_path)
    if definitions is None:
        definitions = _sheet_definitions(raw)
    case, warnings = case_from_raw(raw)  # InputError (exit 1) when the base case is not valid
    if warn is not None and warnings:
        warn(warnings)
    targets = resolve(raw, definitions)
    runs = expand(
        definitions,
        options.mode,
        samples=options.samples,
        seed=options.seed,
        whole=[t.whole for t in targets],
    )
    solve = options.per_run()
    manifest = {
        "input": str(input_path),
        "input_sha256": input_sha256(input_path),
        "definitions": [d.text for d in definitions],
        "labels": [d.label for d in definitions],
        "where": [d.where for d in definitions],
        "relative": [d.relative for d in definitions],
        "values": [list(d.values) for d in definitions],
        # For charts: each input as people say it, its unit, and what its multipliers multiply.
        "names": [t.name for t in targets],
        "units": [t.field.unit for t in targets],
        "bases": [t.common_base for t in targets],
        "mode": options.mode,
        "samples": options.samples,
        "seed": options.seed if options.mode == "sample" else None,
        "runs": len(runs),
        "solver_options": {"time_limit": solve.time_limit, "mip_gap": solve.mip_gap},
        "minerals": list(case.minerals),
        "planner_version": __version__,
    }
    recorded = open_folder(folder, manifest, resume=options.resume)

    missing = [run for run in runs if run.number not in recorded]
    if options.max_runs is not None:
        missing = missing[: options.max_runs]
    labels = [d.label for d in definitions]
    workers = options.workers if options.workers is not None else default_workers()
    done = len(recorded)
    ran = 0
    notify = progress(len(runs), done) if progress is not None else None

    def record(run: Run, result: Record) -> None:
        nonlocal done, ran
        interrupts.raise_if_interrupted()  # a run cut short by Ctrl-C is not a result
        document = {"run": run.number, "values": dict(zip(labels, run.values, strict=True))}
        document.update(result)
        write_json_atomic(run_path(folder, run.number), document)
        done += 1
        ran += 1
        if notify is not None:
            notify(document, done, len(runs))

    share = options.reuse and in_parallel(len(missing), workers, options.dask_address)
    try:
        with noticing_interrupts() as interrupts, _plans_folder(folder, share) as plans:
            job = SolveJob(raw, tuple(targets), solve, reuse=options.reuse, plans_folder=plans)
            execute(job, missing, record, workers=workers, dask_address=options.dask_address)
    except KeyboardInterrupt:
        raise SweepInterrupted(
            f"interrupted: {done} of {len(runs)} runs are recorded in {folder}; "
            "run the same command with --resume to finish the others"
        ) from None
    return report(folder, ran=ran, started=started, workers=workers)


# Where the workers of a sweep share their finished plans, inside its output folder: on the same
# file system as the sweep (a cluster's shared disk included), and found again by `--resume`
# after a sweep that was killed before it could remove it.
PLANS = ".plans"


@contextlib.contextmanager
def _plans_folder(folder: Path, wanted: bool) -> Iterator[str | None]:
    """The folder where the workers share their finished plans (`planner.reuse`), emptied when
    the runs start and removed when they end; None when not `wanted` (one worker, or no reuse)."""
    plans = folder / PLANS
    shutil.rmtree(plans, ignore_errors=True)  # a killed sweep's plans: its runs are recorded
    if not wanted:
        yield None
        return
    plans.mkdir()
    try:
        yield str(plans)
    finally:
        shutil.rmtree(plans, ignore_errors=True)


def report(
    folder: Path,
    *,
    ran: int = 0,
    started: float | None = None,
    workers: int = 1,
) -> SweepResult:
    """Write the results workbook and charts of every run recorded in `folder` (the charts drawn
    by up to `workers` processes)."""
    from planner.sweep.drawing import draw_charts  # matplotlib loads only where charts are drawn

    manifest = read_manifest(folder)
    records = read_runs(folder)
    workbook = folder / WORKBOOK
    write_workbook(workbook, manifest, records)
    charts = draw_charts(folder, manifest, records, workers)
    return SweepResult(
        folder=folder,
        workbook=workbook,
        charts=charts,
        runs=manifest["runs"],
        recorded=len(records),
        ran=ran,
        statuses=Counter(record["status"] for record in records),
        seconds=time.perf_counter() - started if started is not None else 0.0,
    )


def _sheet_definitions(raw: RawWorkbook) -> list[Definition]:
    sheet = next(
        (s for s in raw.sheets.values() if column_key(s.name) == column_key(SWEEPS_SHEET)), None
    )
    if sheet is None:
        raise SweepError(
            "nothing to vary: give --vary (e.g. --vary Settings.budget=0:20e9:11), "
            "--definitions FILE.yaml, or a Sweeps sheet in the input"
        )
    return definitions_from_sheet(sheet)
