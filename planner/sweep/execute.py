"""Running a sweep's runs: in this process, in a pool of worker processes, or on a Dask cluster.

The job (the workbook, the resolved definitions and the solve options) is sent to each worker
once: to a process pool through its initializer, to a Dask cluster by scattering it to every
worker. Only run numbers and values travel per run, and only the small record comes back. The
caller's `record` callback sees each finished run at once, in completion order, so it can be
written to disk before the next one finishes.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from planner.errors import PlannerError
from planner.sweep.expand import Run

Record = dict[str, Any]


class Job(Protocol):
    """What a worker does with one run; must be picklable and must not raise for a bad run."""

    def __call__(self, run: Run) -> Record: ...


# How long to wait for a Dask scheduler before saying it cannot be reached.
CONNECT_SECONDS = 20

# A run in flight when a worker process dies is tried this many times before it is recorded as
# failed: a crash caused by another run in the same pool should not condemn it.
ATTEMPTS = 2

# What a pool's worker process calls with each item it is given (a sweep's job, the charts'
# drawing): sent once, when the process starts.
_installed_job: Callable[[Any], Any] | None = None


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def execute(
    job: Job,
    runs: Sequence[Run],
    record: Callable[[Run, Record], None],
    *,
    workers: int = 1,
    dask_address: str | None = None,
) -> None:
    """Run every run of `runs` and hand each result to `record` as soon as it is known."""
    if not runs:
        return
    if dask_address is not None:
        _execute_dask(job, runs, record, dask_address)
    elif not in_parallel(len(runs), workers, dask_address):
        for run in runs:
            record(run, job(run))
    else:
        _execute_pool(job, runs, record, min(workers, len(runs)))


def in_parallel(runs: int, workers: int, dask_address: str | None) -> bool:
    """Whether `execute` gives `runs` runs to more than one process: on a Dask cluster, or to a
    pool of local workers when there are at least two of them and two runs."""
    return dask_address is not None or min(workers, runs) > 1


def failed(reason: str) -> Record:
    """The record of a run that produced no outcome."""
    return {"status": "failed", "message": reason}


def _install(job: Callable[[Any], Any], main_pid: int) -> None:
    """Start a worker process: its job, then `start_worker`."""
    global _installed_job
    _installed_job = job
    start_worker(main_pid)


def start_worker(main_pid: int) -> None:
    """What every worker process of a pool does first (sweeps, `planner value`): leave Ctrl-C to
    the main process, which stops the pool, and die with the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(main_pid)


# Linux's prctl option that makes the kernel signal a process when its parent dies.
_PR_SET_PDEATHSIG = 1
# How often a worker checks that the main process is still there (where prctl is missing).
WATCH_SECONDS = 0.5


def die_with_parent(main_pid: int) -> None:
    """End this worker when the sweep's main process dies, even by SIGKILL.

    A worker left behind would wait for work for ever (or finish a long solve), holding the
    caller's stdout and stderr open, so that a caller reading them never returns. A worker's
    parent is the fork server, not the main process, and the fork server outlives a killed main
    process; so a watcher thread checks every WATCH_SECONDS that the main process is there, and
    exits the worker when it is not (it runs whenever the solver releases the interpreter). On
    Linux the kernel also kills the worker when its parent dies. The fork server and resource
    tracker exit by themselves once no worker is left.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = os.getppid()
    if not _running(main_pid):  # died before the kernel was told
        os._exit(1)
    threading.Thread(target=_watch, args=(main_pid, parent), daemon=True).start()


def _watch(main_pid: int, parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent or not _running(main_pid):
            os._exit(1)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def call_installed(item: Any) -> Any:
    """In a worker process of `worker_pool`: its job, called with `item`."""
    assert _installed_job is not None, "worker started without its job"
    return _installed_job(item)


def _execute_pool(
    job: Job, runs: Sequence[Run], record: Callable[[Run, Record], None], workers: int
) -> None:
    """At most `workers` runs in flight, so a dying worker process can only implicate those.

    The runs in flight when a process dies are retried; a run that was in flight at a death
    before is a suspect and runs alone, so a run that kills its process by itself is recorded as
    failed after ATTEMPTS tries and the others finish normally.
    """
    queue = deque(runs)
    attempts = dict.fromkeys((run.number for run in runs), 0)
    while queue:
        with worker_pool(job, workers) as pool:
            in_flight: dict[Future, Run] = {}
            try:
                while queue or in_flight:
                    while queue and len(in_flight) < workers:
                        suspect = attempts[queue[0].number] > 0
                        if in_flight and (suspect or _any_suspect(in_flight, attempts)):
                            break
                        run = queue.popleft()
                        in_flight[pool.submit(call_installed, run)] = run
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                        _requeue_or_fail(in_flight, attempts, queue, record)
                        break
                    for future in done:
                        record(in_flight.pop(future), future.result())
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise


def worker_pool(
    job: Callable[[Any], Any], workers: int, preload: list[str] | None = None
) -> ProcessPoolExecutor:
    """A pool of `workers` processes, each started by `start_worker` and holding `job` (sent
    once); `pool.submit(call_installed, item)` calls the job with `item` in one of them. `preload`:
    what the fork server imports (default PRELOAD, the solve path)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=worker_context(PRELOAD if preload is None else preload),
        initializer=_install,
        initargs=(job, os.getpid()),
    )


