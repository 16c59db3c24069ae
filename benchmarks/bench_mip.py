"""The MIP benchmark set: branch-and-bound effort on a fixed set of cases, current code against the
formulation and search settings before issue 15, side by side in one run.

    python benchmarks/bench_mip.py [--quick] [--time-limit 300] [--only NAME ...] [--write]

The set (every case is made here from committed inputs or from a seed, so it never drifts):

- ``bundled``: inputs/alliance-2026 as committed;
- its one-at-a-time neighbours: each mineral's price path × 0.5 and × 1.5 (Minerals.price and
  its Prices rows, as `planner sweep` moves them), the budget × 0.5 and × 1.5, and each scenario's
  probability doubled (the others keep their relative weights and are rescaled to sum to 1, as
  `planner sweep` does);
- ``sampled-10``: the bundled case with the ban hazards of examples/sampled_bans/hazards.csv,
  10 scenarios sampled with seed 1 (as `planner scenarios` samples them);
- ``synthetic-S``: benchmarks/synthetic.py at scale S (seed 0), up to about 300k columns.

Each case is solved twice, each time in a fresh process with one HiGHS thread and the case's
own mip_gap, under a time limit per solve: once with the current code (``new``) and once with
``SolveOptions(baseline=True)`` (``old``: the formulation, HiGHS settings and start before
issue 15). The order alternates from case to case so that a change in the machine's load
weighs on both columns alike. Per solve it records the CPU seconds of the search (the warm
start's heuristic included, the model build and hand-off not), the nodes, the root gap (best
plan at the end against the dual bound when the root node was done), the final gap, the
objective and the CPU seconds until a plan within 1% of the bound was known.

`--root-lp` solves each case as new and with the root LP solver that new's size rule does not
choose (`planner.solve.root_lp_solver`), into benchmarks/mip-root-lp.jsonl and .md.
`--formulations` solves each case only some ways (e.g. old and new of one large case in two
processes at once, each with its own time limit). `--with-settings` adds a third solve per case
(``settings``: the current HiGHS settings without the heuristic first plan, which tells what
that plan buys; benchmarks/mip-first-plan.md). `--quick` runs a small subset for development;
`--write` writes benchmarks/mip-results.md with the command that made it (`--output STEM`:
benchmarks/STEM.jsonl and .md instead). With `--one NAME --formulation
old|new|settings|other-root` the script measures a single solve and prints its figures as JSON
(what each fresh process runs).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from planner.case import Case  # noqa: E402

RESULTS = HERE / "mip-results.md"
DIAGNOSIS = HERE / "mip-diagnosis.md"
RECORDS = HERE / "mip-results.jsonl"  # every solve of the runs that wrote RESULTS, one per line
BUNDLED = ROOT / "inputs" / "alliance-2026"
HAZARDS = ROOT / "examples" / "sampled_bans" / "hazards.csv"
SYNTHETIC_SCALES = (0.1, 0.25, 1.0, 2.0)
QUICK = ("bundled", "price x1.5 NdPr oxide", "budget x0.5", "synthetic-0.1")
WITHIN = 0.01  # "a plan within 1% gap"
# old: SolveOptions(baseline=True); new: the current code; settings: the current code's HiGHS
# settings (planner.solve.SEARCH_SETTINGS) without the heuristic first plan, which tells what
# the first plan itself buys.
FORMULATIONS = ("old", "new", "settings", "other-root")
ROOT_LP = HERE / "mip-root-lp"  # --root-lp: new against the other root LP solver, .jsonl and .md


# The cases.


def bundled() -> Case:
    from planner.validate import read_case

    case, _ = read_case(BUNDLED)
    return case


def scaled_price(case: Case, mineral: str, factor: float) -> Case:
    """The mineral's whole price path × factor (Minerals.price and every P(m,t))."""
    minerals = dict(case.minerals)
    minerals[mineral] = replace(minerals[mineral], price=minerals[mineral].price * factor)
    price = {(m, t): p * factor if m == mineral else p for (m, t), p in case.price.items()}
    return replace(case, minerals=minerals, price=price)


