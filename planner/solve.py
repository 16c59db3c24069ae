"""Solve a case: build the Pyomo model, hand it to HiGHS in memory, read the plan back.

After an optimal (or time-limited) MIP the same HiGHS instance is reused for the marginal cost of
coverage: the binaries y and z are fixed at their values, the model is relaxed to an LP and
re-solved, and the reduced cost of each ``short`` at its upper bound (constraint 10) is read.
An infeasible model goes to `planner.diagnose` on the same instance.
"""

from __future__ import annotations

import math
import time
from typing import Protocol

import highspy
import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.core.base.var import VarData

from planner.build import COMPONENTS, BuiltModel, build_model
from planner.case import Case
from planner.diagnose import diagnose_infeasibility
from planner.handoff import (
    Compiled,
    compile_to_highs,
    limit_time,
    new_highs,
    run,
    thread_scheduler,
)
from planner.models.coverage import shortage_columns
from planner.models.data import ModelData
from planner.options import SolveOptions
from planner.outcome import Outcome, Plan, Status
from planner.progress import watching
from planner.representable import UnrepresentableModel
from planner.warmstart import choices, heuristic_plan, offer_plan, start_misread

_STATUS = highspy.HighsModelStatus


START_SHARE = 0.5  # at most this share of the time limit goes to the warm start's heuristic
# The warm start's LP relaxation is solved on the model as handed off, without the reductions of
# HiGHS's MIP presolve, and it grows faster than the MIP's own root LP: on the 162k-column
# synthetic case (benchmarks/synthetic.py, scale 1) it had not finished after five CPU minutes
# where the MIP's root LP takes about one. Above this many columns HiGHS's own rounding of its
# root LP, which comes sooner, is left to find the first plan.
MAX_START_COLUMNS = 100_000
# The heuristic first plan is an LP solve (0.6 to 2 CPU seconds on the benchmark set's cases up
# to MAX_START_COLUMNS) before the search, and HiGHS's own root heuristics found a plan within 1%
# at most 1.9 CPU seconds into the search on each of those cases. Measured side by side
# (benchmarks/mip-first-plan.md), the search with SEARCH_SETTINGS but without the heuristic plan
# took 0.42 of the old geometric-mean time against 0.53 with it; it was slower on 7 of the 34
# cases, by at most 1.7 s. The heuristic plan pays only when the search may be stopped before
# HiGHS finds its own: under a time limit of at most this many seconds, ten times that longest
# time to HiGHS's own plan within 1%, rounded up.
SHORT_TIME_LIMIT = 20.0
# HiGHS settings chosen on the MIP benchmark set (benchmarks/mip-results.md), never on one case.
# HiGHS's sub-MIP heuristics (RINS, RENS and the root reduced-cost sub-MIP) spent most of the
# search looking for a plan within the last hundredth of a percent (on the bundled case, 29 of
# its 44 seconds by HiGHS's own timing report); with the warm start's plan as incumbent they find
# nothing better, and without them the bundled case and its slowest neighbours solved three to
# four times faster. Branching and cuts, which close the bound, are left as they are.
SEARCH_SETTINGS: dict[str, bool | int | float | str] = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}
# HiGHS's MIP solves its root LP by dual simplex unless told otherwise; on large models an interior
# point solve (IPX, then crossover to a basis for the rest of the search, which stays simplex) is
# far quicker. On the benchmark set (benchmarks/mip-root-lp.md), on each of the 34 cases of up to
# 41k columns it gave a plan within 1% 0.9 to 2.6 CPU seconds later (the whole search was slower
# on 33 of them); it was even with the dual simplex on the 162k-column synthetic case (within 10%
# either way), and on the 300k-column one gave a plan within 1% after about 190 CPU seconds
# instead of about 1,100. Any threshold between 41k and 300k columns makes the same choices where
# they matter; this one is also the size above which the heuristic first plan is left out.
IPM_ROOT_COLUMNS = 100_000


