"""Running the re-solves: in this process, or in a pool of worker processes (one HiGHS thread each).

Each worker process receives the case and the options once (the pool's initializer) and keeps
one built model for all its decision re-solves; only a task goes out and a `TaskResult` comes
back. Workers start as the sweeps' do (`planner.sweep.execute`): forked from a fork server that
has imported the solve path once, leaving Ctrl-C to the main process and dying with it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace

import numpy as np

from planner.case import Case
from planner.options import SolveOptions
from planner.sweep.execute import start_worker, worker_context
from planner.value.engine import Engine
from planner.value.tasks import Task, TaskResult, Worker

# What every worker imports before the first task: the model layer and scipy.stats, which Pyomo's
# standard-form compiler (the hand-off's fallback, `planner.standard_form`) imports on first use.
PRELOAD = ["planner.value.tasks", "scipy.stats"]

_worker: Worker | None = None


def run_tasks(
    case: Case,
    options: SolveOptions,
    tasks: Sequence[Task],
    *,
    workers: int,
    engine: Engine | None = None,
    plan: np.ndarray | None = None,
    done: Callable[[TaskResult], None] | None = None,
) -> list[TaskResult]:
    """Every task's result, in the order of `tasks`; `done` sees each one as it finishes.

    With one worker the tasks run here, on `engine` (the caller's built full model) when given.
    `plan` (the column values of the case's plan) lets decision re-solves warm-start.
    """
    results: dict[int, TaskResult] = {}

    def finished(index: int, result: TaskResult) -> None:
        results[index] = result
        if done is not None:
            done(result)

    if workers <= 1 or len(tasks) <= 1:
        worker = Worker(case, options, engine, plan)
        for index, task in enumerate(tasks):
            finished(index, worker(task))
    else:
        single = replace(options, threads=1)
        _run_pool(case, single, plan, tasks, min(workers, len(tasks)), finished)
    return [results[i] for i in range(len(tasks))]


def _install(case: Case, options: SolveOptions, plan: np.ndarray | None, main_pid: int) -> None:
    """Start a worker process: its built model, then the sweeps' `start_worker`."""
    global _worker
    _worker = Worker(case, options, plan=plan)
    start_worker(main_pid)


def _perform(task: Task) -> TaskResult:
    assert _worker is not None, "worker started without its case"
    return _worker(task)


def _run_pool(
    case: Case,
    options: SolveOptions,
    plan: np.ndarray | None,
    tasks: Sequence[Task],
    workers: int,
    finished: Callable[[int, TaskResult], None],
) -> None:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=worker_context(PRELOAD),
        initializer=_install,
        initargs=(case, options, plan, os.getpid()),
    )
    try:
        pending: dict[Future, int] = {pool.submit(_perform, t): i for i, t in enumerate(tasks)}
        while pending:
            complete, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in complete:
                finished(pending.pop(future), future.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