def scaled_budget(case: Case, factor: float) -> Case:
    budget = case.settings.budget
    assert budget is not None, "the bundled case has a budget"
    return replace(case, settings=replace(case.settings, budget=budget * factor))


def doubled_probability(case: Case, scenario: str) -> Case:
    """π(scenario) doubled, the others rescaled so that they keep their weights and sum to 1."""
    doubled = 2 * case.scenarios[scenario].probability
    rest = 1.0 - case.scenarios[scenario].probability
    factor = (1.0 - doubled) / rest
    scenarios = {
        w: replace(sc, probability=doubled if w == scenario else sc.probability * factor)
        for w, sc in case.scenarios.items()
    }
    return replace(case, scenarios=scenarios)


def sampled(samples: int, seed: int = 1) -> Case:
    from planner.scenarios.case_copy import name_samples, sampled_copy
    from planner.scenarios.command import read_hazard_case
    from planner.validate import case_from_raw

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "alliance-2026-hazards"
        shutil.copytree(BUNDLED, copy)
        shutil.copy(HAZARDS, copy / "Hazards.csv")
        source = read_hazard_case(copy)
        named = name_samples(source.sample(samples, seed), samples, 1.0)
        case, _ = case_from_raw(sampled_copy(source.raw, named))
    return case


def synthetic(scale: float) -> Case:
    from synthetic import synthetic_case

    return synthetic_case(scale)


def instances() -> dict[str, Callable[[], Case]]:
    """Every case of the set by name, in the order of the table."""
    base = bundled()
    made: dict[str, Callable[[], Case]] = {"bundled": bundled}
    for m in base.minerals:
        for factor in (0.5, 1.5):
            made[f"price x{factor:g} {m}"] = lambda m=m, f=factor: scaled_price(bundled(), m, f)
    for factor in (0.5, 1.5):
        made[f"budget x{factor:g}"] = lambda f=factor: scaled_budget(bundled(), f)
    for w in base.scenarios:
        made[f"probability x2 {w}"] = lambda w=w: doubled_probability(bundled(), w)
    made["sampled-10"] = lambda: sampled(10)
    for scale in SYNTHETIC_SCALES:
        made[f"synthetic-{scale:g}"] = lambda s=scale: synthetic(s)
    return made


def is_neighbour(name: str) -> bool:
    return name.startswith(("price ", "budget ", "probability "))


def family(name: str) -> str:
    """bundled (the case and its neighbours), sampled or synthetic."""
    if name == "bundled" or is_neighbour(name):
        return "bundled"
    return name.split("-")[0]


# One solve, in this process.


def measure(name: str, formulation: str, time_limit: float) -> dict[str, Any]:
    """Build, hand off and solve one case of the set; the search's figures."""
    import highspy

    import planner.solve
    from planner.build import build_model
    from planner.handoff import compile_to_highs, new_highs, run, thread_scheduler
    from planner.options import SolveOptions
    from planner.solve import configure_search
    from planner.warmstart import start_misread

    if formulation == "other-root":  # the root LP solver that the size rule does not choose
        rule = planner.solve.root_lp_solver
        planner.solve.root_lp_solver = lambda columns: "choose" if rule(columns) == "ipx" else "ipx"
    case = instances()[name]()
    options = SolveOptions(threads=1, time_limit=time_limit, baseline=formulation == "old")
    options = options.resolved(case.settings)
    with thread_scheduler(1):
        built = build_model(case)
        highs = new_highs()
        compiled = compile_to_highs(built, highs)
        search = Search()
        started = time.process_time()
        search.started = started
        highs.cbMipLogging.subscribe(search.record)
        highs.cbMipImprovingSolution.subscribe(search.record)
        highs.cbMipInterrupt.subscribe(search.record)
        configure_search(compiled, built, options, start=formulation != "settings")
        search.start_seconds = time.process_time() - started
        status, message = run(highs, options.time_limit)
        seconds = time.process_time() - started
        info = highs.getInfo()
        has_plan = info.primal_solution_status == highspy.kSolutionStatusFeasible
        misread = has_plan and start_misread(compiled)
    objective = info.objective_function_value if has_plan else math.nan
    return {
        "name": name,
        "formulation": formulation,
        "status": status or message,
        "columns": highs.getNumCol(),
        "integers": len(compiled.integer_columns),
        "seconds": seconds,
        "start_seconds": search.start_seconds,
        "nodes": int(info.mip_node_count),
        "objective": objective,
        "bound": info.mip_dual_bound,
        "root_gap": gap(objective, search.root_bound),
        "final_gap": gap(objective, info.mip_dual_bound),
        "within_seconds": search.within_seconds,
        # HiGHS valued the warm start wrongly (planner.solve.search would solve again).
        "misread_start": misread,
        "root_lp_solver": highs.getOptionValue("mip_lp_solver")[1],
    }


