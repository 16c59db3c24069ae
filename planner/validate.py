"""Validation: a raw workbook becomes a `Case`, or every problem is reported at once.

Every rule of spec/workbook.md is checked here, on top of the per-column types, defaults and
bounds that `planner.schema` declares. Each problem is an `Issue` (severity, sheet, row, column,
message); warnings never stop a case, any error does. Entry points:

- `read_case(path)`: read a workbook or CSV folder and validate it;
- `case_from_raw(raw)`: validate an already-read `RawWorkbook` (sweeps call this per variant).

Both return `(case, warnings)` and raise `InputError` carrying all issues when there is an error.
The work is one pass over each sheet's rows with plain dicts, so a case with 10^5 demand rows
validates in about a second.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from planner.case import (
    Case,
    Country,
    Mineral,
    Offer,
    Scenario,
    Settings,
    Site,
    SourceYear,
    Stockpile,
)
from planner.errors import InputError, Issue, error, warning
from planner.io import read_raw
from planner.io.raw import RawSheet, RawWorkbook, Value, cell_text, column_key
from planner.schema import (
    SETTINGS,
    SETTINGS_SHEET,
    SHEETS,
    YEAR_MAX,
    YEAR_MIN,
    Field,
    Kind,
    Sheet,
    find_sheet,
)

__all__ = ["PROBABILITY_TOLERANCE", "case_from_raw", "parse_cell", "read_case"]

PROBABILITY_TOLERANCE = 1e-6
BASE_SCENARIO = "base"

_SHEET_ORDER = {name: position for position, name in enumerate(SHEETS)}
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?")
_SETTINGS_BY_KEY = {setting.name: setting for setting in SETTINGS}


def read_case(path: str | os.PathLike[str]) -> tuple[Case, list[Issue]]:
    """Read and validate the input at `path`: the case and its warnings, or InputError."""
    return case_from_raw(read_raw(path))


def case_from_raw(raw: RawWorkbook) -> tuple[Case, list[Issue]]:
    """Validate `raw`: the case and its warnings, or InputError carrying every issue."""
    checker = _Checker(raw)
    case = checker.run()
    issues = sorted(checker.issues, key=_issue_order)
    if any(issue.severity == "error" for issue in issues):
        raise InputError(issues, raw.origin)
    return case, issues


def _issue_order(issue: Issue) -> tuple[int, int]:
    """File-level issues first, then sheets in schema order, then rows."""
    known = find_sheet(issue.sheet) if issue.sheet else None
    sheet = -1 if not issue.sheet else _SHEET_ORDER[known.name] if known else len(_SHEET_ORDER)
    return sheet, issue.row or 0


# --- cells -------------------------------------------------------------------------------------


def parse_cell(field: Field, value: Value) -> tuple[Any, str]:
    """The value of one cell for `field`: `(parsed, "")`, `(None, "")` when blank, or
    `(None, problem)` when it cannot be used. Bounds are checked here; defaults are not applied."""
    kind = field.kind
    value_type = type(value)
    if kind is Kind.NUMBER and (value_type is float or value_type is int):
        # The common case, kept short: a numeric cell in a number column.
        if field.accepts(value):  # type: ignore[arg-type]
            return float(value), ""  # type: ignore[arg-type]
        return None, f"must be {field.range_text} (found {_shown(value)})"
    if value_type is str:
        text = value.strip()  # type: ignore[union-attr]
        if not text:
            return None, ""
        if kind is Kind.ID:
            return text, ""
    elif value is None:
        return None, ""
    if kind is Kind.ID:
        return cell_text(value), ""
    if kind is Kind.TEXT:
        return (value.strip() if isinstance(value, str) else cell_text(value)), ""
    if kind is Kind.CHOICE:
        choice = cell_text(value).casefold().replace("-", "_").replace(" ", "_")
        if choice in field.choices:
            return choice, ""
        return None, f"must be {field.range_text} (found {_shown(value)})"
    number, problem = _number(value)
    if kind is Kind.YEAR and (problem or not number.is_integer()):
        return None, f"must be a year from {YEAR_MIN} to {YEAR_MAX} (found {_shown(value)})"
    if problem:
        return None, problem
    if kind is Kind.YEAR:
        if not number.is_integer() or not YEAR_MIN <= number <= YEAR_MAX:
            return None, f"must be a year from {YEAR_MIN} to {YEAR_MAX} (found {_shown(value)})"
        return int(number), ""
    if kind is Kind.WHOLE and not number.is_integer():
        return None, f"must be a whole number (found {_shown(value)})"
    if not field.accepts(number):
        return None, f"must be {field.range_text} (found {_shown(value)})"
    return (int(number) if kind is Kind.WHOLE else number), ""


def _number(value: Value) -> tuple[float, str]:
    """A number from a numeric cell or from text like `1,200`, `80%` or ` 3.5 `."""
    if isinstance(value, int | float):
        return float(value), ""
    text = str(value).strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    if "," in text:
        if not _GROUPED.fullmatch(text):
            return math.nan, (
                "not a number; use a point for decimals and commas only between thousands "
                f"(found {_shown(value)})"
            )
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return math.nan, f"not a number (found {_shown(value)})"
    if not math.isfinite(number):
        return math.nan, f"must be a finite number (found {_shown(value)})"
    return (number / 100 if percent else number), ""


def _shown(value: Value) -> str:
    """A cell as a message quotes it: text in quotes, numbers as written."""
    return f"'{value}'" if isinstance(value, str) else cell_text(value)


def _number_text(value: float) -> str:
    return cell_text(value) if value.is_integer() else f"{value:g}"


def _blank(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_at(cells: list[Value], index: int) -> Value:
    return cells[index] if index < len(cells) else None


def _blank_row(cells: list[Value]) -> bool:
    return all(_blank(value) for value in cells)


# --- rows --------------------------------------------------------------------------------------


class _Row(dict[str, Any]):
    """One non-blank data row: every schema column of its sheet → the parsed cell (None when
    blank, not usable or the column is absent), plus its row number, raw cells and the columns
    whose cells could not be used (rules that need those cells skip the row, so one mistake is
    reported once)."""

    __slots__ = ("cells", "failed", "number")

    def __init__(
        self, number: int, values: dict[str, Any], cells: list[Value], failed: list[str]
    ) -> None:
        super().__init__(values)
        self.number = number
        self.cells = cells
        self.failed = failed

    def value(self, field: Field) -> Any:
        """The cell, or the field's default when blank."""
        value = self[field.name]
        return field.default if value is None else value


