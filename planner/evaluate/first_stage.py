"""A plan's first-stage decisions, read from a results workbook and checked against a case.

`planner evaluate` fixes builds, accepted offers and stockpile purchases at the values the
results workbook's Sites, CfD and Stockpile sheets hold. Each must name a site, offer or place of
the case it is evaluated on, at a year the case allows; every mismatch is reported with its sheet,
row and column, so a results workbook of another case is refused rather than misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.case import Case
from planner.errors import InputError, Issue, error
from planner.outcome import Plan
from planner.results.layout import column_key

__all__ = ["FirstStage", "first_stage_of", "read_first_stage"]

_TOLERANCE = 1e-6


@dataclass(frozen=True)
class FirstStage:
    """Builds (site -> (year, new capacity)), accepted offers and purchases (r, m, t) -> t."""

    builds: dict[str, tuple[int, float]] = field(default_factory=dict)
    accepted: frozenset[str] = frozenset()
    purchases: dict[tuple[str, str, int], float] = field(default_factory=dict)


def read_first_stage(path: Path, case: Case) -> FirstStage:
    """The first stage of the results workbook at `path`; InputError naming every mismatch."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError([error("", None, "", f"cannot read results {path}: {exc}")]) from None
    try:
        sheets = {
            name: _records(workbook[name])
            for name in ("Sites", "CfD", "Stockpile")
            if name in workbook.sheetnames
        }
    finally:
        workbook.close()
    issues: list[Issue] = []
    for name in ("Sites", "CfD", "Stockpile"):
        if name not in sheets:
            issues.append(error(name, None, "", "the results workbook has no such sheet"))
    if issues:
        raise InputError(issues, str(path))
    builds = _builds(sheets["Sites"], case, issues)
    accepted = _offers(sheets["CfD"], case, issues)
    purchases = _purchases(sheets["Stockpile"], case, issues)
    if issues:
        raise InputError(issues, str(path))
    return FirstStage(builds, accepted, purchases)


Record = tuple[int, dict[str, Any]]


def _records(sheet: Any) -> list[Record]:
    rows = sheet.iter_rows(values_only=True)
    # Keys as the results layout names them: `new_capacity (t/yr)` and a plain `new_capacity`
    # (results written before units were in the headers) are the same column.
    header = [column_key(cell).casefold() for cell in next(rows, ())]
    return [
        (number, dict(zip(header, values, strict=False)))
        for number, values in enumerate(rows, start=2)
        if any(v is not None for v in values)
    ]


def _builds(rows: list[Record], case: Case, issues: list[Issue]) -> dict[str, tuple[int, float]]:
    builds: dict[str, tuple[int, float]] = {}
    end = case.settings.end_year
    for number, row in rows:
        site = case.sites.get(str(row.get("site")))
        if site is None:
            issues.append(
                error("Sites", number, "site", f"no site '{row.get('site')}' in the case")
            )
            continue
        if row.get("built") != "yes":
            continue
        year, capacity = row.get("build_year"), row.get("new_capacity")
        earliest = case.settings.start_year if site.earliest_year is None else site.earliest_year
        if not isinstance(year, int | float) or not earliest <= year <= end - site.lead_time:
            issues.append(
                error(
                    "Sites",
                    number,
                    "build_year",
                    f"{year} is not a build year of {site.name} "
                    f"in the case ({earliest}–{end - site.lead_time})",
                )
            )
            continue
        if not isinstance(capacity, int | float) or not (
            site.min_capacity - _TOLERANCE <= capacity <= site.max_capacity + _TOLERANCE
        ):
            issues.append(
                error(
                    "Sites",
                    number,
                    "new_capacity",
                    f"{capacity} is outside {site.name}'s "
                    f"size limits {site.min_capacity:g}–{site.max_capacity:g} t/yr",
                )
            )
            continue
        builds[site.name] = (int(year), float(capacity))
    return builds


def _offers(rows: list[Record], case: Case, issues: list[Issue]) -> frozenset[str]:
    accepted: dict[str, str] = {}
    for number, row in rows:
        name = str(row.get("offer"))
        offer = case.offers.get(name)
        if offer is None:
            issues.append(error("CfD", number, "offer", f"no offer '{name}' in the case"))
            continue
        if row.get("accepted") != "yes":
            continue
        if offer.group in accepted:
            issues.append(
                error(
                    "CfD",
                    number,
                    "accepted",
                    f"offer '{accepted[offer.group]}' of group "
                    f"'{offer.group}' is accepted too; a group accepts one offer",
                )
            )
            continue
        accepted[offer.group] = name
    return frozenset(accepted.values())


def _purchases(
    rows: list[Record], case: Case, issues: list[Issue]
) -> dict[tuple[str, str, int], float]:
    purchases: dict[tuple[str, str, int], float] = {}
    for number, row in rows:
        place = (str(row.get("country")), str(row.get("mineral")))
        year, amount = row.get("year"), row.get("purchase")
        if place not in case.stockpiles:
            issues.append(
                error(
                    "Stockpile",
                    number,
                    "country",
                    f"no stockpile place {place[0]} / {place[1]} in the case",
                )
            )
        elif not isinstance(year, int | float) or int(year) not in case.years:
            issues.append(error("Stockpile", number, "year", f"{year} is not a planning year"))
        elif not isinstance(amount, int | float) or amount < -_TOLERANCE:
            issues.append(error("Stockpile", number, "purchase", f"not a purchase: {amount}"))
        elif amount > 0:
            purchases[place[0], place[1], int(year)] = float(amount)
    return purchases


def first_stage_of(plan: Plan) -> FirstStage:
    """The first stage of a solved plan (`planner.outcome.Plan`), without a workbook between."""
    builds = {
        str(site): (int(year), float(capacity))
        for site, year, capacity in plan.builds[["site", "year", "capacity"]].to_numpy().tolist()
    }
    accepted = frozenset(str(o) for o in plan.offers.loc[plan.offers["accepted"], "offer"])
    table = plan.purchases[["country", "mineral", "year", "purchase"]].to_numpy().tolist()
    purchases = {
        (str(r), str(m), int(t)): float(amount) for r, m, t, amount in table if float(amount) > 0
    }
    return FirstStage(builds, accepted, purchases)
