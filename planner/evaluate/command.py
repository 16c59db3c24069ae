"""What `planner evaluate` does, behind its thin click wrapper."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from planner.errors import PlannerError
from planner.evaluate.first_stage import read_first_stage
from planner.evaluate.gap import GapEstimate, optimality_gap
from planner.evaluate.report import write_evaluation
from planner.evaluate.run import Evaluation, evaluate_plan
from planner.scenarios.command import read_hazard_case

__all__ = ["evaluate_results"]


def evaluate_results(
    input_path: Path,
    results_path: Path,
    output: Path,
    samples: int,
    seed: int,
    *,
    workers: int = 1,
    dask_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    gap_replications: int = 0,
    gap_batch: int = 20,
) -> tuple[Evaluation, GapEstimate | None]:
    """Evaluate the plan of `results_path` on `samples` scenarios drawn from `input_path`, and
    with `gap_replications` > 0 estimate its optimality gap (`planner.evaluate.gap`)."""
    if samples < 2:
        raise PlannerError("--samples must be at least 2 (a confidence interval needs two)")
    if output.resolve() in (input_path.resolve(), results_path.resolve()):
        raise PlannerError("the output path is an input; inputs are never changed")
    source = read_hazard_case(input_path)
    plan = read_first_stage(results_path, source.case)
    scenarios = source.sample(samples, seed)
    evaluation = evaluate_plan(
        source.certain,
        plan,
        scenarios,
        workers=workers,
        dask_address=dask_address,
        progress=progress,
    )
    extra: dict[str, object] = {
        "input": str(input_path),
        "results": str(results_path),
        "seed": seed,
    }
    gap = None
    if gap_replications:
        gap = optimality_gap(source, plan, gap_batch, gap_replications, seed)
        extra.update(
            {
                "gap_estimate": gap.mean,
                "gap_upper_95": gap.upper,
                "gap_batch": gap.batch,
                "gap_replications": len(gap.gaps),
            }
        )
    write_evaluation(output, evaluation, extra)
    return evaluation, gap
