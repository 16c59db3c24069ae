"""Scenarios and what changes over the years: Disruptions and PriceShocks per scenario, and the
SupplyCaps that hold in every scenario.

The three change sheets share their rules (workbook.md, Disruptions): a blank scenario or mineral
means every one, blank years mean the horizon's ends, from_year ≤ to_year, a row covering no
planning year is ignored with a warning, and two rows covering the same key and year are an error
naming both rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from planner.case import Scenario
from planner.schema import probability_tolerance
from planner.validation.context import Context, Row
from planner.validation.tables import define, table

BASE_SCENARIO = "base"

# What a change row covers, before years: tuples of (scenario, source, mineral)-like keys.
Expand = Callable[[Row], list[tuple[str, ...]]]


def read_scenarios(ctx: Context) -> dict[str, Scenario]:
    """The Scenarios rows (absent or without rows: the one scenario `base`); probabilities
    must sum to 1 within `schema.probability_tolerance(n)`, in either direction."""
    if "Scenarios" not in ctx.sheets:
        ctx.names["Scenarios"] = {BASE_SCENARIO}
        return {BASE_SCENARIO: Scenario(BASE_SCENARIO, 1.0)}
    rows = define(ctx, "Scenarios")
    scenarios = {
        name: Scenario(name, row["probability"], row["description"] or "")
        for name, row in rows.items()
    }
    probabilities = [s.probability for s in scenarios.values()]
    if rows and None not in probabilities:
        total = math.fsum(probabilities)
        tolerance = probability_tolerance(len(probabilities))
        if abs(total - 1.0) > tolerance:
            ctx.error(
                "Scenarios",
                None,
                "probability",
                f"the probabilities must sum to 1 (found {total:.9g}; allowed within "
                f"{tolerance:g} for {len(probabilities)} scenarios)",
            )
    return scenarios


@dataclass
class _Coverage:
    """Which row first covered each (key, year) of a change sheet, and the pairs reported."""

    sheet: str
    labels: tuple[str, ...]
    owner: dict[tuple[Any, ...], int] = field(default_factory=dict)
    reported: set[tuple[int, int]] = field(default_factory=set)

    def claim(self, ctx: Context, row: Row, keys: list[tuple[str, ...]], years: range) -> None:
        """Report each earlier row covering a (key, year) this row covers."""
        for key in keys:
            for year in years:
                covered = (*key, year)
                earlier = self.owner.setdefault(covered, row.number)
                if earlier != row.number and (earlier, row.number) not in self.reported:
                    self.reported.add((earlier, row.number))
                    what = ", ".join(
                        f"{name} {value!r}"
                        for name, value in zip((*self.labels, "year"), covered, strict=True)
                    )
                    ctx.error(
                        self.sheet,
                        row.number,
                        "",
                        f"overlaps row {earlier}: both cover ({what}); a year may be covered by "
                        "one row only",
                    )


def _changes(
    ctx: Context, sheet: str, value_column: str, labels: tuple[str, ...], expand: Expand
) -> Iterator[tuple[Row, list[tuple[str, ...]], range]]:
    """Each usable row of a change sheet with the keys and years it covers (blanks expanded),
    after reporting reversed or empty year ranges and overlaps."""
    rows = table(ctx, sheet)
    if ctx.horizon is None:
        return
    coverage = _Coverage(sheet, labels)
    for row in rows:
        if not ctx.references_hold(sheet, row) or row.failed or row[value_column] is None:
            continue
        years = _years(ctx, sheet, row)
        if years is None:
            continue
        keys = expand(row)
        coverage.claim(ctx, row, keys, years)
        yield row, keys, years


def _years(ctx: Context, sheet: str, row: Row) -> range | None:
    """The planning years the row covers; None (reported) when reversed or empty."""
    assert ctx.horizon is not None
    start, end = row["from_year"], row["to_year"]
    if start is not None and end is not None and start > end:
        ctx.error(sheet, row.number, "to_year", f"must be ≥ from_year (found {end} < {start})")
        return None
    years = range(
        max(ctx.horizon.start, start or ctx.horizon.start),
        min(ctx.horizon.stop, (end or ctx.horizon.stop - 1) + 1),
    )
    if not years:
        ctx.warn(
            sheet,
            row.number,
            "from_year" if start is not None else "to_year",
            f"the row covers no planning year ({ctx.horizon_text()}); it is ignored",
        )
        return None
    return years


def read_disruptions(
    ctx: Context, pairs: set[tuple[str, str]], scenarios: list[str], minerals: list[str]
) -> dict[tuple[str, str, str, int], float]:
    """δ(x,m,t,ω) > 0 per (scenario, source, mineral, year)."""

    def expand(row: Row) -> list[tuple[str, ...]]:
        return [
            (scenario, row["source"], mineral)
            for scenario in ([row["scenario"]] if row["scenario"] else scenarios)
            for mineral in ([row["mineral"]] if row["mineral"] else minerals)
        ]

    share_lost = {}
    labels = ("scenario", "source", "mineral")
    for row, keys, years in _changes(ctx, "Disruptions", "share_lost", labels, expand):
        source = row["source"]
        if row["mineral"] and (source, row["mineral"]) not in pairs and ctx.names.get("Sources"):
            ctx.warn(
                "Disruptions",
                row.number,
                "mineral",
                f"'{source}' has no Sources row for '{row['mineral']}': the row has no effect",
            )
        if not row["share_lost"]:
            continue
        for scenario, _, mineral in keys:
            if (source, mineral) in pairs:
                for year in years:
                    share_lost[scenario, source, mineral, year] = row["share_lost"]
    return share_lost


def read_price_shocks(
    ctx: Context, scenarios: list[str], minerals: list[str]
) -> dict[tuple[str, str, int], float]:
    """μ(m,t,ω) ≠ 1 per (scenario, mineral, year)."""

    def expand(row: Row) -> list[tuple[str, ...]]:
        return [
            (scenario, mineral)
            for scenario in ([row["scenario"]] if row["scenario"] else scenarios)
            for mineral in ([row["mineral"]] if row["mineral"] else minerals)
        ]

    multipliers = {}
    labels = ("scenario", "mineral")
    for row, keys, years in _changes(ctx, "PriceShocks", "multiplier", labels, expand):
        if row["multiplier"] == 1.0:
            continue
        for scenario, mineral in keys:
            for year in years:
                multipliers[scenario, mineral, year] = row["multiplier"]
    return multipliers


def read_supply_caps(
    ctx: Context, pairs: set[tuple[str, str]]
) -> dict[tuple[str, str, int], float]:
    """κ(x,m,t) per (source, mineral, year) that a SupplyCaps row covers (13).

    A blank mineral means every mineral the source has a Sources row for; a named mineral
    without one is an error (the cap would bind nothing, which is surely not what was meant)."""

    def expand(row: Row) -> list[tuple[str, ...]]:
        source = row["source"]
        if row["mineral"]:
            return [(source, row["mineral"])]
        return [(x, m) for x, m in sorted(pairs) if x == source]

    caps = {}
    labels = ("source", "mineral")
    for row, keys, years in _changes(ctx, "SupplyCaps", "max_share", labels, expand):
        source, mineral = row["source"], row["mineral"]
        if mineral and (source, mineral) not in pairs:
            if ctx.names.get("Sources"):
                ctx.error(
                    "SupplyCaps",
                    row.number,
                    "mineral",
                    f"'{source}' has no Sources row for '{mineral}'; add one or name another "
                    "mineral",
                )
            continue
        for x, m in keys:
            for year in years:
                caps[x, m, year] = row["max_share"]
    return caps
