"""What `planner evaluate` does, behind its thin click wrapper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.errors import PlannerError
from planner.evaluate.first_stage import read_first_stage
from planner.evaluate.gap import GapEstimate, optimality_gap
from planner.evaluate.report import write_evaluation
from planner.evaluate.run import Evaluation, evaluate_plan
from planner.scenarios.command import read_hazard_case

__all__ = ["EvaluateOptions", "evaluate_results"]


@dataclass(frozen=True)
class EvaluateOptions:
    """How `planner evaluate` samples and runs."""

    samples: int  # M fresh scenarios (at least 2: a confidence interval needs two)
    seed: int = 1
    workers: int | None = None  # local processes (None: all cores)
    dask_address: str | None = None  # run on this Dask scheduler instead
    gap_replications: int = 0  # K batches of the optimality-gap estimate (0: no estimate)
    gap_batch: int = 20  # n scenarios per batch


def evaluate_results(
    input_path: Path,
    results_path: Path,
    output: Path,
    options: EvaluateOptions,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Evaluation, GapEstimate | None]:
    """Evaluate the plan of `results_path` on `options.samples` scenarios drawn from
    `input_path`, and with `gap_replications` > 0 estimate its optimality gap
    (`planner.evaluate.gap`)."""
    from planner.sweep.execute import default_workers

    samples, seed = options.samples, options.seed
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
        workers=options.workers or default_workers(),
        dask_address=options.dask_address,
        progress=progress,
    )
    extra: dict[str, object] = {
        "input": str(input_path),
        "results": str(results_path),
        "seed": seed,
    }
    gap = None
    if options.gap_replications:
        gap = optimality_gap(source, plan, options.gap_batch, options.gap_replications, seed)
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
