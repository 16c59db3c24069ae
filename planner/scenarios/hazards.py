"""The Hazards sheet: export-ban hazards read from a raw workbook and checked against its case.

A hazard row says that a source may stop (part of) its exports of a mineral: in every year in
which no ban of its group is running, a ban starts with the row's probability; it lasts a whole
number of years drawn from [min_duration, max_duration] and takes a share of availability drawn
from [min_share, max_share], and the mineral's market price is multiplied by `multiplier` while
it lasts. Rows with the same `group` are one decision to ban: they start in the same year (see
`planner.scenarios.sampling` for how their durations and shares are drawn together).

Column types, bounds and defaults come from `planner.schema` (the Hazards sheet); the rules that
relate cells or sheets live here, called by `planner scenarios` and `planner evaluate` (not by
`planner validate`, so that the input layer stays untouched by this sheet's rules):

- `source` must have a Sources row (for `mineral`, when one is given);
- max_duration ≥ min_duration and max_share ≥ min_share;
- every row of a group gives the same probability and first_year;
- two rows of a group may not name the same source and mineral.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.case import Case
from planner.errors import InputError, Issue, error
from planner.io.raw import RawSheet, RawWorkbook, column_key
from planner.schema import HAZARDS_SHEET, SHEETS
from planner.validate import parse_cell

__all__ = ["Hazard", "HazardGroup", "hazard_groups", "read_hazards"]


@dataclass(frozen=True)
class Hazard:
    """One Hazards row, defaults applied; `minerals` lists every mineral it covers."""

    row: int  # spreadsheet row, for messages
    group: str
    source: str
    minerals: tuple[str, ...]
    probability: float
    min_duration: int
    max_duration: int
    min_share: float
    max_share: float
    multiplier: float
    first_year: int


@dataclass(frozen=True)
class HazardGroup:
    """The rows that start together, with the group's yearly probability and first year."""

    name: str
    probability: float
    first_year: int
    hazards: tuple[Hazard, ...]


def read_hazards(raw: RawWorkbook, case: Case) -> list[Hazard]:
    """The Hazards rows of `raw`, checked against `case`; InputError listing every problem.

    An absent sheet, or one without data rows, gives no hazards.
    """
    sheet = next(
        (s for s in raw.sheets.values() if column_key(s.name) == column_key(HAZARDS_SHEET)), None
    )
    if sheet is None:
        return []
    issues: list[Issue] = []
    positions = _positions(sheet, issues)
    hazards = []
    if positions is not None:
        for number, values in _rows(sheet, positions, issues):
            hazard = _hazard(sheet.name, number, values, case, issues)
            if hazard is not None:
                hazards.append(hazard)
        _check_groups(sheet.name, hazards, issues)
    if issues:
        raise InputError(issues, raw.origin)
    return hazards


def hazard_groups(hazards: list[Hazard]) -> list[HazardGroup]:
    """The hazards by group, groups in order of first appearance (the sampling order)."""
    members: dict[str, list[Hazard]] = {}
    for hazard in hazards:
        members.setdefault(hazard.group, []).append(hazard)
    return [
        HazardGroup(name, rows[0].probability, rows[0].first_year, tuple(rows))
        for name, rows in members.items()
    ]


def _positions(sheet: RawSheet, issues: list[Issue]) -> dict[str, int] | None:
    schema = SHEETS[HAZARDS_SHEET]
    known = {column.name for column in schema.columns}
    positions = {
        column_key(title): index
        for index, title in enumerate(sheet.header)
        if column_key(title) in known
    }
    missing = [c.name for c in schema.columns if c.required and c.name not in positions]
    for name in missing:
        issues.append(error(sheet.name, 1, name, "required column is missing"))
    return None if missing else positions


def _rows(
    sheet: RawSheet, positions: dict[str, int], issues: list[Issue]
) -> list[tuple[int, dict[str, Any]]]:
    """Each data row's parsed cells by column (None when blank); bad cells are issues."""
    schema = SHEETS[HAZARDS_SHEET]
    rows = []
    for raw_row in sheet.rows:
        values: dict[str, Any] = {}
        usable = True
        for column in schema.columns:
            index = positions.get(column.name)
            parsed, problem = (None, "") if index is None else parse_cell(column, raw_row[index])
            if problem:
                issues.append(error(sheet.name, raw_row.number, column.name, problem))
                usable = False
            elif parsed is None and column.required:
                issues.append(error(sheet.name, raw_row.number, column.name, "required, but blank"))
                usable = False
            values[column.name] = parsed
        if usable:
            rows.append((raw_row.number, values))
    return rows


def _hazard(
    sheet: str, number: int, values: dict[str, Any], case: Case, issues: list[Issue]
) -> Hazard | None:
    """One row with its defaults applied, or None (issues recorded) when it breaks a rule."""
    source, mineral = values["source"], values["mineral"]
    supplied = tuple(dict.fromkeys(m for x, m, _ in case.supply if x == source))
    found = len(issues)
    if not supplied:
        issues.append(error(sheet, number, "source", f"no Sources row for source '{source}'"))
    elif mineral is not None and mineral not in supplied:
        issues.append(
            error(
                sheet,
                number,
                "mineral",
                f"source '{source}' has no Sources row for '{mineral}' "
                f"(it supplies {', '.join(supplied)})",
            )
        )
    low_d = values["min_duration"]
    high_d = low_d if values["max_duration"] is None else values["max_duration"]
    if high_d < low_d:
        issues.append(
            error(sheet, number, "max_duration", f"must be ≥ min_duration ({high_d} < {low_d})")
        )
    low_s = values["min_share"]
    high_s = low_s if values["max_share"] is None else values["max_share"]
    if high_s < low_s:
        issues.append(
            error(sheet, number, "max_share", f"must be ≥ min_share ({high_s:g} < {low_s:g})")
        )
    if len(issues) > found:
        return None
    first = values["first_year"]
    return Hazard(
        row=number,
        group=values["group"] if values["group"] is not None else f"row {number}",
        source=source,
        minerals=supplied if mineral is None else (mineral,),
        probability=values["probability"],
        min_duration=low_d,
        max_duration=high_d,
        min_share=low_s,
        max_share=high_s,
        multiplier=1.0 if values["multiplier"] is None else values["multiplier"],
        first_year=case.settings.start_year if first is None else first,
    )


def _check_groups(sheet: str, hazards: list[Hazard], issues: list[Issue]) -> None:
    """Rows of one group agree on probability and first_year and name distinct pairs."""
    first_of: dict[str, Hazard] = {}
    pairs: dict[tuple[str, str, str], int] = {}
    for hazard in hazards:
        leader = first_of.setdefault(hazard.group, hazard)
        for column in ("probability", "first_year"):
            mine, theirs = getattr(hazard, column), getattr(leader, column)
            if mine != theirs:
                issues.append(
                    error(
                        sheet,
                        hazard.row,
                        column,
                        f"group '{hazard.group}' has {column} {theirs:g} in row {leader.row}; "
                        f"every row of a group starts together, so give the same value "
                        f"(found {mine:g})",
                    )
                )
        for mineral in hazard.minerals:
            key = (hazard.group, hazard.source, mineral)
            if key in pairs:
                issues.append(
                    error(
                        sheet,
                        hazard.row,
                        "mineral",
                        f"group '{hazard.group}' already covers {hazard.source} / {mineral} "
                        f"in row {pairs[key]}",
                    )
                )
            pairs.setdefault(key, hazard.row)
