"""Benchmark of sampled scenarios on the bundled case: evaluation speed and model size against N.

    python benchmarks/bench_evaluate.py [--part all|evaluation|sizes] [--scenarios 400]
                                        [--sizes 10,20,50,100,200] [--mip-up-to 200]
                                        [--mip-time-limit 300] [--lp-time-limit 900]

The bundled case gets the Hazards rows proposed in examples/sampled_bans/hazards.csv (the case
itself is not changed: a copy in a temporary folder). Measured in one run:

1. Out-of-sample evaluation of the bundled case's plan: the LP built once and re-solved with
   changed bounds and costs, in one process and in two worker processes, against building the
   single-scenario model afresh for each scenario; wall rates, CPU time per scenario and the
   load average beside them (`--part evaluation`, a few minutes).
2. The extensive form of the sampled case against N, each N in a fresh process with one HiGHS
   thread: size, build and hand-off, the LP relaxation's CPU time, the MIP with a time limit
   (the gap reached, the seconds to 1% and to the default gap) and peak memory after each
   step; then the N at which 24 GB or an hour would be crossed, fitted to those curves
   (`--part sizes`, about half an hour).

Writes benchmarks/evaluate-results.md and the raw figures as evaluate-results.json; a run of one
part keeps the other part's saved figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.build import build_model  # noqa: E402
from planner.case import Case  # noqa: E402
from planner.evaluate.first_stage import FirstStage, first_stage_of  # noqa: E402
from planner.evaluate.lp import Evaluator  # noqa: E402
from planner.evaluate.run import evaluate_plan, warm_start_order  # noqa: E402
from planner.handoff import compile_to_highs, limit_time, new_highs  # noqa: E402
from planner.options import SolveOptions  # noqa: E402
from planner.scenarios.case_copy import name_samples, sampled_copy  # noqa: E402
from planner.scenarios.command import HazardCase, read_hazard_case  # noqa: E402
from planner.scenarios.tree import tree_size  # noqa: E402
from planner.solve import solve_case  # noqa: E402
from planner.validate import case_from_raw  # noqa: E402

BUNDLED = ROOT / "inputs" / "alliance-2026"
SAMPLE_EVERY = 0.05  # seconds between readings of the resident memory while HiGHS runs
HAZARDS = ROOT / "examples" / "sampled_bans" / "hazards.csv"


def hazard_case(folder: Path) -> HazardCase:
    """The bundled case with the proposed Hazards sheet, in `folder`."""
    shutil.copytree(BUNDLED, folder)
    shutil.copy(HAZARDS, folder / "Hazards.csv")
    return read_hazard_case(folder)


def plan_of(source: HazardCase) -> tuple[FirstStage, float]:
    """The first stage of the bundled case's own optimal plan, and its solve seconds."""
    outcome = solve_case(source.case, SolveOptions(coverage_duals=False))
    assert outcome.plan is not None, outcome.message
    return first_stage_of(outcome.plan), outcome.timings["solve"]


def evaluation_speed(source: HazardCase, plan: FirstStage, count: int) -> dict[str, float]:
    """Scenarios per second (wall) and CPU milliseconds per scenario, three ways, in one run.

    The LP built once is timed in this process in the order `planner evaluate` uses, then in
    two worker processes through `evaluate_plan`, then the model rebuilt per scenario; each
    phase records the load average beside it, since the machine may be shared.
    """
    scenarios = source.sample(count, seed=101, merge=False)
    started = time.perf_counter()
    evaluator = Evaluator(source.certain, plan)
    build = time.perf_counter() - started
    loads = [os.getloadavg()[0]]
    cpu, started = time.process_time(), time.perf_counter()
    for i in warm_start_order(scenarios):
        evaluator.solve(scenarios[i].share_lost, scenarios[i].multiplier)
    in_place = time.perf_counter() - started
    in_place_cpu = time.process_time() - cpu
    loads.append(os.getloadavg()[0])
    first_done: list[tuple[int, float]] = []

    def progress(done: int, _total: int) -> None:
        if not first_done:  # the first chunk back: both workers have started and built by now
            first_done.append((done, time.perf_counter()))

    started = time.perf_counter()
    two = evaluate_plan(source.certain, plan, scenarios, workers=2, progress=progress)
    finished = time.perf_counter()
    two_wall = finished - started
    loads.append(os.getloadavg()[0])
    (first_count, first_time) = first_done[0]
    rebuilt = scenarios[:10]
    cpu, started = time.process_time(), time.perf_counter()
    for s in rebuilt:
        Evaluator(source.certain, plan).solve(s.share_lost, s.multiplier)
    rebuild = (time.perf_counter() - started) / len(rebuilt)
    rebuild_cpu = (time.process_time() - cpu) / len(rebuilt)
    loads.append(os.getloadavg()[0])
    return {
        "load_average": max(loads),
        "load_averages": loads,  # type: ignore[dict-item]
        "scenarios": count,
        "build_seconds": build,
        "one_process_per_second": count / in_place,
        "one_process_cpu_ms": 1000 * in_place_cpu / count,
        "two_processes_wall_seconds": two_wall,
        # From the first chunk back to the last: after the workers' start-up and LP builds.
        "two_processes_per_second_after_build": (count - first_count)
        / max(finished - first_time, 1e-9),
        "rebuild_seconds_per_scenario": rebuild,
        "rebuild_per_second": 1.0 / rebuild,
        "rebuild_cpu_ms": 1000 * rebuild_cpu,
        "expected_cost": two.mean,
    }


