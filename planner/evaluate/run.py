"""`planner evaluate`: a plan's first stage on M fresh scenarios, in parallel.

The distinct scenarios of the sample are cut into chunks; each worker process (or Dask worker)
builds the single-scenario LP once, on its first chunk, and re-solves it per scenario
(`planner.evaluate.lp`). The runner of `planner sweep` (`planner.sweep.execute`) sends the job to
the workers once and hands back each chunk as it finishes, which drives the progress bar.

Statistics are over the M samples (a merged scenario counts as often as it was drawn): the mean
cost with a 95% confidence interval from Student's t, the share of samples in which the plan
cannot keep some coverage (or hold some stock obligation), and the worst scenarios.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from planner.case import Case
from planner.evaluate.first_stage import FirstStage
from planner.evaluate.lp import Evaluator, ScenarioResult
from planner.scenarios.sampling import SampledScenario
from planner.sweep.execute import execute
from planner.sweep.expand import Run

__all__ = ["Evaluation", "EvaluationJob", "evaluate_plan", "summarise", "warm_start_order"]

CHUNK = 25  # scenarios per task: small enough for a live progress bar, large enough to amortise


@dataclass
class EvaluationJob:
    """What every worker needs: the certain case, the plan and the scenarios (sent once)."""

    certain: Case
    plan: FirstStage
    scenarios: list[SampledScenario]
    _local: Any = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_local"] = None
        return state

    def evaluator(self) -> Evaluator:
        """This thread's evaluator, built on first use."""
        if self._local is None:
            self._local = threading.local()
        if getattr(self._local, "evaluator", None) is None:
            self._local.evaluator = Evaluator(self.certain, self.plan)
        return self._local.evaluator

    def __call__(self, run: Run) -> dict[str, Any]:
        evaluator = self.evaluator()
        start = (run.number - 1) * CHUNK
        chunk = self.scenarios[start : start + CHUNK]
        results = [evaluator.solve(s.share_lost, s.multiplier) for s in chunk]
        return {"status": "ok", "start": start, "results": results}


@dataclass(frozen=True)
class Evaluation:
    """The plan on M sampled scenarios."""

    samples: int
    scenarios: list[SampledScenario]
    results: list[ScenarioResult]
    mean: float
    low: float  # 95% confidence interval of the expected cost
    high: float
    short_share: float  # share of samples in which some coverage is not kept
    not_found_share: float  # share of samples in which planned purchases could not be delivered
    obligation_share: float  # share of samples in which some stock obligation (12) is not held
    failed: int  # samples whose LP did not solve
    seconds: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def evaluate_plan(
    certain: Case,
    plan: FirstStage,
    scenarios: list[SampledScenario],
    *,
    workers: int = 1,
    dask_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Evaluate `plan` on `scenarios` (merged samples with their weights)."""
    started = time.perf_counter()
    order = warm_start_order(scenarios)
    job = EvaluationJob(certain, plan, [scenarios[i] for i in order])
    runs = [Run(number, ()) for number in range(1, math.ceil(len(scenarios) / CHUNK) + 1)]
    results: list[ScenarioResult | None] = [None] * len(scenarios)
    done = 0

    def record(_run: Run, outcome: dict[str, Any]) -> None:
        nonlocal done
        if outcome.get("status") != "ok":
            raise RuntimeError(f"an evaluation task failed: {outcome.get('message')}")
        for offset, result in enumerate(outcome["results"]):
            results[order[outcome["start"] + offset]] = result
        done += len(outcome["results"])
        if progress is not None:
            progress(done, len(scenarios))

    execute(job, runs, record, workers=workers, dask_address=dask_address)
    final = [r for r in results if r is not None]
    assert len(final) == len(scenarios)
    return summarise(scenarios, final, time.perf_counter() - started)


def warm_start_order(scenarios: Sequence[SampledScenario]) -> list[int]:
    """Positions of `scenarios` with alike disruptions next to each other.

    Each scenario is re-solved from the previous one's basis, so the fewer bounds change
    between neighbours the fewer simplex iterations it takes: sorted by their δ(x,m,t) entries,
    scenarios that ban the same sources and minerals from the same year follow each other.
    Results are put back in the sample's order, so the order changes nothing but the time.
    """
    keys = [sorted(s.share_lost.items()) for s in scenarios]
    return sorted(range(len(scenarios)), key=keys.__getitem__)


def summarise(
    scenarios: Sequence[SampledScenario], results: Sequence[ScenarioResult], seconds: float = 0.0
) -> Evaluation:
    """Mean, 95% interval and shares over the samples the scenarios stand for."""
    weights = np.array([s.weight for s in scenarios], dtype=float)
    costs = np.array([r.cost for r in results], dtype=float)
    solved = np.isfinite(costs)
    w, c = weights[solved], costs[solved]
    count = float(w.sum())
    mean = float(w @ c / count) if count else math.nan
    if count > 1:
        variance = float(w @ (c - mean) ** 2 / (count - 1))
        half = float(stats.t.ppf(0.975, count - 1)) * math.sqrt(variance / count)
    else:
        half = math.nan
    short = np.array([bool(r.beyond_coverage) for r in results])
    not_found = np.array([bool(r.not_found) for r in results])
    below = np.array([bool(r.below_obligation) for r in results])
    total = float(weights.sum())
    return Evaluation(
        samples=int(total),
        scenarios=list(scenarios),
        results=list(results),
        mean=mean,
        low=mean - half,
        high=mean + half,
        short_share=float(weights @ short / total),
        not_found_share=float(weights @ not_found / total),
        obligation_share=float(weights @ below / total),
        failed=int(weights[~solved].sum()),
        seconds=seconds,
    )