def worker_context(preload: list[str]) -> multiprocessing.context.BaseContext:
    """Worker processes forked from a clean server process that has imported `preload` once.

    Forking this process itself could deadlock (it runs threads: the progress bar's, Dask's);
    spawning re-imports Pyomo in every worker. A fork server imports it once and forks workers
    from a process without threads. Where there is no fork (Windows), workers are spawned.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    _start_fork_server()
    return context


def _start_fork_server() -> None:
    """Start the fork server (if it is not running) without the working folder on its path.

    The server is `python -c ...`, which puts the working folder first on sys.path, and Python
    3.11's server does not take this process's sys.path. Run from a clone of planner's source
    (where the README's quick start installs it), the server would import the clone's `planner`
    folder instead of the installed package, and every worker would fail. PYTHONSAFEPATH keeps
    the working folder off the server's path; this process's environment is restored at once.
    """
    from multiprocessing import forkserver

    previous = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if previous is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = previous


# What every worker imports: the solve path, and scipy.stats, which Pyomo's standard-form
# compiler imports on its first use (seconds, far more than a small solve).
PRELOAD = ["planner.sweep.job", "planner.solve", "scipy.stats"]


def _any_suspect(in_flight: dict[Future, Run], attempts: dict[int, int]) -> bool:
    return any(attempts[run.number] > 0 for run in in_flight.values())


def _requeue_or_fail(
    in_flight: dict[Future, Run],
    attempts: dict[int, int],
    queue: deque[Run],
    record: Callable[[Run, Record], None],
) -> None:
    """After a worker died: keep finished results, retry or fail the runs it may have killed."""
    for future, run in sorted(in_flight.items(), key=lambda item: -item[1].number):
        error = future.exception() if future.done() else BrokenProcessPool()
        if not isinstance(error, BrokenProcessPool):
            record(run, future.result())
            continue
        attempts[run.number] += 1
        if attempts[run.number] >= ATTEMPTS:
            record(run, failed("its worker process died (out of memory, or a solver crash)"))
        else:
            queue.appendleft(run)


def _execute_dask(
    job: Job, runs: Sequence[Run], record: Callable[[Run, Record], None], address: str
) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise PlannerError(
            "--dask needs dask.distributed: install planner's sweep extra "
            "(pip install '.[sweep]' in a clone of planner)"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as error:
        raise PlannerError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    with client:
        [shared] = client.scatter([job], broadcast=True, hash=False)
        futures = {
            client.submit(_call, shared, run, pure=False, retries=ATTEMPTS - 1): run for run in runs
        }
        try:
            for future in as_completed(futures):
                run = futures[future]
                if future.status == "finished":
                    record(run, future.result())
                else:
                    problem = future.exception()
                    record(
                        run, failed(f"the Dask worker failed: {type(problem).__name__}: {problem}")
                    )
        except BaseException:
            client.cancel(list(futures))
            raise


def _call(job: Job, run: Run) -> Record:
    return job(run)
