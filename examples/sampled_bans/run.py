"""Sampled bans: is N = 10, 20 or 50 sampled scenarios enough to plan the bundled case?

    python examples/sampled_bans/run.py [--sizes 10,20,50] [--evaluate 2000] [--replications 3]
                                        [--batch 10] [--workers 2] [--time-limit 600]
                                        [--mip-gap 0.001] [--threads 1]

The bundled case (inputs/alliance-2026, not changed) is copied with the Hazards rows proposed in
`hazards.csv` beside this file (derived in HAZARDS.md). For each N the copy is sampled as
`planner scenarios` does (seed 1), solved, and the plan is evaluated out of sample on the same
fresh scenarios for every N (seed 2026: common random numbers make the plans comparable), with
the optimality-gap estimate of Mak, Morton and Wood. Every MIP (each N's and each gap batch's)
is solved with the same time limit and MIP gap; one that stops at its limit is named in the
README with the gap it reached. Writes, beside this file:

- `results.csv`: one row per N with every figure;
- `costs.png`: in-sample cost, out-of-sample cost with its 95% interval, against N;
- `README.md`: the table and the chart, every number taken from this run.
"""

from __future__ import annotations

import argparse
import ast
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from planner.errors import PlannerError  # noqa: E402
from planner.evaluate.first_stage import FirstStage, first_stage_of  # noqa: E402
from planner.evaluate.gap import optimality_gap  # noqa: E402
from planner.evaluate.run import evaluate_plan  # noqa: E402
from planner.files import write_atomically  # noqa: E402
from planner.options import SolveOptions  # noqa: E402
from planner.scenarios.case_copy import name_samples, sampled_copy  # noqa: E402
from planner.scenarios.command import HazardCase, read_hazard_case  # noqa: E402
from planner.scenarios.tree import tree_size  # noqa: E402
from planner.solve import solve_case  # noqa: E402
from planner.validate import case_from_raw  # noqa: E402

HERE = Path(__file__).parent
BUNDLED = ROOT / "inputs" / "alliance-2026"
SAMPLE_SEED = 1
EVALUATION_SEED = 2026
BILLION = 1e9