def gap(objective: float, bound: float) -> float:
    """HiGHS's relative gap: (plan − bound) / |plan|."""
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.nan
    return max(0.0, objective - bound) / max(abs(objective), 1e-9)


class Search:
    """What the MIP callbacks tell while the search runs: the root bound, and when the gap
    first fell within WITHIN (CPU seconds from the start of the search)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.start_seconds = 0.0
        self.root_bound = -math.inf
        self.within_seconds = math.nan

    def record(self, event: Any) -> None:
        out = event.data_out
        if out.mip_node_count == 0 and math.isfinite(out.mip_dual_bound):
            self.root_bound = max(self.root_bound, out.mip_dual_bound)
        if math.isnan(self.within_seconds) and gap(out.mip_primal_bound, out.mip_dual_bound) <= (
            WITHIN
        ):
            self.within_seconds = time.process_time() - self.started


# Where the time goes: the LP relaxation against the optimum, and what it leaves fractional.


def diagnose(name: str) -> list[str]:
    """The relaxation's bound and fractional choices against the optimum of one case."""
    import numpy as np

    from planner.build import build_model
    from planner.handoff import compile_to_highs, new_highs, thread_scheduler
    from planner.options import SolveOptions
    from planner.solve import search

    case = instances()[name]()
    with thread_scheduler(1):
        built = build_model(case)
        compiled = compile_to_highs(built, new_highs())
        highs = compiled.highs
        integers = compiled.integer_columns
        highs.setOptionValue("threads", 1)
        highs.changeColsIntegrality(len(integers), integers, np.zeros(len(integers), np.uint8))
        started = time.process_time()
        highs.run()
        lp_seconds = time.process_time() - started
        relaxed = np.asarray(highs.getSolution().col_value)
        bound = highs.getInfo().objective_function_value
        highs.changeColsIntegrality(len(integers), integers, np.ones(len(integers), np.uint8))
        highs.clearSolver()
        options = SolveOptions(threads=1, mip_gap=1e-6, baseline=True)
        compiled, _, _ = search(built, compiled, options, {})
        best = np.asarray(compiled.highs.getSolution().col_value)
        optimum = compiled.highs.getInfo().objective_function_value
    lines = [
        f"### {name}",
        "",
        f"LP relaxation {bound:.6e} in {lp_seconds:.1f} CPU s; optimum (gap 1e-6) "
        f"{optimum:.6e}: the relaxation is {gap(optimum, bound):.4%} below it. Binaries the "
        "relaxation leaves fractional or the optimum sets otherwise:",
        "",
        "| binary | relaxation | optimum |",
        "|---|---:|---:|",
    ]
    for j in integers:
        if 1e-6 < relaxed[j] < 1 - 1e-6 or abs(relaxed[j] - best[j]) > 1e-6:
            lines.append(
                f"| {compiled.columns[j].name} | {relaxed[j]:.4f} | {round(abs(best[j]))} |"
            )
    return [*lines, ""]


# The set, each solve in a fresh process.