@dataclass(frozen=True)
class SizeOptions:
    """What the extensive-form part measures: every N's size and LP, the MIP up to `mip_up_to`."""

    sizes: list[int]
    mip_up_to: int
    mip_time_limit: float
    lp_time_limit: float


def size_against_n(source: HazardCase, options: SizeOptions) -> list[dict[str, Any]]:
    """Each N measured in a fresh child process, so that its peak memory is its own."""
    rows = []
    for n in options.sizes:
        samples = source.sample(n, seed=7)
        named = name_samples(samples, n, 1.0)
        case, _ = case_from_raw(sampled_copy(source.raw, named))
        tree = tree_size(named, case.years)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as child:
            measured = child.submit(measure_extensive_form, case, n, options).result()
        row = {"N": n, "scenarios": len(named), "tree_nodes": tree.total, **measured}
        row["scenario_years"] = tree.unshared
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def _rss_gb() -> float:
    """This process's resident memory now, GB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9


@contextmanager
def _resident_peak(figures: dict[str, float], key: str) -> Iterator[None]:
    """`figures[key]`: the largest resident memory seen while the block runs, GB, read every
    SAMPLE_EVERY seconds by a thread (getrusage's peak covers the process's whole life, and
    the build before HiGHS may have set it)."""
    stop = threading.Event()
    figures[key] = _rss_gb()

    def sample() -> None:
        while not stop.wait(SAMPLE_EVERY):
            figures[key] = max(figures[key], _rss_gb())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        figures[key] = max(figures[key], _rss_gb())


def _peak_gb() -> float:
    """This process's peak resident memory so far, GB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def measure_extensive_form(case: Case, n: int, options: SizeOptions) -> dict[str, Any]:
    """In a child process: build and hand off, solve the LP relaxation, then the MIP.

    One HiGHS thread throughout; CPU seconds are the process's (build, hand-off and HiGHS).
    The Pyomo model is dropped before HiGHS runs, so the memory HiGHS adds shows as the
    growth of the peak above the resident memory just before its run.
    """
    cpu, started = time.process_time(), time.perf_counter()
    built = build_model(case)
    highs = new_highs()
    compiled = compile_to_highs(built, highs)
    integers = np.asarray(compiled.integer_columns, dtype=np.int32)
    row: dict[str, Any] = {
        "columns": highs.getNumCol(),
        "rows": highs.getNumRow(),
        "nonzeros": highs.getNumNz(),
        "integers": len(integers),
        "build_and_handoff_seconds": time.perf_counter() - started,
        "build_and_handoff_cpu": time.process_time() - cpu,
        "handoff_peak_gb": _peak_gb(),
    }
    del built, compiled
    gc.collect()
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("mip_rel_gap", case.settings.mip_gap)
    row["before_highs_gb"] = _rss_gb()
    row.update(_lp_relaxation(highs, integers, options.lp_time_limit))
    if n <= options.mip_up_to:
        highs.clearSolver()
        kind = np.full(len(integers), highspy.HighsVarType.kInteger.value, dtype=np.uint8)
        highs.changeColsIntegrality(len(integers), integers, kind)
        row.update(_mip(highs, options.mip_time_limit, case.settings.mip_gap))
    return row


