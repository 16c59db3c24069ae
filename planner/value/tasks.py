"""The re-solves of `planner value`, as small picklable tasks a worker process can run.

A task is one of: a decision forbidden or forced in the full model (bounds changed in place on the
worker's one built model), one scenario alone with probability 1 (perfect foresight, WS), or the
mean scenario (the expected-value problem). A worker builds the full model once, on its first
decision task, and every single-scenario model once per task.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from planner.case import Case, Scenario
from planner.models.decisions import Decision, StageKey
from planner.options import SolveOptions
from planner.outcome import Diagnosis
from planner.value.engine import Engine, Solved

TaskKind = Literal["forbid", "force", "alone", "mean", "evaluate"]
MEAN_SCENARIO = "mean"


@dataclass(frozen=True)
class Task:
    """One re-solve."""

    kind: TaskKind
    decision: Decision | None = None  # forbid, force
    scenario: str = ""  # alone, evaluate
    plan: str = ""  # evaluate: a label of the fixed plan
    fixed: tuple[tuple[StageKey, float], ...] = ()  # evaluate: the first stage to fix


@dataclass
class TaskResult:
    """What a re-solve gives back to the analysis (small: no column vectors)."""

    task: Task
    status: str
    objective: float | None = None
    gap: float | None = None
    message: str = ""
    diagnosis: list[Diagnosis] = field(default_factory=list)
    first_stage: dict[StageKey, float] | None = None  # alone, mean: the plan's first stage
    build: tuple[int, float] | None = None  # force of a site: (year, capacity) in that plan
    highs_seconds: float = 0.0
    build_seconds: float = 0.0


def alone(case: Case, scenario: str) -> Case:
    """The case with `scenario` alone, probability 1: what perfect foresight of it would plan."""
    kept = case.scenarios[scenario]
    return replace(
        case,
        scenarios={scenario: Scenario(scenario, 1.0, kept.description)},
        share_lost={k: v for k, v in case.share_lost.items() if k[0] == scenario},
        price_multiplier={k: v for k, v in case.price_multiplier.items() if k[0] == scenario},
    )


def mean_case(case: Case) -> Case:
    """One scenario whose shares lost and price multipliers are the probability-weighted means."""
    probability = {w: s.probability for w, s in case.scenarios.items()}
    share: dict[tuple[str, str, str, int], float] = {}
    for (w, x, m, t), lost in case.share_lost.items():
        key = (MEAN_SCENARIO, x, m, t)
        share[key] = share.get(key, 0.0) + probability[w] * lost
    shifts: dict[tuple[str, str, int], float] = {}
    for (w, m, t), multiplier in case.price_multiplier.items():
        shifted = (MEAN_SCENARIO, m, t)
        shifts[shifted] = shifts.get(shifted, 0.0) + probability[w] * (multiplier - 1.0)
    return replace(
        case,
        scenarios={MEAN_SCENARIO: Scenario(MEAN_SCENARIO, 1.0, "probability-weighted mean")},
        share_lost={k: min(v, 1.0) for k, v in share.items() if v > 0},
        price_multiplier={k: 1.0 + v for k, v in shifts.items() if v != 0},
    )


def least_disrupted(case: Case) -> str:
    """The scenario with the lowest total share lost (first in input order among equals)."""
    total = dict.fromkeys(case.scenarios, 0.0)
    for (w, _x, _m, _t), lost in case.share_lost.items():
        total[w] += lost
    return min(case.scenarios, key=lambda w: total[w])


class Worker:
    """A process's state: the case, its options and (built on first use) the full model."""

    def __init__(
        self,
        case: Case,
        options: SolveOptions,
        engine: Engine | None = None,
        plan: np.ndarray | None = None,
    ) -> None:
        self.case = case
        self.options = options
        self._engine = engine
        self._plan = plan  # column values of the plan, for warm starts

    def full(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(self.case, self.options)
            if self._plan is not None:
                self._engine.use_plan(self._plan)
        return self._engine

    def __call__(self, task: Task) -> TaskResult:
        if task.kind in ("forbid", "force"):
            return self._decision(task)
        if task.kind == "evaluate":
            return self._evaluate(task)
        case = alone(self.case, task.scenario) if task.kind == "alone" else mean_case(self.case)
        engine = Engine(case, self.options)
        solved = engine.solve()
        result = _result(task, solved, engine.build_seconds)
        if solved.values is not None:
            result.first_stage = engine.first_stage(solved.values)
        return result

    def _evaluate(self, task: Task) -> TaskResult:
        """A first stage fixed in one scenario alone: Cost(ω), or what falls short in ω."""
        engine = Engine(alone(self.case, task.scenario), self.options)
        fixed = dict(task.fixed)
        solved = engine.solve(engine.fix(fixed))
        result = _result(task, solved, engine.build_seconds)
        if solved.status == "infeasible" and self.options.diagnose:
            result.diagnosis, result.message = engine.diagnose(lambda e: e.fix(fixed))
        result.highs_seconds = engine.highs_seconds
        return result

    def _decision(self, task: Task) -> TaskResult:
        assert task.decision is not None
        fresh = self._engine is None
        started = time.perf_counter()
        engine = self.full()
        built = time.perf_counter() - started if fresh else 0.0
        inside = engine.highs_seconds
        decision = task.decision
        change = Engine.forbid if task.kind == "forbid" else Engine.force
        start = engine.warm_start(decision) if task.kind == "force" else None
        solved = engine.solve(change(engine, decision), start)
        result = _result(task, solved, built)
        if solved.status == "infeasible" and self.options.diagnose:
            result.diagnosis, result.message = engine.diagnose(lambda e: change(e, decision))
        result.highs_seconds = engine.highs_seconds - inside
        if solved.values is not None and task.kind == "force" and decision.kind == "site":
            result.build = engine.build_year(decision.name, solved.values)
        return result


def _result(task: Task, solved: Solved, build_seconds: float) -> TaskResult:
    return TaskResult(
        task,
        solved.status,
        objective=solved.objective,
        gap=solved.gap,
        message=solved.message,
        highs_seconds=solved.seconds,
        build_seconds=build_seconds,
    )
