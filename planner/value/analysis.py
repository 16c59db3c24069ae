"""The value of each decision, of planning for risk and of knowing the future (issue 12).

1. Solve the case once (the plan) on an `Engine` that keeps the built model.
2. Re-solve, in parallel workers: each first-stage decision forbidden (taken by the plan) or
   forced in (not taken); each scenario alone (WS); the mean scenario (EV).
3. Evaluate, on the plan's own model with every first-stage column fixed: the EV plan (EEV) and
   the plan of the least-disrupted scenario ("business as usual"). Where a fixed plan cannot
   meet every constraint, it is evaluated again in each scenario alone: Cost(ω) where it can,
   the diagnosed shortfalls (country, mineral, year, tonnes) where it cannot.
4. Turn the figures into the `Value` and `Risk` tables (see `planner.value.tables`).

Every figure is an expected discounted cost in USD: the case's objective, which includes CVaR
when cvar_weight > 0. Where a re-solve has no plan because the case becomes infeasible, the
figure is replaced by the diagnosis of `planner.diagnose`, never a large number.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from planner.case import Case
from planner.errors import PlannerError
from planner.models.decisions import Decision, StageKey
from planner.options import SolveOptions
from planner.outcome import Diagnosis
from planner.value.engine import Engine, Solved
from planner.value.parallel import run_tasks
from planner.value.tasks import Task, TaskResult, least_disrupted

# Exit codes of a case that has no plan to value (as `planner solve`).
NO_PLAN_EXIT = {"infeasible": 3, "time_limit_no_solution": 4}


@dataclass
class Evaluation:
    """A first-stage plan fixed in the full model: its objective and Cost(ω), or what is short."""

    status: str
    objective: float | None = None
    costs: dict[str, float] = field(default_factory=dict)  # scenario -> Cost(ω)
    diagnosis: list[Diagnosis] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0  # inside HiGHS


@dataclass
class ValueReport:
    """Everything `planner value` reports."""

    case: Case
    plan: Solved  # the case solved as it is
    plan_costs: dict[str, float]  # scenario -> Cost(ω) of the plan
    decisions: list[tuple[Decision, bool, TaskResult | None]]  # decision, in plan, re-solve
    alone: dict[str, TaskResult]  # scenario -> its WS re-solve
    mean: TaskResult
    ev_plan: Evaluation
    no_disruption_scenario: str
    no_disruption_plan: Evaluation
    offer_discount: dict[str, float]  # offer -> Σ_{t ∈ A(o)} d(t)
    discount: dict[int, float]  # d(t)
    timings: dict[str, float] = field(default_factory=dict)
    resolves: int = 0
    highs_seconds: float = 0.0  # inside HiGHS, over every solve of every process

    @property
    def objective(self) -> float:
        assert self.plan.objective is not None
        return self.plan.objective


Done = Callable[[TaskResult], None]
Started = Callable[[int], Done]


def analyse(
    case: Case,
    options: SolveOptions | None = None,
    *,
    workers: int = 1,
    progress: Started | None = None,
) -> ValueReport:
    """Solve `case`, re-solve it for every figure of the report, and collect the figures.

    `progress(total)` is called once the re-solves are known and returns the callback that sees
    each finished re-solve; `options.progress` sees the lines of the case's own solve only.
    Raises PlannerError (exit 3, 4 or 5) when the case itself has no plan.
    """
    options = (options or SolveOptions()).resolved(case.settings)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    engine = Engine(case, options)
    timings["build"] = engine.build_seconds
    with engine.watched():
        plan = engine.solve()
    options = replace(options, progress=None)  # re-solves run in worker processes, unwatched
    timings["solve"] = plan.seconds
    if plan.values is None:
        raise PlannerError(
            f"the case has no plan to value ({plan.status}: {plan.message}); run planner solve "
            "for the diagnosis",
            NO_PLAN_EXIT.get(plan.status, 5),
        )
    engine.use_plan(plan.values)
    tasks, taken = _tasks(engine, plan, case)
    done = progress(len(tasks)) if progress is not None else None
    resolve_started = time.perf_counter()
    results = run_tasks(
        case, options, tasks, workers=workers, engine=engine, plan=plan.values, done=done
    )
    timings["resolves"] = time.perf_counter() - resolve_started

    by_task = dict(zip(tasks, results, strict=True))
    alone = {w: by_task[Task("alone", scenario=w)] for w in case.scenarios}
    mean = by_task[Task("mean")]
    calm = least_disrupted(case)
    fix_started = time.perf_counter()
    plans = {"mean": mean.first_stage, "calm": alone[calm].first_stage}
    evaluations = {label: _evaluate(engine, first) for label, first in plans.items()}
    # A plan that exists and is infeasible in the full model (a missing plan is "no plan").
    short = {
        label: first
        for label, first in plans.items()
        if first is not None and evaluations[label].status == "infeasible"
    }
    if short:  # which scenarios the plan fails, and its cost in the others
        tasks = [
            Task("evaluate", scenario=w, plan=label, fixed=tuple(first.items()))
            for label, first in short.items()
            for w in case.scenarios
        ]
        more = run_tasks(case, options, tasks, workers=workers)
        results += more
        for label in short:
            _by_scenario(evaluations[label], [r for r in more if r.task.plan == label])
    ev_plan, no_disruption = evaluations["mean"], evaluations["calm"]
    timings["fixed plans"] = time.perf_counter() - fix_started
    timings["total"] = time.perf_counter() - started
    decisions = [
        (decision, in_plan, by_task.get(_decision_task(decision, in_plan)))
        for decision, in_plan in taken
    ]
    data = engine.built.data
    return ValueReport(
        case=case,
        plan=plan,
        plan_costs=_costs(engine, plan),
        decisions=decisions,
        alone=alone,
        mean=mean,
        ev_plan=ev_plan,
        no_disruption_scenario=calm,
        no_disruption_plan=no_disruption,
        offer_discount={o: engine.offer_discount(o) for o in case.offers},
        discount=dict(data.discount),
        timings=timings,
        resolves=len(results) + 3,  # and the plan, the EV plan and the no-disruption plan
        highs_seconds=plan.seconds
        + ev_plan.seconds
        + no_disruption.seconds
        + sum(r.highs_seconds for r in results),
    )


def _decision_task(decision: Decision, in_plan: bool) -> Task:
    return Task("forbid" if in_plan else "force", decision)


def _tasks(engine: Engine, plan: Solved, case: Case) -> tuple[list[Task], list]:
    """The re-solves, the slow single-scenario builds first; and each decision with its state."""
    assert plan.values is not None
    tasks = [Task("alone", scenario=w) for w in case.scenarios] + [Task("mean")]
    taken = []
    for decision in engine.candidates():
        in_plan = engine.in_plan(decision, plan.values)
        taken.append((decision, in_plan))
        if in_plan or decision.kind != "stockpile":  # no purchases: nothing to take away
            tasks.append(_decision_task(decision, in_plan))
    return tasks, taken


def _costs(engine: Engine, solved: Solved) -> dict[str, float]:
    assert solved.values is not None
    table: pd.DataFrame = engine.scenario_costs(solved.values)
    return dict(zip(table["scenario"], table["cost"].astype(float), strict=True))


def _evaluate(engine: Engine, first_stage: dict[StageKey, float] | None) -> Evaluation:
    """The full model with every first-stage column fixed at `first_stage`.

    When it is infeasible, `_by_scenario` finds out where, one scenario at a time.
    """
    if first_stage is None:
        return Evaluation("no plan", message="the single-scenario problem has no plan")
    solved = engine.solve(engine.fix(first_stage))
    if solved.values is not None:
        costs = _costs(engine, solved)
        return Evaluation(solved.status, solved.objective, costs, seconds=solved.seconds)
    return Evaluation(solved.status, message=solved.message, seconds=solved.seconds)


def _by_scenario(evaluation: Evaluation, results: list[TaskResult]) -> None:
    """Cost(ω) where the fixed plan is feasible in ω alone; the shortfalls where it is not."""
    failed = []
    for result in results:
        w = result.task.scenario
        if result.objective is not None:
            evaluation.costs[w] = result.objective
        else:
            failed.append(w)
            evaluation.diagnosis.extend(result.diagnosis)
    evaluation.message = (
        f"the plan cannot meet every constraint in {', '.join(failed)}" if failed else ""
    )