def _lp_relaxation(highs: highspy.Highs, integers: np.ndarray, limit: float) -> dict[str, Any]:
    """The LP relaxation (integers made continuous) from scratch: CPU seconds and status."""
    kind = np.full(len(integers), highspy.HighsVarType.kContinuous.value, dtype=np.uint8)
    highs.changeColsIntegrality(len(integers), integers, kind)
    limit_time(highs, limit)
    memory: dict[str, float] = {}
    cpu, started = time.process_time(), time.perf_counter()
    with _resident_peak(memory, "lp_resident_peak_gb"):
        highs.run()
    return {
        **memory,
        "lp_cpu": time.process_time() - cpu,
        "lp_seconds": time.perf_counter() - started,
        "lp_status": highs.modelStatusToString(highs.getModelStatus()),
        "lp_iterations": highs.getInfo().simplex_iteration_count,
        "lp_peak_gb": _peak_gb(),
    }


def _mip(highs: highspy.Highs, limit: float, default_gap: float) -> dict[str, Any]:
    """The MIP with a time limit; when its gap first reached 1% and the default, in wall and CPU
    seconds (HiGHS's limit is wall time; on a shared machine CPU time is the steadier figure).

    HiGHS reports the gap through its MIP callbacks (at each better plan and while it
    searches); the first report at or below a gap is when the search got there.
    """
    reached: dict[str, float] = {}
    clocks = {"seconds": time.perf_counter, "cpu": time.process_time}
    start = {name: clock() for name, clock in clocks.items()}

    def record(event: highspy.HighsCallbackEvent) -> None:
        gap = event.data_out.mip_gap
        for target, value in (("1pct", 0.01), ("default_gap", default_gap)):
            if f"mip_cpu_to_{target}" not in reached and gap <= value:
                for name, clock in clocks.items():
                    reached[f"mip_{name}_to_{target}"] = clock() - start[name]

    events = (highs.cbMipImprovingSolution, highs.cbMipInterrupt)
    for event in events:
        event.subscribe(record)
    limit_time(highs, limit)
    memory: dict[str, float] = {}
    start = {name: clock() for name, clock in clocks.items()}
    with _resident_peak(memory, "mip_resident_peak_gb"):
        highs.run()
    spent = {name: clock() - start[name] for name, clock in clocks.items()}
    for event in events:
        event.unsubscribe(record)
    status = highs.getModelStatus()
    gap = highs.getInfo().mip_gap
    figures: dict[str, Any] = {
        f"mip_{name}_to_{t}": None for name in clocks for t in ("1pct", "default_gap")
    }
    if status == highspy.HighsModelStatus.kOptimal:  # solved: the default gap is reached at the end
        for name in clocks:
            for target in ("1pct", "default_gap"):
                reached.setdefault(f"mip_{name}_to_{target}", spent[name])
    figures.update(reached)
    return {
        **figures,
        **memory,
        "mip_seconds": spent["seconds"],
        "mip_cpu": spent["cpu"],
        "mip_status": highs.modelStatusToString(status),
        "mip_gap": gap if math.isfinite(gap) else None,
        "mip_time_limit": limit,
        "mip_peak_gb": _peak_gb(),
    }


GB = 24.0  # the machine's memory
HOUR = 3600.0


def report(saved: dict[str, Any]) -> str:
    """The Markdown report from the saved figures of both parts."""
    lines = [
        "# Sampled scenarios on the bundled case: evaluation speed and model size against N",
        "",
        "Written by `python benchmarks/bench_evaluate.py` from its measurements, on the bundled "
        "case with the Hazards rows of `examples/sampled_bans/hazards.csv`, on a 2-core machine. "
        "Rates are wall-clock scenarios per second; CPU times are the process's own "
        "(`time.process_time`), which a loaded machine changes much less than wall time.",
        "",
    ]
    if "speed" in saved:
        lines += evaluation_section(saved["speed"], saved["plan_seconds"])
    if "sizes" in saved:
        lines += size_section(saved["sizes"], saved["size_options"])
        lines += limits(saved["sizes"])
    return "\n".join(lines) + "\n"


