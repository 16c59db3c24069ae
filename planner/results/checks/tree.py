"""Non-anticipativity (15): scenarios that share their history up to year t act alike in t.

The history H(ω,t) is computed here from the case (the δ and μ of every source, mineral and
year up to t), not read from the model's scenario tree; the Tree sheet, when it has rows, is then
checked against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from planner.case import Case
from planner.results import layout
from planner.results.checks.findings import NON_ANTICIPATIVITY, REPORT, fmt, tolerance, where
from planner.results.checks.plan import FLOW_VARIABLES, Context

Event = tuple[int, str, str, str, float]  # (year, "share_lost" or "price", source, mineral, value)


def _events(case: Case) -> dict[str, list[Event]]:
    """Per scenario, every δ ≠ 0 and μ ≠ 1 with its year: what makes scenarios differ."""
    events: dict[str, list[Event]] = {w: [] for w in case.scenarios}
    for (w, x, m, t), share in case.share_lost.items():
        if share != 0 and w in events:
            events[w].append((t, "share_lost", x, m, share))
    for (w, m, t), multiplier in case.price_multiplier.items():
        if multiplier != 1 and w in events:
            events[w].append((t, "price", "", m, multiplier))
    return {w: sorted(found) for w, found in events.items()}


def history_classes(case: Case) -> dict[int, list[tuple[str, ...]]]:
    """Per year t, the scenarios grouped by H(ω,t), in input order."""
    events = _events(case)
    classes: dict[int, list[tuple[str, ...]]] = {}
    for t in case.years:
        groups: dict[tuple[Event, ...], list[str]] = defaultdict(list)
        for w in case.scenarios:
            groups[tuple(e for e in events[w] if e[0] <= t)].append(w)
        classes[t] = [tuple(group) for group in groups.values()]
    return classes


def check_non_anticipativity(ctx: Context) -> None:
    """Every second-stage value of year t is equal in scenarios with equal H(ω,t) (15)."""
    for t, classes in history_classes(ctx.case).items():
        for scenarios in classes:
            for name, index, values in _values_of_year(ctx, t, scenarios):
                _compare_within(ctx, t, name, index, dict(zip(scenarios, values, strict=True)))
    _check_tree_sheet(ctx)


def _values_of_year(
    ctx: Context, t: int, scenarios: tuple[str, ...]
) -> Iterator[tuple[str, str, list[float]]]:
    """(variable, index, its value in each scenario) for every second-stage variable of year t."""
    if len(scenarios) < 2:
        return
    plan = ctx.plan
    for site in ctx.case.sites:
        yield "output", where(site=site), [plan.output.get((w, site, t), 0.0) for w in scenarios]
    for x, m in sorted({(x, m) for (_, x, m, tt) in plan.external if tt == t}):
        values = [plan.external.get((w, x, m, t), 0.0) for w in scenarios]
        yield "external purchase", where(source=x, mineral=m), values
    for m in ctx.case.minerals:
        for r in ctx.case.countries:
            flows = [plan.flows[w, m, r, t] for w in scenarios]
            for name in FLOW_VARIABLES:
                yield name, where(mineral=m, country=r), [flow[name] for flow in flows]


def _compare_within(ctx: Context, t: int, name: str, index: str, values: dict[str, float]) -> None:
    first, reference = next(iter(values.items()))
    for w, value in values.items():
        if abs(value - reference) > tolerance(value, reference):
            ctx.findings.flag(
                NON_ANTICIPATIVITY,
                f"{index}, year {t}",
                f"{name} {fmt(reference)} in scenario {first} but {fmt(value)} in scenario {w}, "
                f"which cannot be told apart from it in {t}",
            )


def _check_tree_sheet(ctx: Context) -> None:
    """Each Tree row's scenarios are one history class of its year, with their probability."""
    sheet = ctx.book.sheets.get(layout.TREE.name)
    if sheet is None or not sheet.rows:
        return
    classes = history_classes(ctx.case)
    probability = {w: s.probability for w, s in ctx.case.scenarios.items()}
    for place, (year, scenarios, weight) in sheet.records("year", "scenarios", "probability"):
        t = int(year) if isinstance(year, int | float) else 0
        groups = {layout.SCENARIO_SEPARATOR.join(group): group for group in classes.get(t, [])}
        group = groups.get(str(scenarios))
        if group is None:
            ctx.findings.flag(
                REPORT, place, f"{scenarios!r} are not the scenarios of one history in {year}"
            )
            continue
        expected = sum(probability[w] for w in group)
        ctx.findings.compare(REPORT, f"{place}, probability", weight, expected)