def study(source: HazardCase, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Sample N, solve, evaluate out of sample and estimate the gap."""
    named = name_samples(source.sample(n, SAMPLE_SEED), n, 1.0)
    case, _ = case_from_raw(sampled_copy(source.raw, named))
    options = SolveOptions(
        time_limit=args.time_limit,
        mip_gap=args.mip_gap,
        threads=args.threads,
        coverage_duals=False,
        diagnose=True,  # only an infeasible solve is diagnosed: its message names the cause
    )
    started = time.perf_counter()
    outcome = solve_case(case, options)
    seconds = time.perf_counter() - started
    if outcome.plan is None or outcome.expected_cost is None:
        raise SystemExit(f"N = {n}: no plan ({outcome.status}: {outcome.message})")
    plan = first_stage_of(outcome.plan)
    fresh = source.sample(args.evaluate, EVALUATION_SEED)
    evaluation = evaluate_plan(source.certain, plan, fresh, workers=args.workers)
    row = {
        "N": n,
        "scenarios": len(named),
        "tree_nodes": tree_size(named, case.years).total,
        "columns": outcome.size.get("columns", 0),
        "solve_seconds": seconds,
        "status": outcome.status,
        "mip_gap": outcome.mip_gap or 0.0,
        "in_sample_cost": outcome.expected_cost,
        "out_of_sample_cost": evaluation.mean,
        "out_of_sample_low": evaluation.low,
        "out_of_sample_high": evaluation.high,
        "share_short": evaluation.short_share,
        "evaluated": evaluation.samples,
        **gap_figures(source, plan, n, options, args),
    }
    print(row, flush=True)
    return row  # type: ignore[return-value]


def gap_figures(
    source: HazardCase, plan: FirstStage, n: int, options: SolveOptions, args: argparse.Namespace
) -> dict[str, Any]:
    """The gap estimate's figures, or why there is none.

    A batch whose sampled case is infeasible (some scenario in which no first stage keeps the
    coverage requirement (10)) has no optimum z*_k, so no gap can be estimated from it; the row
    then says so, with the batch and its diagnosis, instead of the run stopping.
    """
    try:
        gap = optimality_gap(
            source, plan, args.batch, args.replications, EVALUATION_SEED + n, options=options
        )
    except PlannerError as refusal:
        return {
            "gap_estimate": None,
            "gap_upper_95": None,
            "gap_batches_stopped": {},
            "gap_note": str(refusal),
        }
    return {
        "gap_estimate": gap.mean,
        "gap_upper_95": gap.upper,
        "gap_batches_stopped": gap.stopped,  # replication -> MIP gap at the time limit
        "gap_note": "",
    }


def chart(rows: list[dict[str, Any]], path: Path) -> None:
    figure = Figure(figsize=(7, 4.2))
    axes = figure.subplots()
    sizes = [row["N"] for row in rows]
    mean = [row["out_of_sample_cost"] / BILLION for row in rows]
    low = [m - row["out_of_sample_low"] / BILLION for m, row in zip(mean, rows, strict=True)]
    high = [row["out_of_sample_high"] / BILLION - m for m, row in zip(mean, rows, strict=True)]
    axes.errorbar(sizes, mean, yerr=[low, high], marker="o", capsize=4, label="out of sample (95%)")
    axes.plot(sizes, [row["in_sample_cost"] / BILLION for row in rows], "s--", label="in sample")
    axes.set_xlabel("N, scenarios the plan was solved on")
    axes.set_ylabel("expected discounted cost, USD billion")
    axes.set_xscale("log")
    axes.set_xticks(sizes, [str(int(n)) for n in sizes])
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    write_atomically(path, lambda temporary: figure.savefig(temporary, format="png", dpi=110))


def _solve_text(row: dict[str, float]) -> str:
    seconds = f"{row['solve_seconds']:.0f}"
    if row["status"] == "optimal":
        return seconds
    return f"{seconds} (time limit, MIP gap {row['mip_gap']:.2%})"


def _gap_text(row: dict[str, Any]) -> str:
    if row["gap_estimate"] is None:
        return "not estimated (below)"
    return f"{row['gap_estimate'] / BILLION:.2f} ({row['gap_upper_95'] / BILLION:.2f})"


def _gap_notes(rows: list[dict[str, Any]]) -> list[str]:
    """Why a gap was not estimated, per N, from the run."""
    notes = [f"- N = {row['N']:.0f}: {row['gap_note']}" for row in rows if row.get("gap_note")]
    if not notes:
        return []
    return [
        "Gap estimates not made: a batch whose sampled case is infeasible (a scenario in which "
        "no plan keeps the coverage requirement) has no optimum to compare with, so the "
        "multiple-replication procedure has nothing to estimate for that N:",
        "",
        *notes,
        "",
    ]


def _stopped_text(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """Which solves stopped at the time limit, with their gaps, from the run's rows."""
    stopped = [
        f"N = {row['N']:.0f} ({row['mip_gap']:.2%})" for row in rows if row["status"] != "optimal"
    ]
    batches = [
        f"batch {k} of N = {row['N']:.0f} ({gap:.2%})"
        for row in rows
        for k, gap in sorted(row.get("gap_batches_stopped", {}).items())
    ]
    limit = (
        f"Every MIP was solved to a relative MIP gap of {args.mip_gap:.2%}, for at most "
        f"{args.time_limit:g} s"
    )
    if not stopped and not batches:
        return f"{limit}; none stopped at the time limit."
    return (
        f"{limit}. Stopped at the time limit, with the MIP gap reached: "
        + "; ".join(stopped + batches)
        + ". A gap batch stopped early enters the gap estimate with its solver bound (objective "
        "less its gap), which can only make the estimate larger."
    )


def readme(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    table = [
        "| N | scenarios | tree nodes | solve s | in-sample cost | out-of-sample cost (95% "
        "interval) | gap estimate (95% upper) | scenarios short of coverage |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        table.append(
            f"| {row['N']:.0f} | {row['scenarios']:.0f} | {row['tree_nodes']:.0f} | "
            f"{_solve_text(row)} | {row['in_sample_cost'] / BILLION:.2f} | "
            f"{row['out_of_sample_cost'] / BILLION:.2f} ({row['out_of_sample_low'] / BILLION:.2f}"
            f"–{row['out_of_sample_high'] / BILLION:.2f}) | {_gap_text(row)} | "
            f"{row['share_short']:.1%} |"
        )
    return "\n".join(
        [
            "# Sampled bans: how many scenarios does the bundled case need?",
            "",
            "Generated by `python examples/sampled_bans/run.py` "
            f"(--sizes {args.sizes} --evaluate {args.evaluate} --replications "
            f"{args.replications} --batch {args.batch} --workers {args.workers} --time-limit "
            f"{args.time_limit:g} --mip-gap {args.mip_gap:g} --threads {args.threads}); "
            "do not edit by hand.",
            "",
            "The bundled case with the ban hazards of [hazards.csv](hazards.csv) (derived in "
            "[HAZARDS.md](HAZARDS.md)) is sampled N times (seed 1) and solved; each plan's first "
            f"stage is then evaluated on the same {args.evaluate:,} fresh scenarios (seed "
            f"{EVALUATION_SEED}), and its optimality gap is estimated with {args.replications} "
            f"batches of {args.batch} scenarios (multiple-replication procedure). Costs are "
            "expected discounted USD billion.",
            "",
            *table,
            "",
            _stopped_text(rows, args),
            "",
            *_gap_notes(rows),
            "![in-sample and out-of-sample cost against N](costs.png)",
            "",
            "How to read it: the in-sample cost is what the plan's own sample promises; the "
            "out-of-sample cost is what the plan costs on scenarios it has not seen. A plan "
            "solved on too few scenarios promises less than it delivers, and its gap estimate "
            "(how far its true expected cost may be above the best plan's) is large; N is "
            "enough when the out-of-sample cost stops falling and the gap's upper bound is "
            "small against the cost. The gap estimate is biased upwards, and more so for small "
            "batches (the optimum of a batch of a few scenarios is optimistic), so with batches "
            f"of {args.batch} it is a conservative bound on how much better a plan could do.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,20,50")
    parser.add_argument("--evaluate", type=int, default=2000)
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--mip-gap", type=float, default=0.001)
    parser.add_argument("--threads", type=int, default=1, help="HiGHS threads per solve.")
    parser.add_argument(
        "--from-log",
        type=Path,
        help="Write the outputs from the rows a run printed (one per line), without running.",
    )
    args = parser.parse_args()
    if args.from_log is not None:
        lines = args.from_log.read_text(encoding="utf-8").splitlines()
        rows = [ast.literal_eval(line) for line in lines if line.startswith("{'N'")]
    else:
        rows = []
        with tempfile.TemporaryDirectory() as folder:
            case = Path(folder) / "alliance-2026-hazards"
            shutil.copytree(BUNDLED, case)
            shutil.copy(HERE / "hazards.csv", case / "Hazards.csv")
            source = read_hazard_case(case)
            for n in args.sizes.split(","):
                rows.append(study(source, int(n), args))
                write_outputs(rows, args)  # after each N, so a long run shows what it has
    write_outputs(rows, args)


def write_outputs(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """results.csv, costs.png and README.md from the rows so far."""
    with (HERE / "results.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    chart(rows, HERE / "costs.png")
    text = readme(rows, args)
    write_atomically(HERE / "README.md", lambda temporary: temporary.write_text(text, "utf-8"))


if __name__ == "__main__":
    main()