def solve_in_child(name: str, formulation: str, time_limit: float) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one",
        name,
        "--formulation",
        formulation,
        "--time-limit",
        str(time_limit),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return {"name": name, "formulation": formulation, "status": "error: " + done.stderr[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_set(
    names: list[str], time_limit: float, command: str, keep: Path | None, variants: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Solve every case each of the `variants` ways, rotating which goes first; each record is
    printed and, with `keep`, appended to that file as it comes (with the command and commit
    that made it)."""
    records = []
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    for i, name in enumerate(names):
        order = variants[i % len(variants) :] + variants[: i % len(variants)]
        for formulation in order:
            record = solve_in_child(name, formulation, time_limit)
            record.update(command=command, commit=commit, time_limit=time_limit)
            records.append(record)
            print(json.dumps(record), flush=True)
            if keep is not None:
                with keep.open("a") as file:
                    file.write(json.dumps(record) + "\n")
    return records


def kept_records(records: Path = RECORDS) -> list[dict[str, Any]]:
    """The records of every run kept in `records`, the last one per case and formulation, in
    the order of the set."""
    if not records.exists():
        return []
    last = {}
    for line in records.read_text().splitlines():
        record = json.loads(line)
        last[record["name"], record["formulation"]] = record
    order = {name: i for i, name in enumerate(instances())}
    return sorted(
        last.values(), key=lambda r: (order.get(r["name"], len(order)), r["formulation"] != "old")
    )


# The table.


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(max(v, 1e-3)) for v in values) / len(values)) if values else 0.0


def _pct(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.3f}%"


def _sec(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.1f}"


def settled(record: dict[str, Any]) -> dict[str, Any]:
    """The record with the figures the callbacks could not see filled in: a search that ended at
    the root (one node or none) had its final bound at the root, and a plan within 1% was known
    by the end of a search that ended within 1%."""
    record = dict(record)
    if record.get("nodes", 2) <= 1 and "final_gap" in record:
        record["root_gap"] = record["final_gap"]
    within = record.get("within_seconds")
    if (within is None or math.isnan(within)) and record.get("final_gap", math.inf) <= WITHIN:
        record["within_seconds"] = record.get("seconds")
    return record


def table(records: list[dict[str, Any]], time_limit: float) -> list[str]:
    by = {(r["name"], r["formulation"]): settled(r) for r in records}
    names = list(dict.fromkeys(r["name"] for r in records))
    lines = [
        "| case | columns | binaries | MIP s old | MIP s new | nodes old | nodes new "
        "| root gap old | root gap new | final gap old | final gap new "
        "| s to 1% old | s to 1% new | objective old | objective new |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        old, new = by.get((name, "old"), {}), by.get((name, "new"), {})
        size = new or old
        lines.append(
            f"| {name} | {size.get('columns', 0):,} | {size.get('integers', 0)} "
            f"| {_mip_seconds(old)} | {_mip_seconds(new)} "
            f"| {old.get('nodes', '–')} | {new.get('nodes', '–')} "
            f"| {_pct(old.get('root_gap'))} | {_pct(new.get('root_gap'))} "
            f"| {_pct(old.get('final_gap'))} | {_pct(new.get('final_gap'))} "
            f"| {_sec(old.get('within_seconds'))} | {_sec(new.get('within_seconds'))} "
            f"| {_objective(old)} | {_objective(new)} |"
        )
    return lines


def _mip_seconds(record: dict[str, Any]) -> str:
    """CPU seconds, marked where the solve stopped at its time limit."""
    text = _sec(record.get("seconds"))
    return f"{text} (limit)" if str(record.get("status", "")).startswith("time_limit") else text


def _objective(record: dict[str, Any]) -> str:
    value = record.get("objective")
    if value is None or not math.isfinite(value):
        return record.get("status", "–")
    return f"{value:.6e}"


def targets(records: list[dict[str, Any]], time_limit: float) -> list[str]:
    """The issue's targets as ratios of this run's figures."""
    by = {(r["name"], r["formulation"]): settled(r) for r in records}
    names = [
        n
        for n in dict.fromkeys(r["name"] for r in records)
        if "seconds" in by.get((n, "old"), {}) and "seconds" in by.get((n, "new"), {})
    ]
    lines = []
    old = [by[n, "old"]["seconds"] for n in names]
    new = [by[n, "new"]["seconds"] for n in names]
    if names:
        ratio = geometric_mean(new) / geometric_mean(old)
        lines.append(
            f"- Geometric-mean MIP CPU seconds over the {len(names)} cases solved both ways: "
            f"old {geometric_mean(old):.1f}, new {geometric_mean(new):.1f}, new/old "
            f"{ratio:.2f} (target ≤ 0.50; a solve stopped at its time limit counts with the CPU "
            "seconds it had used)."
        )
    lines.extend(_settings_only(by, names))
    for formulation in ("old", "new"):
        base = by.get(("bundled", formulation), {}).get("seconds")
        neighbours = [by[n, formulation]["seconds"] for n in names if is_neighbour(n)]
        if base and neighbours:
            worst = max(neighbours)
            lines.append(
                f"- {formulation}: slowest one-at-a-time neighbour of the bundled case "
                f"{worst:.1f} s, {worst / base:.1f} × the base run's {base:.1f} s (target ≤ 3 ×)."
            )
    largest = [n for n in names if n.startswith("synthetic-")]
    if largest:
        n = largest[-1]
        before, after = by[n, "old"], by[n, "new"]
        unfinished = str(before.get("status", "")).startswith("time_limit")
        full = (
            f"had not ended after {_sec(before.get('seconds'))} s (its time limit), so new's "
            "time to 1% is at most"
            if unfinished
            else f"took {_sec(before.get('seconds'))} s, so new's time to 1% is"
        )
        within, old_full = after.get("within_seconds"), before.get("seconds")
        ratio = within / old_full if within and old_full else math.nan
        lines.append(
            f"- {n}: a plan within 1% of the bound after {_sec(within)} CPU s new against "
            f"{_sec(before.get('within_seconds'))} old; the old search {full} {ratio:.3f} of "
            "its full time (target: a tenth of today's time)."
        )
    disagree = [n for n in names if _disagree(by[n, "old"], by[n, "new"])]
    misread = [r["name"] for r in records if r.get("misread_start")]
    if misread:
        lines.append(
            "- HiGHS misvalued the warm start (planner.solve.search solves these again without "
            f"it; the figures above are of the first search): {', '.join(misread)}"
        )
    lines.append(
        "- Objectives of old and new agree within the larger of their final gaps on every case"
        if not disagree
        else f"- Objectives disagree beyond their gaps on: {', '.join(disagree)}"
    )
    return lines


def _settings_only(by: dict[tuple[str, str], dict[str, Any]], names: list[str]) -> list[str]:
    """The geometric means of the cases also solved with the settings but no first plan."""
    solved = [n for n in names if "seconds" in by.get((n, "settings"), {})]
    if not solved:
        return []
    means = {
        f: geometric_mean([by[n, f]["seconds"] for n in solved]) for f in ("old", "new", "settings")
    }
    within = {
        f: geometric_mean([by[n, f].get("within_seconds", math.nan) for n in solved])
        for f in ("old", "new", "settings")
    }
    return [
        f"- The {len(solved)} cases also solved with SEARCH_SETTINGS but no heuristic first "
        f"plan (settings): geometric-mean MIP CPU seconds old {means['old']:.2f}, settings "
        f"{means['settings']:.2f}, new {means['new']:.2f}; settings/old "
        f"{means['settings'] / means['old']:.2f}, new/old {means['new'] / means['old']:.2f}; "
        f"geometric-mean s to 1% old {within['old']:.2f}, settings {within['settings']:.2f}, "
        f"new {within['new']:.2f}."
    ]


def root_lp_markdown(records: list[dict[str, Any]], kept: Path) -> str:
    """The table of --root-lp: each case with the root LP solver of the size rule (new) and with
    the other one, and which of the two was quicker."""
    by = {(r["name"], r["formulation"]): settled(r) for r in records}
    lines = [
        "# The root LP solver of the MIP search",
        "",
        f"{_generated_by(records, kept)} Each case of the MIP "
        "benchmark set solved by the current search (new), whose root LP is HiGHS's own choice "
        "(dual simplex) up to `planner.solve.IPM_ROOT_COLUMNS` columns and interior point (IPX, "
        "then crossover) above, and by the same search with the other root LP solver; one HiGHS "
        f"thread, time limit {_limits_text(records)}, CPU seconds, on a 2-core machine.",
        "",
        "| case | columns | root LP new | MIP s new | MIP s other | s to 1% new | s to 1% other "
        "| final gap new | final gap other | quicker to 1% |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in dict.fromkeys(r["name"] for r in records):
        new, other = by.get((name, "new"), {}), by.get((name, "other-root"), {})
        if not new or not other:
            continue
        quicker = (
            "new"
            if new.get("within_seconds", math.inf) <= other.get("within_seconds", math.inf)
            else "other"
        )
        lines.append(
            f"| {name} | {new['columns']:,} | {new.get('root_lp_solver', '–')} "
            f"| {_mip_seconds(new)} | {_mip_seconds(other)} "
            f"| {_sec(new.get('within_seconds'))} | {_sec(other.get('within_seconds'))} "
            f"| {_pct(new.get('final_gap'))} | {_pct(other.get('final_gap'))} | {quicker} |"
        )
    return "\n".join([*lines, "", *_provenance(records), ""])


def _provenance(records: list[dict[str, Any]]) -> list[str]:
    """What a record says of how it was measured, where that differs from the rest."""
    solves: dict[str, list[str]] = {}
    for record in records:
        if "provenance" in record:
            solves.setdefault(record["provenance"], []).append(
                f"{record['name']} {record['formulation']}"
            )
    return [f"- {', '.join(names)}: {text}" for text, names in solves.items()]


def _disagree(old: dict[str, Any], new: dict[str, Any]) -> bool:
    a, b = old.get("objective"), new.get("objective")
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return False
    allowed = max(old.get("final_gap", 0.0), new.get("final_gap", 0.0)) + 1e-6
    return abs(a - b) / max(abs(a), abs(b)) > allowed


def markdown(records: list[dict[str, Any]], kept: Path = RECORDS) -> str:
    import highspy

    limits = sorted({r["time_limit"] for r in records})
    parts = [
        "# MIP benchmark set",
        "",
        f"{_generated_by(records, kept)} "
        f"Measured on a 2-core x86_64 machine shared with other work "
        f"(Python {platform.python_version()}, HiGHS {highspy.Highs().version()}): every solve "
        "runs in its own process with one HiGHS thread and a time limit of "
        f"{_limits_text(records)}, wall-clock as HiGHS counts it; its times "
        "are CPU seconds of that process, old and new alternating case by case within a run. "
        "See benchmarks/bench_mip.py for the set and what each column means; old is "
        "`SolveOptions(baseline=True)`, the HiGHS settings and start before issue 15. A search "
        "that ended at the root (one node) shows its final gap as its root gap; s to 1% is the "
        "first time the callbacks saw a gap within 1%, or the whole search when it ended within "
        "1% before they reported one.",
        "",
        *table(records, limits[-1] if limits else 0.0),
        "",
        *targets(records, limits[-1] if limits else 0.0),
        *_provenance(records),
        "",
    ]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small subset for development")
    parser.add_argument("--only", nargs="+", help="these cases of the set only")
    parser.add_argument(
        "--family",
        choices=("bundled", "sampled", "synthetic"),
        help="only the bundled case and its neighbours, the sampled case or the synthetic cases",
    )
    parser.add_argument("--skip", nargs="+", default=[], help="leave these cases out")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per solve")
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"append the records to {RECORDS.name} and write {RESULTS.name} from all of them",
    )
    parser.add_argument(
        "--table", action="store_true", help=f"only write {RESULTS.name} from {RECORDS.name}"
    )
    parser.add_argument(
        "--diagnose",
        nargs="+",
        metavar="NAME",
        help=f"write {DIAGNOSIS.name}: relaxation against optimum for these cases",
    )
    parser.add_argument(
        "--output",
        default=RECORDS.stem,
        help="the records and table files (in benchmarks/, .jsonl and .md) of --write and --table",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--formulation", choices=FORMULATIONS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--formulations",
        nargs="+",
        choices=FORMULATIONS,
        help="solve each case only these ways (default: old and new; e.g. old and new of one "
        "large case in two processes at once, each with its own time limit)",
    )
    parser.add_argument(
        "--root-lp",
        action="store_true",
        help=f"solve each case as new and with the other root LP solver; write {ROOT_LP.name}.md",
    )
    parser.add_argument(
        "--with-settings",
        action="store_true",
        help="also solve each case with SEARCH_SETTINGS but no heuristic first plan",
    )
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.formulation or "new", args.time_limit)))
        return
    if args.diagnose:
        command = " ".join(["python benchmarks/bench_mip.py", *map(_quoted, sys.argv[1:])])
        parts = [
            "# Where branch and bound spends its time",
            "",
            f"Generated by `{command}`; do not edit by hand. One HiGHS thread, CPU seconds, on a "
            "2-core machine shared with other work.",
            "",
        ]
        for name in args.diagnose:
            parts.extend(diagnose(name))
        DIAGNOSIS.write_text("\n".join(parts))
        return
    kept, results = HERE / f"{args.output}.jsonl", HERE / f"{args.output}.md"
    if args.root_lp:
        kept, results = ROOT_LP.with_suffix(".jsonl"), ROOT_LP.with_suffix(".md")
    write_table = root_lp_markdown if args.root_lp else markdown
    if args.table:
        results.write_text(write_table(kept_records(kept), kept))
        return
    names = list(instances())
    if args.quick:
        names = [n for n in names if n in QUICK]
    if args.only:
        names = [n for n in names if n in args.only]
    if args.family:
        names = [n for n in names if family(n) == args.family]
    names = [n for n in names if n not in args.skip]
    command = " ".join(["python benchmarks/bench_mip.py", *map(_quoted, sys.argv[1:])])
    variants = FORMULATIONS if args.with_settings else ("old", "new")
    if args.root_lp:
        variants = ("new", "other-root")
    if args.formulations:
        variants = tuple(args.formulations)
    keep = kept if args.write else None
    records = run_set(names, args.time_limit, command, keep, variants)
    print(write_table(records, kept))
    if args.write:
        results.write_text(write_table(kept_records(kept), kept))


def _generated_by(records: list[dict[str, Any]], kept: Path) -> str:
    """The sentence naming the commands (and commits) whose records a table shows."""
    runs = list(dict.fromkeys((r["command"], r["commit"]) for r in records))
    made = "; ".join(f"`{command}` at commit {commit}" for command, commit in runs)
    return (
        f"Generated by {made}, each appending to {kept.name}, from which "
        f"`{_table_command(kept)}` writes this file; do not edit by hand."
    )


def _limits_text(records: list[dict[str, Any]]) -> str:
    """The time limit per solve: the usual one, and the cases that had another."""
    usual = Counter(r["time_limit"] for r in records).most_common(1)[0][0] if records else 0.0
    other: dict[float, list[str]] = {}
    for record in records:
        solve = f"{record['name']} {record['formulation']}"
        if record["time_limit"] != usual and solve not in other.get(record["time_limit"], []):
            other.setdefault(record["time_limit"], []).append(solve)
    exceptions = "; ".join(f"{', '.join(names)}: {limit:g} s" for limit, names in other.items())
    return f"{usual:g} s" + (f" ({exceptions})" if exceptions else "")


def _table_command(kept: Path) -> str:
    if kept.stem == ROOT_LP.name:
        return "python benchmarks/bench_mip.py --table --root-lp"
    stem = "" if kept == RECORDS else f" --output {kept.stem}"
    return f"python benchmarks/bench_mip.py --table{stem}"


def _quoted(argument: str) -> str:
    return f'"{argument}"' if " " in argument else argument


if __name__ == "__main__":
    main()