def configure_search(
    compiled: Compiled, built: BuiltModel, options: SolveOptions, *, start: bool = True
) -> tuple[float, bool]:
    """The MIP search's settings and first plan: the seconds the first plan took, and whether
    HiGHS was given one.

    The user's gap and threads; then (unless ``options.baseline``, the benchmark's before)
    SEARCH_SETTINGS, the root LP solver for the model's size (`root_lp_solver`) and, when
    `wants_first_plan` and with `start`, a first plan from `planner.warmstart.heuristic_plan`
    within START_SHARE of the time limit, handed to HiGHS as its incumbent; none when the
    hand-off already gave HiGHS a plan (a sweep's earlier run), which then counts as offered, so
    that `search` checks it for a misread like its own.
    """
    if not apply_search_settings(compiled, options):
        return 0.0, False
    if start and compiled.start_offered:  # the hand-off gave HiGHS an earlier run's plan
        return 0.0, True
    if not start or not wants_first_plan(compiled, options):
        return 0.0, False
    started = time.perf_counter()
    limit = None if options.time_limit is None else START_SHARE * options.time_limit
    plan = heuristic_plan(compiled, choices(compiled, built.registry.choices), limit)
    offered = plan is not None and offer_plan(compiled, plan)
    return time.perf_counter() - started, offered


def apply_search_settings(compiled: Compiled, options: SolveOptions) -> bool:
    """Give HiGHS the user's gap and threads and, for a MIP (unless ``options.baseline``),
    SEARCH_SETTINGS and the root LP solver for the model's size; whether the search settings were
    applied. Every MIP search of a built model goes through here: a solve, a sweep's run and the
    re-solves of value analysis (`planner.value.engine`)."""
    highs = compiled.highs
    highs.setOptionValue("mip_rel_gap", options.mip_gap or 0.0)
    if options.threads is not None:
        highs.setOptionValue("threads", int(options.threads))
    if options.baseline or not len(compiled.integer_columns):
        return False
    for name, value in SEARCH_SETTINGS.items():
        highs.setOptionValue(name, value)
    # Set either way: a sweep's HiGHS instance keeps its options from run to run.
    highs.setOptionValue("mip_lp_solver", root_lp_solver(highs.getNumCol()))
    return True


def root_lp_solver(columns: int) -> str:
    """HiGHS's `mip_lp_solver` for a model of this many columns (see IPM_ROOT_COLUMNS)."""
    return "ipx" if columns > IPM_ROOT_COLUMNS else "choose"


def wants_first_plan(compiled: Compiled, options: SolveOptions) -> bool:
    """Whether the search starts from the heuristic first plan: with integer columns, under a
    time limit of at most SHORT_TIME_LIMIT (the search may end before HiGHS finds a plan of its
    own) and up to MAX_START_COLUMNS (above, the heuristic's LP is slower than HiGHS's root)."""
    return (
        not options.baseline
        and len(compiled.integer_columns) > 0
        and options.time_limit is not None
        and options.time_limit <= SHORT_TIME_LIMIT
        and compiled.highs.getNumCol() <= MAX_START_COLUMNS
    )


def search(
    built: BuiltModel, compiled: Compiled, options: SolveOptions, timings: dict[str, float]
) -> tuple[Compiled, Status | None, str]:
    """Configure and run the MIP search (what HiGHS runs on, its status and message).

    When HiGHS mis-values the warm start (`planner.warmstart.start_misread`), its search pruned
    against a wrong incumbent: the search runs again, without a start, on a fresh hand-off.
    """
    if wants_first_plan(compiled, options) and not compiled.start_offered:
        _note(options, "finding a first plan")
    timings["first_plan"], offered = configure_search(compiled, built, options)
    time_limit = options.time_limit
    if time_limit is not None:
        time_limit = max(0.0, time_limit - timings["first_plan"])
    _note(
        options,
        f"solving: {compiled.highs.getNumCol():,} columns, {compiled.highs.getNumRow():,} rows",
    )
    started = time.perf_counter()
    with watching(compiled.highs, options.progress, options.log):
        status, message = run(compiled.highs, time_limit)
    if offered and status in ("optimal", "time_limit_feasible") and start_misread(compiled):
        _note(options, "solving again without the first plan, which HiGHS misread")
        compiled = compile_to_highs(built, new_highs(options.log))
        configure_search(compiled, built, options, start=False)
        if time_limit is not None:
            time_limit = max(0.0, time_limit - (time.perf_counter() - started))
        with watching(compiled.highs, options.progress, options.log):
            status, message = run(compiled.highs, time_limit)
    timings["solve"] = time.perf_counter() - started
    return compiled, status, message


def _note(options: SolveOptions, message: str) -> None:
    if options.progress is not None:
        options.progress(message)


def _value(var: VarData) -> float:
    """A solved variable's value (0 for one the hand-off left out)."""
    return var.value or 0.0


