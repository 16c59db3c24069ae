"""The optimality gap of a sample plan: the multiple-replication procedure of Mak, Morton and Wood.

Mak, Morton & Wood (1999), "Monte Carlo bounding techniques for determining solution quality in
stochastic programs", Operations Research Letters 24: for a candidate first stage x̂ and K
independent batches of n scenarios each, batch k gives

    G_k = (1/n)·Σ_i Cost(x̂, ξ_ki) − z*_k,

where z*_k is the optimal objective of the sampled problem on batch k. E[z*_k] ≤ z* (the true
optimum) and E[(1/n)·Σ Cost(x̂, ξ)] is x̂'s true expected cost, so E[G_k] is at least the true gap
of x̂. The estimate is the mean Ḡ of the G_k, and Ḡ + t_{K−1, 0.95}·s_G/√K a one-sided 95% upper
confidence bound on the gap.

Here z*_k is the solver's lower bound: the objective less its relative MIP gap (a solve stopped
at mip_gap can only overstate z*_k, which would understate the gap). Each batch is a sampled copy
of the case (as `planner scenarios` writes it), solved by `planner.solve`, and x̂ is evaluated on
the same scenarios by the evaluator's LP. CVaR is not part of the expected cost: the case must
have cvar_weight 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from planner.errors import PlannerError
from planner.evaluate.first_stage import FirstStage
from planner.evaluate.lp import Evaluator
from planner.evaluate.run import summarise
from planner.options import SolveOptions
from planner.scenarios.case_copy import name_samples, sampled_copy
from planner.scenarios.command import HazardCase
from planner.solve import solve_case
from planner.validate import case_from_raw
from planner.value.tables import describe_shortfalls

__all__ = ["GapEstimate", "optimality_gap"]


@dataclass(frozen=True)
class GapEstimate:
    """Ḡ and its one-sided 95% upper bound, with each batch's figures."""

    batch: int  # n
    gaps: list[float]  # G_k
    candidate: list[float]  # (1/n)·Σ Cost(x̂, ξ_ki)
    optimum: list[float]  # z*_k (lower bound)
    # Batches whose solve stopped at its time limit: replication k (from 1) -> its MIP gap.
    stopped: dict[int, float] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        return float(np.mean(self.gaps))

    @property
    def upper(self) -> float:
        """Ḡ + t_{K−1,0.95}·s_G/√K (infinite with a single replication)."""
        count = len(self.gaps)
        if count < 2:
            return math.inf
        spread = float(np.std(self.gaps, ddof=1))
        return self.mean + float(stats.t.ppf(0.95, count - 1)) * spread / math.sqrt(count)


def optimality_gap(
    source: HazardCase,
    plan: FirstStage,
    batch: int,
    replications: int,
    seed: int,
    *,
    options: SolveOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GapEstimate:
    """Estimate the gap of `plan` with `replications` batches of `batch` scenarios."""
    if source.case.settings.cvar_weight > 0:
        raise PlannerError("--gap estimates the gap in expected cost: set cvar_weight to 0")
    evaluator = Evaluator(source.certain, plan)
    options = options or SolveOptions(coverage_duals=False, diagnose=False)
    gaps, candidate, optimum = [], [], []
    stopped: dict[int, float] = {}
    for k in range(replications):
        # Seeds apart from the evaluation's own stream (seed) so batches are fresh samples.
        scenarios = source.sample(batch, seed=seed + 1_000_003 * (k + 1))
        named = name_samples(scenarios, batch, 1.0)
        case, _ = case_from_raw(sampled_copy(source.raw, named))
        outcome = solve_case(case, options)
        if outcome.objective is None:
            where = f"; {describe_shortfalls(outcome.diagnosis, 3)}" if outcome.diagnosis else ""
            raise PlannerError(
                f"replication {k + 1}: the sampled case did not solve ({outcome.status}: "
                f"{outcome.message}{where})",
                3 if outcome.status == "infeasible" else 4,
            )
        bound = outcome.objective - (outcome.mip_gap or 0.0) * abs(outcome.objective)
        if outcome.status != "optimal":  # a time limit: the bound is the solver's, still valid
            stopped[k + 1] = outcome.mip_gap or 0.0
        results = [evaluator.solve(s.share_lost, s.multiplier) for s in scenarios]
        mean = summarise(scenarios, results).mean
        candidate.append(mean)
        optimum.append(bound)
        gaps.append(mean - bound)
        if progress is not None:
            progress(k + 1, replications)
    return GapEstimate(batch, gaps, candidate, optimum, stopped)