def evaluation_section(speed: dict[str, Any], plan_seconds: float) -> list[str]:
    loads = ", ".join(f"{load:.1f}" for load in speed["load_averages"])
    return [
        "## Out-of-sample evaluation of the bundled plan",
        "",
        f"The plan is the bundled case's own optimum (its hand-written scenarios, solved in "
        f"{plan_seconds:.1f} s). {speed['scenarios']:.0f} sampled scenarios, measured one way "
        "after the other in one run:",
        "",
        "| how | scenarios per second | CPU ms per scenario |",
        "|---|---|---|",
        f"| LP built once ({speed['build_seconds']:.1f} s), bounds and costs changed in place, "
        f"1 process | {speed['one_process_per_second']:.0f} | "
        f"{speed['one_process_cpu_ms']:.1f} |",
        f"| the same, 2 worker processes (`planner evaluate`), from the first chunk of 25 back "
        f"to the last | {speed['two_processes_per_second_after_build']:.0f} | – |",
        f"| the single-scenario model rebuilt for every scenario, 1 process | "
        f"{speed['rebuild_per_second']:.2f} | {speed['rebuild_cpu_ms']:.0f} |",
        "",
        f"Two processes took {speed['two_processes_wall_seconds']:.1f} s of wall time including "
        f"start-up. The 1-minute load average, read before and after each of the three phases, "
        f"was {loads} on the 2 cores: {_load_meaning(speed['load_averages'])} "
        f"On an idle core the CPU time says {1000 / speed['one_process_cpu_ms']:.0f} scenarios "
        "per second per process.",
        "",
    ]


def _load_meaning(loads: list[float]) -> str:
    """What the load average read beside the phases says about the rates."""
    if max(loads) > 2.0:
        return (
            "above 2, other work shared the cores, each process had a fraction of one, and the "
            "two-process rate cannot exceed the one-process rate."
        )
    return "at most 2, so each process had a core of its own."


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def _mip_cells(row: dict[str, Any]) -> str:
    if "mip_status" not in row:
        return "– | – | – | – | –"
    gap = "–" if row["mip_gap"] is None else f"{row['mip_gap']:.2%}"
    return (
        f"{row['mip_status']} after {_seconds(row['mip_seconds'])} s "
        f"({_seconds(row['mip_cpu'])} CPU s) | "
        f"{gap} | {_seconds(row['mip_cpu_to_1pct'])} | "
        f"{_seconds(row['mip_cpu_to_default_gap'])} | {row['mip_resident_peak_gb']:.2f}"
    )