def _load_solution(compiled: Compiled, built: BuiltModel) -> np.ndarray:
    """Copy HiGHS's column values into the Pyomo variables; unused variables get 0."""
    values = np.asarray(compiled.highs.getSolution().col_value, dtype=float)
    for var in built.model.component_data_objects(pyo.Var, descend_into=True):
        var.set_value(0.0, skip_validation=True)
    for var, value in zip(compiled.columns, values.tolist(), strict=True):
        var.set_value(value, skip_validation=True)
    return values


FLOW_COLUMNS = ("inflow", "outflow", "release", "inventory", "shortage")


def _plan(built: BuiltModel) -> Plan:
    """Every decision of the solved model as the tables of `planner.outcome.Plan`.

    Each component extracts its own tables; the parts of ``flows`` (trade, stockpiles, coverage)
    are laid onto the full grid of scenario, mineral, country and year, 0 where a variable does
    not exist.
    """
    data = built.data
    tables: dict[str, pd.DataFrame] = {}
    flows = []
    for _, component in COMPONENTS:
        extract = getattr(component, "extract", None)
        if extract is None:
            continue
        for name, table in extract(built.model, data).items():
            if name == "flows":
                flows.append(table)
            else:
                tables[name] = table
    case = data.case
    keys = ["scenario", "mineral", "country", "year"]
    grid = pd.DataFrame(
        [
            (w, m, r, t)
            for w in data.scenarios
            for m in case.minerals
            for r in case.countries
            for t in data.years
        ],
        columns=keys,
    )
    for part in flows:
        grid = grid.merge(part, on=keys, how="left")
    for column in FLOW_COLUMNS:
        grid[column] = grid[column].astype(float).fillna(0.0) if column in grid else 0.0
    tables["flows"] = grid[[*keys, *FLOW_COLUMNS]]
    return Plan(**tables, tree=_tree(data))


def _tree(data: ModelData) -> pd.DataFrame:
    """year, node, scenarios, probability: the scenario tree of model.md 15."""
    return pd.DataFrame(
        [
            (t, n, data.node_scenarios[n], data.node_probability[n])
            for t in data.years
            for n in data.nodes[t]
        ],
        columns=["year", "node", "scenarios", "probability"],
    )


def conditional_value_at_risk(costs: np.ndarray, probability: np.ndarray, alpha: float) -> float:
    """CVaR_α = min_η η + 1/(1 − α)·Σ π·max(0, Cost − η); the minimum is at one of the costs."""
    return min(
        eta + float(probability @ np.maximum(costs - eta, 0.0)) / (1.0 - alpha) for eta in costs
    )


def coverage_values(
    compiled: Compiled, built: BuiltModel, time_limit: float | None = None
) -> pd.DataFrame | None:
    """Marginal cost of coverage: duals of constraint 10 in the LP with y and z fixed.

    Returns None when the LP does not solve to optimality. Constraint 10 of a tree node binds all
    its scenarios at once (15): its value is split among them by probability, so that the values
    of a node's scenarios add up to the node's dual. Value = −(reduced cost of short) where
    short sits at its upper bound (1 − c)·D: the increase of the objective per tonne of extra
    required coverage. Elsewhere constraint 10 does not bind and its dual is 0 (not listed).
    """
    highs = compiled.highs
    columns = compiled.integer_columns
    count = len(columns)
    if count:
        solution = np.asarray(highs.getSolution().col_value)
        fixed = np.round(solution[columns])
        highs.changeColsIntegrality(
            count,
            columns,
            np.full(count, highspy.HighsVarType.kContinuous.value, dtype=np.uint8),
        )
        highs.changeColsBounds(count, columns, fixed, fixed)
    limit_time(highs, time_limit)
    highs.run()
    if highs.getModelStatus() not in (_STATUS.kOptimal, _STATUS.kModelEmpty):
        return None
    reduced = np.asarray(highs.getSolution().col_dual)
    rows = []
    probability = built.data.probability
    for (scenarios, m, r, t), var in shortage_columns(built.model, built.data):
        j = compiled.column_of.get(id(var))
        if j is None:
            continue
        value = -float(reduced[j])  # > 0 only where short sits at its upper bound
        if value <= 1e-9:
            continue
        mass = sum(probability[w] for w in scenarios)
        for w in scenarios:
            share = probability[w] / mass if mass > 0 else 1.0 / len(scenarios)
            rows.append((w, m, r, t, value * share))
    return pd.DataFrame(rows, columns=["scenario", "mineral", "country", "year", "value"])