@dataclass
class _Checker:
    """Runs the rules over one raw workbook, collecting issues."""

    raw: RawWorkbook
    issues: list[Issue] = field(default_factory=list)
    # Schema sheet name → the workbook's sheet of that name (matched without case).
    sheets: dict[str, RawSheet] = field(default_factory=dict)
    horizon: range | None = None
    # Identifiers defined by each sheet (None when the sheet is missing or has no usable header,
    # so that references to it are not reported a second time).
    names: dict[str, set[str] | None] = field(default_factory=dict)
    # Schema sheet name → column positions of its usable header.
    positions: dict[str, dict[str, int]] = field(default_factory=dict)

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.issues.append(error(self._shown_name(sheet), row, column, message))

    def warn(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.issues.append(warning(self._shown_name(sheet), row, column, message))

    def _shown_name(self, sheet: str) -> str:
        """The sheet's name as the workbook spells it, which is what the user looks for."""
        found = self.sheets.get(sheet)
        return found.name if found is not None else sheet

    # The order matters: references need the referenced sheet's names first.
    def run(self) -> Case:
        for note in self.raw.notes:
            sheet = find_sheet(note.sheet)
            if note.severity == "error" and (sheet is None or not sheet.columns):
                # A sheet the planner does not read: its unreadable cells do not matter here.
                note = warning(
                    note.sheet,
                    note.row,
                    note.column,
                    f"{note.message} (the planner does not read this sheet)",
                )
            self.issues.append(note)
        self._match_sheets()
        settings = self._settings()
        minerals = self._minerals()
        countries = self._countries()
        price = self._prices(minerals)
        demand = self._demand()
        supply, pairs = self._sources()
        sites = self._sites()
        offers = self._offers()
        stockpiles = self._stockpiles()
        scenarios = self._scenarios()
        share_lost = self._disruptions(pairs, list(scenarios), list(minerals))
        price_multiplier = self._price_shocks(list(scenarios), list(minerals))
        return Case(
            settings=settings,
            minerals=minerals,
            countries=countries,
            sites=sites,
            offers=offers,
            stockpiles=stockpiles,
            scenarios=scenarios,
            price=price,
            demand=demand,
            supply=supply,
            share_lost=share_lost,
            price_multiplier=price_multiplier,
            origin=self.raw.origin,
        )

    # --- sheets and headers ---

    def _match_sheets(self) -> None:
        for raw_sheet in self.raw.sheets.values():
            sheet = find_sheet(raw_sheet.name)
            if sheet is None:
                hint = _suggestion(raw_sheet.name, SHEETS)
                self.warn(raw_sheet.name, None, "", f"unknown sheet, ignored{hint}")
            elif sheet.name in self.sheets:
                first = self.sheets[sheet.name].name
                self.error(
                    raw_sheet.name,
                    None,
                    "",
                    f"a second {sheet.name} sheet (the first is {first!r}); keep one",
                )
            else:
                self.sheets[sheet.name] = raw_sheet
        for sheet in SHEETS.values():
            if sheet.required and sheet.name not in self.sheets:
                self.error(sheet.name, None, "", "required sheet is missing")

    def _table(self, name: str, year_rows_inherit: frozenset[str] = frozenset()) -> list[_Row]:
        """The parsed rows of sheet `name` ([] when absent or unusable), issues recorded.

        Columns named in `year_rows_inherit` may be blank in a row with a year (they inherit).
        """
        sheet = SHEETS[name]
        raw_sheet = self.sheets.get(name)
        if raw_sheet is None:
            return []
        positions = self._header(sheet, raw_sheet)
        if positions is None:
            return []
        self.positions[name] = positions
        columns = [(f, positions[f.name]) for f in sheet.columns if f.name in positions]
        required = [f.name for f, _ in columns if f.required]
        empty = dict.fromkeys(column.name for column in sheet.columns)
        rows = []
        for raw_row in raw_sheet.rows:
            cells = raw_row.values
            width = len(cells)
            values = empty.copy()
            failed: list[str] = []
            for column, index in columns:
                cell = cells[index] if index < width else None
                if cell is None:
                    continue
                parsed, problem = parse_cell(column, cell)
                if problem:
                    self.error(name, raw_row.number, column.name, problem)
                    failed.append(column.name)
                values[column.name] = parsed
            if not failed and all(v is None for v in values.values()) and _blank_row(cells):
                continue
            for column_name in required:
                if (
                    values[column_name] is None
                    and column_name not in failed
                    and not (column_name in year_rows_inherit and values.get("year") is not None)
                ):
                    self.error(name, raw_row.number, column_name, "required, but blank")
            rows.append(_Row(raw_row.number, values, cells, failed))
        if len(rows) < sheet.min_rows:
            self.error(name, None, "", "the sheet has no rows; it needs at least one")
        return rows

    def _header(self, sheet: Sheet, raw_sheet: RawSheet) -> dict[str, int] | None:
        """Column positions by schema name; None when the sheet has no header at all."""
        name = sheet.name
        if not raw_sheet.header:
            expected = ", ".join(column.name for column in sheet.columns)
            what = "the sheet is empty" if not raw_sheet.rows else "row 1 is blank"
            self.error(name, 1, "", f"{what}; the first row must hold the column names: {expected}")
            return None
        known = {column.name: column for column in sheet.columns}
        positions: dict[str, int] = {}
        widest = max((len(row.values) for row in raw_sheet.rows), default=0)
        for index in range(max(widest, len(raw_sheet.header))):
            title = raw_sheet.header[index] if index < len(raw_sheet.header) else None
            key = column_key(title)
            if not key:
                if any(not _blank(row[index]) for row in raw_sheet.rows):
                    self.warn(name, 1, _letter(index), "column without a name, ignored")
            elif key in positions:
                self.error(name, 1, cell_text(title), "the column appears twice")
            elif key in known:
                positions[key] = index
            else:
                hint = _suggestion(key, known)
                if ";" in key:
                    hint = (
                        " (the file seems separated by semicolons; save it as comma-separated CSV)"
                    )
                self.warn(name, 1, cell_text(title), f"unknown column, ignored{hint}")
        for column in sheet.columns:
            if column.required and column.name not in positions:
                self.error(name, 1, column.name, "required column is missing")
        return positions

    def _define(self, sheet: str) -> dict[str, _Row]:
        """The rows of a sheet whose key is one identifier column, by identifier, each
        identifier once; duplicates are errors."""
        (column,) = SHEETS[sheet].key
        rows = self._table(sheet)
        by_name: dict[str, _Row] = {}
        for row in rows:
            identifier = row[column]
            if identifier is None:
                continue
            if identifier in by_name:
                first = by_name[identifier].number
                self.error(
                    sheet, row.number, column, f"'{identifier}' is already used in row {first}"
                )
                continue
            by_name[identifier] = row
        usable = column in self.positions.get(sheet, ())
        self.names[sheet] = set(by_name) if usable else None
        return by_name

    def _references_hold(self, sheet: str, row: _Row) -> bool:
        """Whether every non-blank cell of the row that names another sheet's row (the schema's
        `refers_to`) does; each one that does not is an error."""
        checks = [
            self._refers(sheet, row, column.name, column.refers_to)
            for column in SHEETS[sheet].columns
            if column.refers_to and row[column.name] is not None
        ]
        return all(checks)

    def _refers(self, sheet: str, row: _Row, column: str, target: str) -> bool:
        """Whether row's `column` names a row of `target` (an error when it does not)."""
        identifier = row[column]
        if identifier is None:
            return False
        names = self.names.get(target)
        if names is None or identifier in names:
            return True
        hint = _suggestion(identifier, names)
        self.error(sheet, row.number, column, f"no {target} row named '{identifier}'{hint}")
        return False

    def _in_horizon(self, sheet: str, row: _Row, column: str = "year") -> bool:
        """Whether the row's year is a planning year (a year outside it: warning, ignored)."""
        year = row[column]
        if year is None:
            return False
        if self.horizon is None or year in self.horizon:
            return True
        self.warn(
            sheet,
            row.number,
            column,
            f"{year} is outside the planning years {self._horizon_text()}; the row is ignored",
        )
        return False

    def _horizon_text(self) -> str:
        assert self.horizon is not None
        return f"{self.horizon.start}–{self.horizon.stop - 1}"

    def _unique(self, sheet: str, rows: Iterable[_Row], columns: tuple[str, ...]) -> list[_Row]:
        """Rows whose `columns` (blank included) no earlier row shares; duplicates are errors."""
        seen: dict[tuple[Any, ...], int] = {}
        unique = []
        for row in rows:
            if row.failed and any(column in row.failed for column in columns):
                continue
            key = tuple(row[c] for c in columns)
            if key in seen:
                shown = ", ".join(
                    f"{c} {'blank' if v is None else repr(v)}"
                    for c, v in zip(columns, key, strict=True)
                )
                self.error(
                    sheet,
                    row.number,
                    "",
                    f"same {shown} as row {seen[key]}; each combination may appear once",
                )
                continue
            seen[key] = row.number
            unique.append(row)
        return unique

    # --- Settings ---

    def _settings(self) -> Settings:
        rows = self._table(SETTINGS_SHEET)
        values: dict[str, Any] = {}
        where: dict[str, int] = {}
        for row in rows:
            name = row["setting"]
            if name is None:
                continue
            setting = _SETTINGS_BY_KEY.get(name.casefold())
            if setting is None:
                hint = _suggestion(name.casefold(), _SETTINGS_BY_KEY)
                self.warn(
                    SETTINGS_SHEET,
                    row.number,
                    "setting",
                    f"unknown setting '{name}', ignored{hint}",
                )
                continue
            if setting.name in where:
                self.error(
                    SETTINGS_SHEET,
                    row.number,
                    "setting",
                    f"'{setting.name}' is already set in row {where[setting.name]}",
                )
                continue
            where[setting.name] = row.number
            value_index = self.positions[SETTINGS_SHEET].get("value")
            raw_value = None if value_index is None else _cell_at(row.cells, value_index)
            parsed, problem = parse_cell(setting, raw_value)
            if problem:
                self.error(SETTINGS_SHEET, row.number, "value", f"{setting.name} {problem}")
            elif parsed is None and setting.required:
                self.error(SETTINGS_SHEET, row.number, "value", f"{setting.name} is required")
            values[setting.name] = parsed
        if SETTINGS_SHEET in self.sheets:
            for setting in SETTINGS:
                if setting.required and setting.name not in where:
                    self.error(
                        SETTINGS_SHEET,
                        None,
                        "setting",
                        f"{setting.name} is missing; add a row with setting {setting.name}",
                    )
        start, end = values.get("start_year"), values.get("end_year")
        if start is not None and end is not None:
            if start <= end:
                self.horizon = range(start, end + 1)
            else:
                self.error(
                    SETTINGS_SHEET,
                    where["end_year"],
                    "value",
                    f"end_year must be ≥ start_year (found {end} < {start})",
                )
        resolved = {
            setting.name: setting.default
            if values.get(setting.name) is None
            else values[setting.name]
            for setting in SETTINGS
        }
        return Settings(**resolved)

    # --- Minerals, Prices, Countries ---

    def _minerals(self) -> dict[str, Mineral]:
        sheet = SHEETS["Minerals"]
        rows = self._define("Minerals")
        return {
            name: Mineral(
                name=name,
                price=row["price"],
                shortage_penalty=row["shortage_penalty"],
                unit=row.value(sheet.column("unit")),
                holding_cost=row.value(sheet.column("holding_cost")),
                coverage=row.value(sheet.column("coverage")),
                max_purchase=row["max_purchase"],
            )
            for name, row in rows.items()
        }

    def _prices(self, minerals: dict[str, Mineral]) -> dict[tuple[str, int], float]:
        rows = self._unique("Prices", self._table("Prices"), (*SHEETS["Prices"].key, "year"))
        by_year: dict[tuple[str, int], float] = {}
        for row in rows:
            if self._references_hold("Prices", row) and self._in_horizon("Prices", row):
                by_year[row["mineral"], row["year"]] = row["price"]
        years = self.horizon or ()
        return {
            (name, year): by_year.get((name, year), mineral.price)
            for name, mineral in minerals.items()
            for year in years
        }

    def _countries(self) -> dict[str, Country]:
        sheet = SHEETS["Countries"]
        rows = self._define("Countries")
        return {
            name: Country(name, row.value(sheet.column("shipping_cost")))
            for name, row in rows.items()
        }

    # --- Demand and Sources: a blank-year row and year rows that override it ---

    def _year_rows(
        self, sheet: str, inherit: frozenset[str] = frozenset()
    ) -> dict[tuple[Any, ...], dict[int | None, _Row]]:
        """Rows by the sheet's key, then by year (None = the blank-year row), duplicates
        reported, references checked and years outside the horizon dropped (with a warning)."""
        keys = SHEETS[sheet].key
        rows = self._unique(sheet, self._table(sheet, inherit), (*keys, "year"))
        grouped: dict[tuple[Any, ...], dict[int | None, _Row]] = {}
        for row in rows:
            if (
                not self._references_hold(sheet, row)
                or row.failed
                or (row["year"] is not None and not self._in_horizon(sheet, row))
            ):
                continue
            key = tuple(row[column] for column in keys)
            if None not in key:
                grouped.setdefault(key, {})[row["year"]] = row
        return grouped

    def _demand(self) -> dict[tuple[str, str, int], float]:
        grouped = self._year_rows("Demand")
        demand = {}
        for (mineral, country), by_year in grouped.items():
            every_year = by_year.get(None)
            for year in self.horizon or ():
                row = by_year.get(year, every_year)
                if row is not None and row["demand"]:
                    demand[mineral, country, year] = row["demand"]
        return demand

    def _sources(
        self,
    ) -> tuple[dict[tuple[str, str, int], SourceYear], set[tuple[str, str]]]:
        """Supply per (source, mineral, year) and the (source, mineral) pairs named at all."""
        sheet = SHEETS["Sources"]
        price_factor = sheet.column("price_factor")
        grouped = self._year_rows("Sources", frozenset({"available"}))
        raw_sheet = self.sheets.get("Sources")
        self.names["Sources"] = (
            None if raw_sheet is None else {cell_text(v) for v in _column(raw_sheet, "source")}
        )
        supply = {}
        for (source, mineral), by_year in grouped.items():
            every_year = by_year.get(None)
            for year, row in by_year.items():
                if year is not None and row["available"] is None and every_year is None:
                    self.error(
                        "Sources",
                        row.number,
                        "available",
                        f"blank, and there is no blank-year row for ({source}, {mineral}) "
                        "to take it from",
                    )
            for year in self.horizon or ():
                row = by_year.get(year, every_year)
                if row is None:
                    continue
                base = every_year if every_year is not None else {}
                available = _first(row["available"], base.get("available"))
                factor = _first(row["price_factor"], base.get("price_factor"))
                supply[source, mineral, year] = SourceYear(
                    available=available,
                    price_factor=price_factor.default if factor is None else factor,
                )
        return supply, set(grouped)

    # --- Sites, CfD, Stockpiles ---

    def _sites(self) -> dict[str, Site]:
        sheet = SHEETS["Sites"]
        rows = self._define("Sites")
        sites = {}
        for name, row in rows.items():
            self._references_hold("Sites", row)
            values = {f.name: row.value(f) for f in sheet.columns if f.name != "site"}
            if row.failed:
                continue
            if values["min_capacity"] > values["max_capacity"]:
                self.error(
                    "Sites",
                    row.number,
                    "min_capacity",
                    "must be ≤ max_capacity (found "
                    f"{_number_text(values['min_capacity'])} > "
                    f"{_number_text(values['max_capacity'])})",
                )
            if values["earliest_year"] is None and self.horizon is not None:
                values["earliest_year"] = self.horizon.start
            self._check_buildable(row, values)
            sites[name] = Site(name=name, **values)
        return sites

    def _check_buildable(self, row: _Row, values: dict[str, Any]) -> None:
        """Warn about sites that can never matter: a likely mistake, not an error."""
        if self.horizon is None:
            return
        if values["max_capacity"] > 0:
            first = max(values["earliest_year"], self.horizon.start)
            if first + values["lead_time"] > self.horizon.stop - 1:
                self.warn(
                    "Sites",
                    row.number,
                    "earliest_year",
                    f"no build can start in time: earliest year {first} plus lead time "
                    f"{values['lead_time']} is after the last planning year "
                    f"{self.horizon.stop - 1}",
                )
        elif values["existing_capacity"] == 0:
            self.warn(
                "Sites",
                row.number,
                "max_capacity",
                "the site has no existing capacity and cannot be built (max_capacity 0): it "
                "has no effect",
            )

    def _offers(self) -> dict[str, Offer]:
        sheet = SHEETS["CfD"]
        rows = self._define("CfD")
        offers = {}
        for name, row in rows.items():
            self._references_hold("CfD", row)
            start, end = row["start_year"], row["end_year"]
            if start is not None and end is not None and start > end:
                self.error(
                    "CfD", row.number, "end_year", f"must be ≥ start_year (found {end} < {start})"
                )
                continue
            if self.horizon is None or row.failed:
                continue
            first = max(self.horizon.start, start or self.horizon.start)
            last = min(self.horizon.stop - 1, end or self.horizon.stop - 1)
            if first > last:
                self.warn(
                    "CfD",
                    row.number,
                    "start_year" if start is not None and start > last else "end_year",
                    f"the offer delivers in no planning year ({self._horizon_text()}); "
                    "it is ignored",
                )
                continue
            offers[name] = Offer(
                name=name,
                group=row["group"] or name,
                mineral=row["mineral"],
                country=row["country"],
                strike=row["strike"],
                volume=row["volume"],
                start_year=first,
                end_year=last,
                kind=row.value(sheet.column("kind")),
            )
        return offers

    def _stockpiles(self) -> dict[tuple[str, str], Stockpile]:
        sheet = SHEETS["Stockpiles"]
        rows = self._unique("Stockpiles", self._table("Stockpiles"), sheet.key)
        stockpiles = {}
        for row in rows:
            self._references_hold("Stockpiles", row)
            initial = row.value(sheet.column("initial"))
            capacity = row["capacity"]
            if not row.failed and capacity is not None and initial > capacity:
                self.error(
                    "Stockpiles",
                    row.number,
                    "initial",
                    f"must be ≤ capacity (found {_number_text(initial)} > "
                    f"{_number_text(capacity)})",
                )
            key = (row["country"], row["mineral"])
            stockpiles[key] = Stockpile(
                country=key[0],
                mineral=key[1],
                initial=initial,
                capacity=capacity,
                max_release=row["max_release"],
            )
        return stockpiles

    # --- Scenarios and what changes in them ---

    def _scenarios(self) -> dict[str, Scenario]:
        if "Scenarios" not in self.sheets:
            self.names["Scenarios"] = {BASE_SCENARIO}
            return {BASE_SCENARIO: Scenario(BASE_SCENARIO, 1.0)}
        rows = self._define("Scenarios")
        scenarios = {
            name: Scenario(name, row["probability"], row["description"] or "")
            for name, row in rows.items()
        }
        probabilities = [s.probability for s in scenarios.values()]
        if rows and None not in probabilities:
            total = math.fsum(probabilities)
            if abs(total - 1.0) > PROBABILITY_TOLERANCE:
                self.error(
                    "Scenarios",
                    None,
                    "probability",
                    f"the probabilities must sum to 1 (found {total:.9g})",
                )
        return scenarios

    def _changes(
        self, sheet: str, value_column: str, all_scenarios: list[str], minerals: list[str]
    ) -> Iterator[tuple[_Row, list[str], list[str], range]]:
        """Each usable Disruptions/PriceShocks row with its scenarios, minerals and years
        (blanks expanded), after reporting reversed or empty year ranges and overlaps."""
        rows = self._table(sheet)
        if self.horizon is None:
            return
        owner: dict[tuple[Any, ...], int] = {}
        reported: set[tuple[int, int]] = set()
        for row in rows:
            valid = self._references_hold(sheet, row)
            if not valid or row.failed or row[value_column] is None:
                continue
            start, end = row["from_year"], row["to_year"]
            if start is not None and end is not None and start > end:
                self.error(
                    sheet, row.number, "to_year", f"must be ≥ from_year (found {end} < {start})"
                )
                continue
            years = range(
                max(self.horizon.start, start or self.horizon.start),
                min(self.horizon.stop, (end or self.horizon.stop - 1) + 1),
            )
            if not years:
                self.warn(
                    sheet,
                    row.number,
                    "from_year" if start is not None else "to_year",
                    f"the row covers no planning year ({self._horizon_text()}); it is ignored",
                )
                continue
            scenarios = [row["scenario"]] if row["scenario"] else all_scenarios
            row_minerals = [row["mineral"]] if row["mineral"] else minerals
            self._overlaps(sheet, row, scenarios, row_minerals, years, owner, reported)
            yield row, scenarios, row_minerals, years

    def _overlaps(
        self,
        sheet: str,
        row: _Row,
        scenarios: list[str],
        minerals: list[str],
        years: range,
        owner: dict[tuple[Any, ...], int],
        reported: set[tuple[int, int]],
    ) -> None:
        """Report each earlier row covering a (scenario, [source,] mineral, year) this one does."""
        source = (row["source"],) if sheet == "Disruptions" else ()
        for scenario in scenarios:
            for mineral in minerals:
                for year in years:
                    key = (scenario, *source, mineral, year)
                    earlier = owner.setdefault(key, row.number)
                    if earlier != row.number and (earlier, row.number) not in reported:
                        reported.add((earlier, row.number))
                        what = ", ".join(
                            f"{name} {value!r}"
                            for name, value in zip(
                                ("scenario", *("source" for _ in source), "mineral", "year"),
                                key,
                                strict=True,
                            )
                        )
                        self.error(
                            sheet,
                            row.number,
                            "",
                            f"overlaps row {earlier}: both cover ({what}); a year may be "
                            "covered by one row only",
                        )

    def _disruptions(
        self, pairs: set[tuple[str, str]], all_scenarios: list[str], minerals: list[str]
    ) -> dict[tuple[str, str, str, int], float]:
        share_lost = {}
        for row, scenarios, row_minerals, years in self._changes(
            "Disruptions", "share_lost", all_scenarios, minerals
        ):
            source, share = row["source"], row["share_lost"]
            if (
                row["mineral"]
                and (source, row["mineral"]) not in pairs
                and self.names.get("Sources")
            ):
                self.warn(
                    "Disruptions",
                    row.number,
                    "mineral",
                    f"'{source}' has no Sources row for '{row['mineral']}': the row has no effect",
                )
            if not share:
                continue
            for scenario in scenarios:
                for mineral in row_minerals:
                    if (source, mineral) in pairs:
                        for year in years:
                            share_lost[scenario, source, mineral, year] = share
        return share_lost

    def _price_shocks(
        self, all_scenarios: list[str], minerals: list[str]
    ) -> dict[tuple[str, str, int], float]:
        multipliers = {}
        for row, scenarios, row_minerals, years in self._changes(
            "PriceShocks", "multiplier", all_scenarios, minerals
        ):
            if row["multiplier"] == 1.0:
                continue
            for scenario in scenarios:
                for mineral in row_minerals:
                    for year in years:
                        multipliers[scenario, mineral, year] = row["multiplier"]
        return multipliers


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _column(raw_sheet: RawSheet, column: str) -> Iterator[Value]:
    index = raw_sheet.column_index(column)
    if index is not None:
        for row in raw_sheet.rows:
            if not _blank(row[index]):
                yield row[index]


def _letter(index: int) -> str:
    return f"column {get_column_letter(index + 1)}"


def _suggestion(name: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest candidate (case differences first), or nothing."""
    folded = {candidate.casefold(): candidate for candidate in candidates}
    match = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean '{folded[match[0]]}'?)" if match else ""