def size_section(sizes: list[dict[str, Any]], options: dict[str, Any]) -> list[str]:
    lines = [
        "## The extensive form against N",
        "",
        f"Each N sampled (seed 7) and measured in a fresh process with one HiGHS thread: the "
        f"build and hand-off, the LP relaxation from scratch (at most {options['lp_time_limit']:g}"
        f" s), and up to N = {options['mip_up_to']} the MIP at the case's default gap with a "
        f"{options['mip_time_limit']:g} s limit (wall time, as HiGHS counts it), with the CPU "
        "seconds at which HiGHS first reported a gap of 1% and of the default. Peak memory is "
        "the process's resident size: its peak (`getrusage`) for the build and hand-off, and "
        f"for the LP and the MIP the largest reading while HiGHS ran (every {SAMPLE_EVERY:g} "
        "s). The Pyomo model is dropped before HiGHS runs, so what HiGHS itself adds is the "
        "LP's or MIP's peak above the resident memory just before (HiGHS's copy of the model "
        "is part of that).",
        "",
        "| N | scenarios | tree nodes | columns | rows | nonzeros | build + hand-off CPU s (peak "
        "GB) | resident GB before HiGHS runs | LP CPU s | LP status | GB while the LP ran | MIP "
        "| MIP gap | CPU s to 1% | CPU s to default gap | GB while the MIP ran |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in sizes:
        lines.append(
            f"| {row['N']} | {row['scenarios']} | {row['tree_nodes']} | {row['columns']:,} | "
            f"{row['rows']:,} | {row['nonzeros']:,} | {row['build_and_handoff_cpu']:.1f} "
            f"({row['handoff_peak_gb']:.2f}) | {row['before_highs_gb']:.2f} | "
            f"{row['lp_cpu']:,.1f} | {row['lp_status']} | {row['lp_resident_peak_gb']:.2f} | "
            f"{_mip_cells(row)} |"
        )
    return lines


def _linear_crossing(n: np.ndarray, values: np.ndarray, limit: float) -> tuple[float, float]:
    """Slope per unit of N of a least-squares line, and the N where it reaches `limit`."""
    slope, intercept = np.polyfit(n, values, 1)
    return float(slope), float((limit - intercept) / slope) if slope > 0 else math.inf


def _power_crossing(n: np.ndarray, values: np.ndarray, limit: float) -> tuple[float, float]:
    """Exponent of a least-squares power law through the points, and the N where it reaches
    `limit`."""
    exponent, intercept = np.polyfit(np.log(n), np.log(values), 1)
    if exponent <= 0:
        return float(exponent), math.inf
    return float(exponent), float(np.exp((np.log(limit) - intercept) / exponent))


Crossings = dict[str, float]  # what crosses a limit -> the N where it does (fitted)


def limits(sizes: list[dict[str, Any]]) -> list[str]:
    """Where the extensive form stops fitting 24 GB or an hour, fitted to the curves above."""
    n = np.array([row["N"] for row in sizes], dtype=float)
    per_n, _ = _linear_crossing(n, np.array([row["columns"] for row in sizes], float), 0.0)
    lp_gb, n_lp_gb = _linear_crossing(
        n, np.array([row["lp_resident_peak_gb"] for row in sizes]), GB
    )
    crossings: Crossings = {f"{GB:.0f} GB while the LP relaxation is solved": n_lp_gb}
    lines = [
        "",
        "## Where the extensive form stops, and the next step",
        "",
        "Measured: every figure in the tables above. Extrapolated: every N below at which a "
        "limit is crossed, from least-squares fits to those figures (lines for memory, power "
        "laws for CPU time), beyond the largest N measured.",
        "",
        f"- Size: {per_n:,.0f} columns per sampled scenario (a line through all N).",
        f"- Memory while HiGHS solves the LP relaxation: {lp_gb * 1000:.1f} MB more per "
        f"scenario, {GB:.0f} GB near N = {n_lp_gb:,.0f}.",
    ]
    lines += _mip_memory(sizes, crossings) + _time_limits(sizes, crossings)
    first = min(crossings, key=crossings.__getitem__)
    lines += [
        "",
        f"The first limit the fits cross is {first}, near N = {crossings[first]:,.0f} "
        "(extrapolated); the MIP rows above say up to which N it was measured to finish.",
    ]
    return lines + _next_step()


def _mip_memory(sizes: list[dict[str, Any]], crossings: Crossings) -> list[str]:
    solved = [row for row in sizes if "mip_resident_peak_gb" in row]
    if len(solved) < 2:
        return []
    n = np.array([row["N"] for row in solved], dtype=float)
    growth, n_gb = _linear_crossing(
        n, np.array([row["mip_resident_peak_gb"] for row in solved]), GB
    )
    crossings[f"{GB:.0f} GB while the MIP runs"] = n_gb
    return [
        f"- Memory while the MIP runs, within its time limit: {growth * 1000:.1f} MB per "
        f"scenario, {GB:.0f} GB near N = {n_gb:,.0f}; branch and bound's tree grows with time "
        "as well, so a longer search needs more than this line says."
    ]


def _time_limits(sizes: list[dict[str, Any]], crossings: Crossings) -> list[str]:
    lp = [row for row in sizes if row["lp_status"] == "Optimal" and row["lp_cpu"] > 0]
    lines = []
    if len(lp) >= 2:
        exponent, n_hour = _power_crossing(
            np.array([row["N"] for row in lp], float), np.array([row["lp_cpu"] for row in lp]), HOUR
        )
        crossings["an hour of CPU for the LP relaxation"] = n_hour
        unfinished = [
            f"N = {row['N']} ({row['lp_status']}, {row['lp_cpu']:,.0f} CPU s)"
            for row in sizes
            if row not in lp
        ]
        lines.append(
            f"- LP relaxation: CPU time grows as N^{exponent:.2f} over the N it finished at and "
            f"would take an hour near N = {n_hour:,.0f}"
            + (f"; it did not finish at {', '.join(unfinished)}" if unfinished else "")
            + ". The MIP solves a presolved form of this LP at its root before it branches, "
            "so this is a rough ceiling for the MIP too (not a strict bound)."
        )
    for key, words in (
        ("mip_cpu_to_1pct", "a 1% gap"),
        ("mip_cpu_to_default_gap", "the default gap"),
    ):
        lines.append(_mip_time_line(sizes, key, words, crossings))
    return lines


def _mip_time_line(sizes: list[dict[str, Any]], key: str, words: str, crossings: Crossings) -> str:
    tried = [row for row in sizes if "mip_status" in row]
    reached = [row for row in tried if row[key] is not None]
    missed = [f"N = {row['N']}" for row in tried if row[key] is None]
    measured = ", ".join(f"N = {row['N']}: {_seconds(row[key])} CPU s" for row in reached)
    text = f"- MIP to {words}: {measured or 'not reached at any N'}"
    if missed:
        text += f"; not within the {tried[0]['mip_time_limit']:g} s limit at {', '.join(missed)}"
    if len(reached) < 2:
        return text + "."
    exponent, n_hour = _power_crossing(
        np.array([row["N"] for row in reached], float),
        np.array([max(row[key], 1e-3) for row in reached]),
        HOUR,
    )
    if exponent <= 0:
        return (
            text + ". The reached times do not grow with N (branch and bound's luck dominates "
            "at these sizes): no hour is fitted from them."
        )
    crossings[f"an hour of CPU for the MIP to reach {words}"] = n_hour
    return (
        text + f". A power law through the reached points grows as N^{exponent:.2f} and "
        f"reaches an hour near N = {n_hour:,.0f}"
        + (
            " (the N that missed the limit are not in the fit, so the true N is lower)."
            if missed
            else "."
        )
    )


def _next_step() -> list[str]:
    return [
        "",
        "Beyond that the next step is scenario decomposition rather than a bigger machine: "
        "progressive hedging with mpi-sppy, one sub-model per scenario (or per bundle of "
        "scenarios) on a cluster, each a copy of today's single-scenario model with the "
        "first-stage variables y, x, z, p as the non-anticipative ones. Each sub-model is the "
        "size of one scenario's share of the columns above (the extensive form's size grows "
        "linearly with N, its solve time faster), so memory and time per process stay flat "
        "as N grows and the scenarios spread over the cluster's cores. The first-stage "
        "variables already sit in one place "
        "(`planner.models.evaluation.first_stage_columns`), and the single-scenario build of "
        "`planner.evaluate.adapter` is what mpi-sppy's `scenario_creator` would return; a "
        "bound comes from the same out-of-sample evaluation and the gap estimate of "
        "`planner evaluate --gap`.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--part",
        choices=("all", "evaluation", "sizes"),
        default="all",
        help="Measure one part only; the other part's saved figures stay in the report.",
    )
    parser.add_argument("--scenarios", type=int, default=400)
    parser.add_argument("--sizes", default="10,20,50,100,200")
    parser.add_argument("--mip-up-to", type=int, default=200)
    parser.add_argument("--mip-time-limit", type=float, default=300.0)
    parser.add_argument("--lp-time-limit", type=float, default=900.0)
    parser.add_argument(
        "--report-only", action="store_true", help="Rewrite the report from the saved figures."
    )
    args = parser.parse_args()
    out = Path(__file__).parent
    saved_path = out / "evaluate-results.json"
    saved = json.loads(saved_path.read_text()) if saved_path.exists() else {}
    if not args.report_only:
        saved.update(measure(args))
        saved_path.write_text(json.dumps(saved, indent=1))
    (out / "evaluate-results.md").write_text(report(saved))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """The parts asked for, on a temporary copy of the bundled case with the hazards."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        source = hazard_case(Path(folder) / "case")
        if args.part in ("all", "evaluation"):
            plan, figures["plan_seconds"] = plan_of(source)
            figures["speed"] = evaluation_speed(source, plan, args.scenarios)
            print(json.dumps(figures["speed"]), flush=True)
        if args.part in ("all", "sizes"):
            options = SizeOptions(
                [int(n) for n in args.sizes.split(",")],
                args.mip_up_to,
                args.mip_time_limit,
                args.lp_time_limit,
            )
            figures["size_options"] = options.__dict__
            figures["sizes"] = size_against_n(source, options)
    return figures


if __name__ == "__main__":
    main()