def _size(compiled: Compiled) -> dict[str, int]:
    highs = compiled.highs
    return {
        "columns": highs.getNumCol(),
        "rows": highs.getNumRow(),
        "nonzeros": highs.getNumNz(),
        "integers": len(compiled.integer_columns),
    }


class HandOff(Protocol):
    """Puts a built model into a HiGHS instance: a new one (`fresh_hand_off`), or one that a
    sweep worker keeps from run to run (`planner.reuse`)."""

    def __call__(self, built: BuiltModel, log: bool) -> Compiled: ...


def fresh_hand_off(built: BuiltModel, log: bool) -> Compiled:
    """The model compiled and passed to a new HiGHS instance."""
    return compile_to_highs(built, new_highs(log))


def _highs_version() -> str:
    return (
        f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"
    )


def solve_case(
    case: Case, options: SolveOptions | None = None, hand_off: HandOff = fresh_hand_off
) -> Outcome:
    """Build, solve and read back one case (None options take the case's Settings or HiGHS's).

    ``options.prune=False`` builds every variable of model.md over its full index (slower; a
    check that the sparse model is exact). `hand_off` puts the built model into HiGHS.
    """
    resolved = (options or SolveOptions()).resolved(case.settings)
    with thread_scheduler(resolved.threads):
        return _solve(case, resolved, hand_off)


def _solve(case: Case, options: SolveOptions, hand_off: HandOff) -> Outcome:
    """`solve_case` with its options resolved."""
    timings: dict[str, float] = {}
    time_limit = options.time_limit
    log, progress = options.log, options.progress

    def note(message: str) -> None:
        _note(options, message)

    note("building the model")
    started = time.perf_counter()
    built = build_model(case, prune=options.prune)
    timings["build"] = time.perf_counter() - started

    started = time.perf_counter()
    try:
        compiled = hand_off(built, log)
    except UnrepresentableModel as refusal:  # recorded like any solver failure (exit 5)
        timings["handoff"] = time.perf_counter() - started
        return Outcome(
            "solver_error", message=str(refusal), timings=timings, highs_version=_highs_version()
        )
    timings["handoff"] = time.perf_counter() - started
    size = _size(compiled)
    compiled, status, message = search(built, compiled, options, timings)
    highs = compiled.highs
    outcome = Outcome(
        status=status or "solver_error",
        message=message,
        timings=timings,
        highs_version=highs.version(),
        size=size,
    )
    if status == "infeasible":
        if options.diagnose:
            note("infeasible: diagnosing with an elastic re-solve")
            started = time.perf_counter()
            outcome.diagnosis, outcome.message = diagnose_infeasibility(
                compiled, built, time_limit=time_limit, progress=progress
            )
            timings["diagnose"] = time.perf_counter() - started
        return outcome
    if status not in ("optimal", "time_limit_feasible"):
        return outcome

    with PauseGC():  # reading back allocates many small objects, like the build
        _load_solution(compiled, built)
        objective = float(pyo.value(built.model.objective))
        outcome.plan = _plan(built)
        registry = built.registry
        costs = registry.evaluate(_value)
        outcome.spending = registry.spending_table(_value)
        outcome.item_costs = registry.item_costs(_value)
    info = highs.getInfo()
    # An empty model (nothing left to decide) reports 0, not its offset.
    reported = info.objective_function_value if size["columns"] else highs.getObjectiveOffset()[1]
    if not math.isclose(objective, reported, rel_tol=1e-6, abs_tol=1e-6):
        raise RuntimeError(
            f"objective check failed: Pyomo evaluates {objective!r}, HiGHS reports {reported!r}"
        )
    gap = info.mip_gap if len(compiled.integer_columns) else 0.0
    outcome.objective = objective
    outcome.mip_gap = float(gap) if math.isfinite(gap) else None
    outcome.scenario_costs = costs
    probability = np.array([built.data.probability[w] for w in costs["scenario"]])
    outcome.expected_cost = float(probability @ costs["cost"].to_numpy())
    settings = case.settings
    if settings.cvar_weight > 0:
        outcome.cvar = conditional_value_at_risk(
            costs["cost"].to_numpy(), probability, settings.cvar_alpha
        )

    if options.coverage_duals:
        note("computing the marginal cost of coverage")
        started = time.perf_counter()
        outcome.coverage_value = coverage_values(compiled, built, time_limit)
        timings["duals"] = time.perf_counter() - started
    return outcome
