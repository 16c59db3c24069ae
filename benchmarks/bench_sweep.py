"""How fast sweeps run: the code before issue 15 against today's, with 1 and 2 workers, side by
side.

    python benchmarks/bench_sweep.py [--input CASE] [--sweeps oat price] [--runs N] [--write]

First, where one run's time goes: the steps of one solve of the case, each timed in CPU seconds
in this process (one HiGHS thread, HiGHS's default search settings as before issue 15). Then two
sweeps, each four times in this one invocation: 1 worker as before issue 15, 1 worker as now,
2 workers as before, 2 workers as now, each in a fresh Python process and each HiGHS with one
thread. The sweeps:

- ``oat``: the one-at-a-time sweep of the issue, the bundled case's neighbours of
  benchmarks/bench_mip.py (each mineral's price × 0.5 and × 1.5, the budget × 0.5 and × 1.5, each
  scenario's probability doubled) after a first run at the workbook's values, as
  `planner sweep --mode oat` runs them;
- ``price``: every mineral price through N multipliers from x0.9 to x1.1 at once (small moves,
  where every run is an easy solve of a slightly different case; N is 16 unless `--runs`).

"Before issue 15" is `--no-reuse` (every run builds and hands off its model) with
`SolveOptions(baseline=True)` (HiGHS's default search settings, no first plan), which the sweep
hands to every worker's solve; "now" is the default: reuse (`planner/reuse.py`) and the search of
`planner.solve`. For each it reports the wall-clock time of the whole sweep (start-up, every solve,
the workbook and charts) split at the moment the last run is recorded, runs per minute, the CPU
seconds of a run in its worker process (which other processes on the machine do not inflate), how
many runs changed their model in place and how many started from another run's plan, and how far
each run's objective is from the same run's before. `--write` also writes the tables to
benchmarks/sweep-results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import highspy
from planner.models.data import prepare

from planner import __version__
from planner.build import build_model
from planner.case import Case
from planner.commands.common import bundled_input
from planner.handoff import compile_standard, new_highs, pass_model, run, thread_scheduler
from planner.io import read_raw
from planner.options import SolveOptions
from planner.representable import Limits
from planner.sweep.definition import parse_definition
from planner.sweep.execute import default_workers
from planner.sweep.expand import Mode
from planner.sweep.options import SweepOptions
from planner.sweep.runner import run_sweep
from planner.sweep.store import read_runs
from planner.validate import case_from_raw

RESULTS = Path(__file__).resolve().parent / "sweep-results.md"
PAIRS = Path(__file__).resolve().parent / "sweep-pairs.md"
# (workers, now), in run order; now=False is the code before issue 15 (see the docstring)
CONFIGURATIONS = ((1, False), (1, True), (2, False), (2, True))


def profile_run(case_path: Path) -> dict[str, float]:
    """CPU seconds of each step of one solve of the case, as a sweep run without reuse does it.

    The read-back (solution into the Pyomo variables, the plan tables, the run's summary) is
    timed through `planner.solve`'s own functions, so that it is the same work a run does.
    """
    from planner.solve import _load_solution, _plan  # the read-back steps of a solve

    raw = read_raw(case_path)
    steps: dict[str, float] = {}

    def timed(name: str, started: float) -> float:
        now = time.process_time()
        steps[name] = now - started
        return now

    with thread_scheduler(1):
        started = time.process_time()
        case, _ = case_from_raw(raw.copy())
        started = timed("copy and validate the workbook", started)
        prepare(case)
        preparing = time.process_time() - started
        started = time.process_time()
        built = build_model(case)
        started = timed("Pyomo build (prepared data and components)", started)
        highs = new_highs()
        standard = compile_standard(built, Limits.of(highs))
        started = timed("compile to standard form", started)
        pass_model(highs, standard)
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("mip_rel_gap", case.settings.mip_gap)
        started = timed("passModel", started)
        run(highs, None)
        started = timed("MIP (HiGHS, one thread, settings before issue 15)", started)
        compiled = standard.compiled(highs)
        _load_solution(compiled, built)
        _plan(built)
        timed("read the plan back", started)
    steps["of which prepared data (models/data.py)"] = preparing
    return steps


def read_case(case_path: Path) -> Case:
    return case_from_raw(read_raw(case_path))[0]


def sweep_definitions(case: Case, sweep: str, runs: int) -> tuple[list[str], Mode]:
    """The definitions (as `--vary` takes them) and the mode of the sweep named `sweep`."""
    if sweep == "price":
        return [f"Minerals.price=x0.9:x1.1:{runs}"], "grid"
    return [
        *(f"Minerals.price[{mineral}]=x0.5,x1.5" for mineral in case.minerals),
        "Settings.budget=x0.5,x1.5",
        *(f"Scenarios.probability[{scenario}]=x2" for scenario in case.scenarios),
    ], "oat"


def time_sweep(
    case: Path, folder: Path, sweep: tuple[list[str], Mode], workers: int, now: bool
) -> dict[str, Any]:
    """Wall-clock seconds of a sweep, and what its runs recorded; `now` False runs it as before
    issue 15 (no reuse, the baseline search)."""
    texts, mode = sweep
    definitions = [parse_definition(text, "bench") for text in texts]
    solve = SolveOptions(threads=1, baseline=not now)
    options = SweepOptions(mode=mode, workers=workers, reuse=now, solve=solve)
    last_recorded = [0.0]

    def progress(_total: int, _done: int) -> Callable[[dict, int, int], None]:
        def recorded(_record: dict, _done: int, _total: int) -> None:
            last_recorded[0] = time.perf_counter()

        return recorded

    started = time.perf_counter()
    result = run_sweep(case, folder, definitions=definitions, options=options, progress=progress)
    finished = time.perf_counter()
    wall = finished - started
    records = read_runs(folder)
    return {
        "runs": len(records),
        "wall": wall,
        "per_minute": 60.0 * result.recorded / wall,
        "runs_wall": last_recorded[0] - started,  # until the last run is recorded
        "report": finished - last_recorded[0],  # the workbook and charts
        "cpu_mean": statistics.fmean(r["cpu_seconds"] for r in records),
        "solve_mean": statistics.fmean(r.get("timings", {}).get("solve", 0.0) for r in records),
        "build_mean": statistics.fmean(
            r.get("timings", {}).get("build", 0.0) + r.get("timings", {}).get("handoff", 0.0)
            for r in records
        ),
        "reused": sum(str(r.get("model", "")).startswith("reused") for r in records),
        "warm": sum(r.get("warm_start") is not None for r in records),
        "objectives": [r.get("objective") for r in records],
        "statuses": ", ".join(
            f"{count} {status}"
            for status, count in sorted(Counter(r["status"] for r in records).items())
        ),
    }


def time_sweep_alone(
    case: Path, folder: Path, sweep: tuple[list[str], Mode], workers: int, now: bool
) -> dict[str, Any]:
    """`time_sweep` in a fresh Python process, as a `planner sweep` command runs: each version
    pays its own start-up (the worker processes' server, the first imports of the report), none
    inherits what an earlier measurement left in this process."""
    texts, mode = sweep
    order = {"case": str(case), "folder": str(folder), "texts": texts, "mode": mode}
    order |= {"workers": workers, "now": now}
    done = subprocess.run(
        [sys.executable, __file__, "--time-one", json.dumps(order)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the timed sweep failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _time_one(order_text: str) -> int:
    """The child of `time_sweep_alone`: time one sweep, print its figures as one JSON line."""
    order = json.loads(order_text)
    figures = time_sweep(
        Path(order["case"]),
        Path(order["folder"]),
        (order["texts"], order["mode"]),
        order["workers"],
        order["now"],
    )
    print(json.dumps(figures))
    return 0


def _largest_difference(sweeps: dict[tuple[int, bool], dict[str, Any]]) -> float:
    """The largest relative difference between a run's objective now and before."""
    largest = 0.0
    for workers in (1, 2):
        now, before = sweeps[(workers, True)], sweeps[(workers, False)]
        for reused, rebuilt in zip(now["objectives"], before["objectives"], strict=True):
            if reused is not None and rebuilt is not None:
                largest = max(largest, abs(reused - rebuilt) / max(abs(rebuilt), 1.0))
    return largest


def _step_table(steps: dict[str, float]) -> list[str]:
    total = sum(v for k, v in steps.items() if not k.startswith("of which"))
    return [
        "| step of one run | CPU seconds | share |",
        "|---|---:|---:|",
        *(
            f"| {name} | {seconds:.3f} | {100 * seconds / total:.1f}% |"
            for name, seconds in steps.items()
        ),
        f"| total | {total:.2f} | |",
    ]


def _sweep_table(sweeps: dict[tuple[int, bool], dict[str, Any]]) -> list[str]:
    lines = [
        "| workers | version | runs | wall-clock | of which: until the last run is recorded "
        "| of which: workbook and charts | runs per minute | CPU seconds per run "
        "(mean) | build + hand-off, wall s (mean) | MIP, wall s (mean) | models changed in place "
        "| runs warm-started |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (workers, now), figures in sweeps.items():
        version = "now (reuse, new search)" if now else "before issue 15 (--no-reuse, baseline)"
        lines.append(
            f"| {workers} | {version} | {figures['runs']} "
            f"({figures['statuses']}) | {figures['wall']:.1f} s | {figures['runs_wall']:.1f} s | "
            f"{figures['report']:.1f} s | {figures['per_minute']:.1f} | "
            f"{figures['cpu_mean']:.2f} | {figures['build_mean']:.2f} | "
            f"{figures['solve_mean']:.2f} | {figures['reused']} | {figures['warm']} |"
        )
    return lines


def _summary(
    sweeps: dict[tuple[int, bool], dict[str, Any]],
    load: tuple[float, float],
    busy: bool,
    mip_gap: float,
) -> str:
    def rate(workers: int, now: bool) -> float:
        return float(sweeps[(workers, now)]["per_minute"])

    def cpu(workers: int, now: bool) -> float:
        return float(sweeps[(workers, now)]["cpu_mean"])

    def runs_rate(workers: int, now: bool) -> float:
        figures = sweeps[(workers, now)]
        return float(figures["runs"] / figures["runs_wall"])

    cores = os.cpu_count() or 1
    return (
        f"With one worker, the code now gives {rate(1, True) / rate(1, False):.2f} times the "
        f"runs per minute of the code before issue 15 (target at least 2); with two workers, "
        f"{rate(2, True) / rate(2, False):.2f} times. Two workers give "
        f"{rate(2, True) / rate(1, True):.2f} times one worker's runs per minute now (target at "
        f"least 1.8), and {rate(2, False) / rate(1, False):.2f} times before. Counted until "
        f"the last run is recorded (without the workbook and charts, which are drawn once at "
        f"the end), two workers give {runs_rate(2, True) / runs_rate(1, True):.2f} times one "
        f"worker's runs per minute now, and {runs_rate(2, False) / runs_rate(1, False):.2f} "
        f"times before. A run's CPU seconds with two workers are "
        f"{cpu(2, True) / cpu(1, True):.2f} times those with one now, and "
        f"{cpu(2, False) / cpu(1, False):.2f} times before. In CPU seconds, "
        f"which other work on the machine inflates less, a run now costs "
        f"{cpu(1, True) / cpu(1, False):.2f} times a run before with one worker, and "
        f"{cpu(2, True) / cpu(2, False):.2f} times with two. The largest "
        f"relative difference between a run's objective now and before is "
        f"{_largest_difference(sweeps):.1e} (the case's mip_gap allows {mip_gap:g}). "
        f"The 1-minute load average was {load[0]:.1f} when this sweep started and "
        f"{load[1]:.1f} when it ended, on {cores} cores; it counts this benchmark's own "
        f"earlier work. "
        + (
            "Other work shared the cores when the benchmark started, which slows every sweep "
            "and the 2-worker sweeps most; the CPU seconds per run are less affected than the "
            "wall-clock figures."
            if busy
            else "The cores were otherwise idle when the benchmark started."
        )
    )


SWEEPS = ("oat", "price")
# Runs of the price sweep: enough that the ratios are not decided by the workers' start-up and
# the last run's wait alone.
PRICE_RUNS = 16
TITLES = {
    "oat": "One-at-a-time sweep of the bundled case's neighbours",
    "price": "Every mineral price from x0.9 to x1.1",
}


def measure_pairs(case: Path, read: Case, sweeps: list[str], pairs: int, runs: int) -> str:
    """Today's code only, one worker then two, `pairs` times in turn: how much the ratio of two
    workers to one moves from one measurement to the next on this machine."""
    sections = []
    with tempfile.TemporaryDirectory() as scratch:
        for sweep in sweeps:
            definitions = sweep_definitions(read, sweep, runs)
            rows, ratios = [], []
            for pair in range(1, pairs + 1):
                walls = {}
                for workers in (1, 2):
                    folder = Path(scratch) / f"{sweep}-{pair}-{workers}"
                    figures = time_sweep_alone(case, folder, definitions, workers, True)
                    walls[workers] = figures["wall"]
                ratios.append(walls[1] / walls[2])
                rows.append(f"| {pair} | {walls[1]:.1f} s | {walls[2]:.1f} s | {ratios[-1]:.2f} |")
            sections += [
                f"## {TITLES[sweep]}",
                "",
                "| pair | 1 worker, wall-clock | 2 workers, wall-clock | 2 workers / 1 worker |",
                "|---:|---:|---:|---:|",
                *rows,
                "",
                f"Ratio: lowest {min(ratios):.2f}, median {statistics.median(ratios):.2f}, "
                f"highest {max(ratios):.2f} (target at least 1.8).",
                "",
            ]
    return "\n".join(sections)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--time-one":
        return _time_one(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, help="case (default: the bundled case)")
    parser.add_argument(
        "--sweeps", nargs="+", choices=SWEEPS, default=list(SWEEPS), help="which sweeps to time"
    )
    parser.add_argument(
        "--workers", nargs="+", type=int, default=[1, 2], help="worker counts (default 1 2)"
    )
    parser.add_argument(
        "--runs", type=int, default=PRICE_RUNS, help=f"runs of the price sweep ({PRICE_RUNS})"
    )
    parser.add_argument(
        "--pairs",
        type=int,
        metavar="K",
        help="instead: today's code only, 1 then 2 workers, K times in turn "
        f"(the spread of the ratio; --write writes {PAIRS.name})",
    )
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args()
    if args.pairs:
        return _pairs(args)
    complete = sorted(set(args.workers)) == [1, 2]
    if args.write and not complete:
        parser.error("--write needs both worker counts (--workers 1 2)")
    case = args.input or bundled_input()
    read = read_case(case)
    load_before = os.getloadavg()[0]
    steps = profile_run(case)
    sections: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        for sweep in args.sweeps:
            texts, mode = sweep_definitions(read, sweep, args.runs)
            started_load = os.getloadavg()[0]
            sweeps = {
                (workers, now): time_sweep_alone(
                    case, Path(scratch) / f"{sweep}-w{workers}-{now}", (texts, mode), workers, now
                )
                for workers, now in CONFIGURATIONS
                if workers in args.workers
            }
            sections += [
                f"## {TITLES[sweep]}",
                "",
                f"`planner sweep --mode {mode} "
                + " ".join(f'--vary "{text}"' for text in texts)
                + "`",
                "",
                *_sweep_table(sweeps),
                "",
                _summary(
                    sweeps,
                    (started_load, os.getloadavg()[0]),
                    load_before > 0.5 * (os.cpu_count() or 1),
                    read.settings.mip_gap,
                )
                if complete
                else "(The ratios need both worker counts.)",
                "",
            ]
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores "
        f"({default_workers()} usable), Python {platform.python_version()}, "
        f"HiGHS {highspy.Highs().version()}, planner {__version__}"
    )
    command = _command(args)
    text = "\n".join(
        [
            "# Sweep benchmark",
            "",
            f"<!-- Generated by `{command} --write`; do not edit. -->",
            "",
            f"Case: `{case.name}`. Machine: "
            + machine
            + f". Load average {load_before:.1f} when the benchmark started. Measured in one "
            "invocation: first one solve of the case step by step (CPU seconds of this "
            "process), then each sweep four times one after another in the order of its table, "
            "each in a fresh Python process (so each pays its own start-up, as a command does), "
            "each HiGHS with one thread; the version before issue 15 runs with `--no-reuse` and "
            "`SolveOptions(baseline=True)`, the version now with the defaults.",
            "",
            *_step_table(steps),
            "",
            *sections,
            "## What reuse does",
            "",
            "Without reuse, every run validates its changed workbook, builds the Pyomo model, "
            "compiles it and passes it to a new HiGHS instance, and solves from scratch. With "
            "reuse (the default), a worker changes only the numbers that differ in the HiGHS "
            "instance of its previous run when the model has the same columns, rows and "
            "sparsity, and starts the MIP from the plan of the nearest finished run whose "
            "plan is feasible for the run's numbers (`planner/reuse.py`); with several workers, "
            "the workers share their finished plans, so the nearest run may be another "
            "worker's. A price sweep moves the budget row's coefficients, so that an earlier "
            "plan may fit none of the later runs. The Pyomo build and the compilation still "
            "run for every run: they produce the run's numbers and the plan's read-back. "
            "Wall-clock times include starting the workers, writing the sweep workbook and "
            "drawing the charts (side by side in as many processes as workers, in both versions).",
            "",
        ]
    )
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    return 0


def _command(args: argparse.Namespace, *first: str) -> str:
    """The command that writes a table with these arguments (without --write)."""
    words = ["python benchmarks/bench_sweep.py", *first]
    if args.runs != PRICE_RUNS:
        words.append(f"--runs {args.runs}")
    if list(args.sweeps) != list(SWEEPS):
        words.append("--sweeps " + " ".join(args.sweeps))
    return " ".join(words)


def _pairs(args: argparse.Namespace) -> int:
    case = args.input or bundled_input()
    load_before = os.getloadavg()[0]
    body = measure_pairs(case, read_case(case), list(args.sweeps), args.pairs, args.runs)
    command = _command(args, f"--pairs {args.pairs}")
    text = "\n".join(
        [
            "# Sweep benchmark: two workers against one, measured again and again",
            "",
            f"<!-- Generated by `{command} --write`; do not edit. -->",
            "",
            f"Case: `{case.name}`, today's code (reuse, the new search), each HiGHS with one "
            f"thread, each sweep in a fresh Python process, one worker then two workers, "
            f"{args.pairs} pairs in turn. The sweeps are those of sweep-results.md. Load average "
            f"{load_before:.1f} when the measurement started, on {os.cpu_count()} cores.",
            "",
            body,
        ]
    )
    print(text)
    if args.write:
        PAIRS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
