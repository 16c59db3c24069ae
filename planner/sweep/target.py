"""Definitions matched to the workbook's cells, and each run's values written into a copy of it.

Resolving happens once, in the main process, against the raw workbook: every address error is
found before any solve starts and reported the way workbook errors are. Applying happens in the
workers, per run, on a copy of the raw workbook, which is then validated like any input, so a
swept value goes through exactly the checks a typed one does.

Three inputs move more than the addressed cells, so that the case stays what a planner means:
- `Scenarios.probability`: the scenarios not named keep their relative weights and are rescaled so
  that all probabilities still sum to 1; the run's note says by which factor.
- `Minerals.price`: the mineral's whole price path moves, so its Prices rows (which override
  Minerals.price year by year) are scaled by the same factor as the base price; the note says so.
- A multiplier applies to the value the cell stands for: a blank cell with a default is scaled
  from its default; a blank that means "no limit" stays blank; a blank Sources.available of a
  year row is left to inherit its (scaled or not) blank-year row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.io.raw import RawRow, RawSheet, RawWorkbook, Value, cell_text, column_key
from planner.schema import (
    SETTINGS,
    SETTINGS_SHEET,
    SHEETS,
    Field,
    Kind,
    Sheet,
    find_sheet,
    probability_tolerance,
)
from planner.sweep.definition import Definition, DefinitionError, Issue
from planner.sweep.expand import Run
from planner.validate import parse_cell

_NUMERIC = (Kind.NUMBER, Kind.WHOLE, Kind.YEAR)
_ROW_NUMBER_KEY = "row"
# Tolerance of the probability sum, as in workbook.md's Scenarios rule.

# Makes the error for a message, located at the definition's address unless told otherwise.
Fail = Callable[..., DefinitionError]


@dataclass(frozen=True)
class Cell:
    """One cell a definition moves, with the value it stands for in the workbook."""

    row: int  # spreadsheet row number
    base: float | None  # None: blank meaning "no limit", or inherited (not scaled)


@dataclass(frozen=True)
class Target:
    """A definition resolved against the workbook."""

    definition: Definition
    sheet: str  # the sheet's name as the workbook writes it
    field: Field
    cells: tuple[Cell, ...]
    # Minerals.price only: Prices rows (number, base) per selected Minerals row number.
    price_rows: tuple[tuple[int, tuple[Cell, ...]], ...] = ()

    @property
    def whole(self) -> bool:
        """Values must be whole numbers (sampling rounds them)."""
        return self.field.kind in (Kind.WHOLE, Kind.YEAR)

    @property
    def is_setting(self) -> bool:
        return self.sheet.casefold() == SETTINGS_SHEET.casefold()

    @property
    def name(self) -> str:
        """The input as people say it, for charts: "NdPr oxide price", "budget",
        "Gallium demand (Japan)", "price (every Minerals row)"."""
        column = self.field.name.replace("_", " ")
        selector = self.definition.address.selector
        if self.is_setting:
            return column
        if not selector:
            return f"{column} (every {self.sheet} row)"
        first, *rest = (value for _key, value in selector)
        return f"{first} {column}" + (f" ({', '.join(rest)})" if rest else "")

    @property
    def common_base(self) -> float | None:
        """The workbook value of every cell it moves, when they share one (else None): what a
        multiplier multiplies, so that charts can show values instead of multipliers."""
        bases = {cell.base for cell in self.cells}
        if len(bases) != 1:
            return None
        (base,) = bases
        return base

    @property
    def is_probability(self) -> bool:
        return column_key(self.sheet) == "scenarios" and self.field.name == "probability"


def resolve(raw: RawWorkbook, definitions: Sequence[Definition]) -> list[Target]:
    """Match every definition to the workbook; raise DefinitionError listing every problem."""
    targets, issues = [], []
    for definition in definitions:
        try:
            targets.append(_resolve(raw, definition))
        except DefinitionError as error:
            issues.extend(error.issues)
    issues.extend(_overlaps(targets))
    if issues:
        raise DefinitionError(issues)
    return targets


def _resolve(raw: RawWorkbook, definition: Definition) -> Target:
    address = definition.address
    where = definition.where

    def fail(message: str, at: str = where) -> DefinitionError:
        return DefinitionError([Issue(at, message)])

    schema = find_sheet(address.sheet)
    if schema is None or not schema.columns:  # README and Sweeps hold no case numbers
        known = ", ".join(name for name, sheet in SHEETS.items() if sheet.columns)
        raise fail(f"there is no sheet {address.sheet!r} in the input format; sheets: {known}")
    try:
        sheet = raw.sheet(schema.name)
    except KeyError:
        raise fail(f"the workbook has no {schema.name} sheet") from None
    if schema.name == SETTINGS_SHEET:
        return _resolve_setting(sheet, definition, fail)

    wanted = column_key(address.column)
    field = next((f for f in schema.columns if f.name.casefold() == wanted), None)
    if field is None:
        numeric = ", ".join(f.name for f in schema.columns if f.kind in _NUMERIC)
        raise fail(f"{schema.name} has no column {address.column!r}; its numbers: {numeric}")
    if field.kind not in _NUMERIC:
        raise fail(f"{schema.name}.{field.name} holds {field.kind.value}s, not numbers")
    rows = _select(sheet, schema.key, definition, fail)
    cells = tuple(Cell(row.number, _base_value(sheet, row, field)) for row in rows)
    target = Target(definition, sheet.name, field, cells)
    if target.is_probability:
        _check_probability(sheet, target, fail)
    if column_key(sheet.name) == "minerals" and field.name == "price":
        target = _with_price_rows(raw, sheet, target)
    _check_values(target, fail)
    return target


def _resolve_setting(sheet: RawSheet, definition: Definition, fail: Fail) -> Target:
    address = definition.address
    name = address.column.casefold()
    field = next((f for f in SETTINGS if f.name == name), None)
    if address.selector or field is None:
        known = ", ".join(f.name for f in SETTINGS)
        raise fail(f"write a setting as Settings.<name>, one of: {known}")
    found = sheet.find_rows(field.name)
    base: float | None
    if found:
        value_column = sheet.column_index("value")
        assert value_column is not None, "a validated Settings sheet has a value column"
        base = _number(found[0][value_column], field)
        row = found[0].number
    else:
        base = field.default if isinstance(field.default, float) else None
        row = 0  # the setting has no row: applying adds one
    target = Target(definition, sheet.name, field, (Cell(row, base),))
    _check_values(target, fail)
    return target


def _select(
    sheet: RawSheet, key: tuple[str, ...], definition: Definition, fail: Fail
) -> list[RawRow]:
    """The rows a selector names: all rows, key values in order, or column=value pairs."""
    selector = definition.address.selector
    if not selector:
        if not sheet.rows:
            raise fail(f"the {sheet.name} sheet has no rows")
        return list(sheet.rows)
    schema = find_sheet(sheet.name)
    assert schema is not None, "only the schema's sheets are swept"
    if selector[0][0] is None:
        pairs = _positional_pairs(sheet.name, schema, key, selector, fail)
    else:
        pairs = _named_pairs(sheet.name, schema, selector, fail)
    rows = _matching_rows(sheet, pairs)
    if not rows:
        shown = ", ".join(f"{column}={value}" for column, value in pairs)
        raise fail(f"no {sheet.name} row has {shown}{_hint(sheet, pairs)}")
    return rows


def _positional_pairs(
    name: str,
    schema: Sheet,
    key: tuple[str, ...],
    selector: Sequence[tuple[str | None, str]],
    fail: Fail,
) -> list[tuple[str, str]]:
    """(column, value) for a selector of bare values: they name the sheet's key columns (and its
    year, if it has one) in order."""
    order = list(key)
    if any(f.name == "year" for f in schema.columns):
        order.append("year")
    if not order:
        raise fail(
            f"{name} rows have no key: select them by column, e.g. "
            f"[{schema.columns[0].name}=...], or by row number, e.g. [row=3]"
        )
    if len(selector) > len(order):
        raise fail(
            f"{name} rows are identified by {', '.join(order)}: {len(selector)} values is too many"
        )
    return [(column, value) for column, (_, value) in zip(order, selector, strict=False)]


def _named_pairs(
    name: str, schema: Sheet, selector: Sequence[tuple[str | None, str]], fail: Fail
) -> list[tuple[str, str]]:
    """(column, value) for a selector of column=value pairs, with the schema's spelling of each
    column (or the row-number key)."""
    pairs = []
    for column, value in selector:
        assert column is not None
        if column.casefold() == _ROW_NUMBER_KEY:
            pairs.append((_ROW_NUMBER_KEY, value))
            continue
        field = next((f for f in schema.columns if f.name.casefold() == column.casefold()), None)
        if field is None:
            names = ", ".join(f.name for f in schema.columns)
            raise fail(f"{name} has no column {column!r} to select by; columns: {names}")
        pairs.append((field.name, value))
    return pairs


def _matching_rows(sheet: RawSheet, pairs: list[tuple[str, str]]) -> list[RawRow]:
    """The rows of `sheet` that hold every (column, value) of `pairs`."""
    rows = list(sheet.rows)
    for column, value in pairs:
        if column == _ROW_NUMBER_KEY:
            rows = [row for row in rows if str(row.number) == value.strip()]
            continue
        index = sheet.column_index(column)
        rows = [row for row in rows if cell_text(None if index is None else row[index]) == value]
    return rows


def _hint(sheet: RawSheet, pairs: list[tuple[str, str]]) -> str:
    """The values a missing selector value could have been, for the message."""
    for column, value in pairs:
        index = sheet.column_index(column) if column != _ROW_NUMBER_KEY else None
        if index is None:
            continue
        present = list(dict.fromkeys(cell_text(row[index]) for row in sheet.rows))
        if value not in present:
            listed = ", ".join(p or "(blank)" for p in present[:8])
            more = ", ..." if len(present) > 8 else ""
            return f" ({column} values in the sheet: {listed}{more})"
    return ""


def _base_value(sheet: RawSheet, row: RawRow, field: Field) -> float | None:
    """The number a cell stands for: its value, its default, or None when blank means none."""
    index = sheet.column_index(field.name)
    return _number(None if index is None else row[index], field)


def _number(value: Value, field: Field) -> float | None:
    """A cell of a validated workbook as the number the validator reads; its default if blank."""
    parsed, _ = parse_cell(field, value)
    if parsed is None:
        return field.default if isinstance(field.default, float) else None
    return float(parsed)


def _with_price_rows(raw: RawWorkbook, minerals: RawSheet, target: Target) -> Target:
    """Attach each selected mineral's Prices rows, which move with its base price."""
    try:
        prices = raw.sheet("Prices")
    except KeyError:
        return target
    mineral_column = minerals.column_index("mineral")
    price_mineral = prices.column_index("mineral")
    assert mineral_column is not None and price_mineral is not None, "validated sheets"
    price_field = SHEETS["Prices"].column("price")
    attached = []
    for cell in target.cells:
        row = next(r for r in minerals.rows if r.number == cell.row)
        name = cell_text(row[mineral_column])
        rows = [r for r in prices.rows if cell_text(r[price_mineral]) == name]
        if rows:
            cells = tuple(Cell(r.number, _base_value(prices, r, price_field)) for r in rows)
            attached.append((cell.row, cells))
    return Target(target.definition, target.sheet, target.field, target.cells, tuple(attached))


def _check_probability(sheet: RawSheet, target: Target, fail: Fail) -> None:
    if not target.definition.address.selector:
        raise fail(
            "vary one scenario's probability, e.g. Scenarios.probability[ree-ban-12m]; "
            "the other scenarios are rescaled so that probabilities still sum to 1"
        )
    chosen = {cell.row for cell in target.cells}
    field = target.field
    others = sum(_base_value(sheet, r, field) or 0.0 for r in sheet.rows if r.number not in chosen)
    if others <= 0.0:
        raise fail(
            "the other scenarios have probability 0, so they cannot be rescaled to keep the "
            "sum at 1"
        )


def _check_values(target: Target, fail: Fail) -> None:
    """Each value the definition would write must be one the column accepts."""
    definition = target.definition
    field = target.field
    at = definition.where_values or definition.where
    name = f"{target.sheet}.{field.name}"
    if definition.relative:
        if target.whole:
            raise fail(f"{name} takes whole numbers: give values, not multipliers", at)
        if all(cell.base is None for cell in target.cells):
            raise fail(
                f"{name} is blank (no limit) where selected: give values, not multipliers", at
            )
        for cell in target.cells:
            if cell.base is None:
                continue
            for multiplier in definition.values:
                value = cell.base * multiplier
                if not field.accepts(value):
                    place = f"row {cell.row}" if cell.row else "its setting"
                    raise fail(
                        f"x{multiplier:g} takes {name} of {place} to {value:g}, outside "
                        f"{field.range_text}",
                        at,
                    )
        return
    for value in definition.values:
        if target.whole and value != math.floor(value):
            raise fail(f"{name} takes whole numbers, not {value:g}", at)
        if not field.accepts(value):
            raise fail(f"{value:g} is outside {name}'s range ({field.range_text})", at)


def _overlaps(targets: list[Target]) -> list[Issue]:
    """Two definitions moving the same cell would make the result depend on their order."""
    issues = []
    owner: dict[tuple[str, int, str], Definition] = {}
    for target in targets:
        touched = [(target.sheet, cell.row, target.field.name) for cell in target.cells]
        touched += [
            ("Prices", cell.row, "price") for _, cells in target.price_rows for cell in cells
        ]
        for key in touched:
            first = owner.setdefault(key, target.definition)
            if first is not target.definition:
                issues.append(
                    Issue(
                        target.definition.where,
                        f"moves {key[0]}.{key[2]} cells that {first.where} moves too; "
                        "vary each cell in one definition only",
                    )
                )
                break
    return issues


def apply(raw: RawWorkbook, targets: Sequence[Target], run: Run) -> list[str]:
    """Write `run`'s values into `raw` (a copy); return notes on what else moved with them."""
    notes: list[str] = []
    fixed: dict[int, float] = {}
    scenarios = None
    for target, value in zip(targets, run.values, strict=True):
        if value is None:
            continue
        if target.is_setting:
            new = _new_value(target.cells[0], target, value)
            assert new is not None, "a setting scaled by multipliers has a base (_check_values)"
            raw.set_setting(target.field.name, _cell_value(new, target.field))
            continue
        sheet = raw.sheet(target.sheet)
        column = sheet.ensure_column(target.field.name)
        rows = {row.number: row for row in sheet.rows}
        for cell in target.cells:
            new = _new_value(cell, target, value)
            if new is None:
                continue
            rows[cell.row].put(column, _cell_value(new, target.field))
            if target.is_probability:
                fixed[cell.row] = new
                scenarios = sheet
        if target.price_rows:
            notes.extend(_move_price_rows(raw, target, value))
    if scenarios is not None:
        notes.append(_rescale_probabilities(scenarios, fixed))
    return notes


def _new_value(cell: Cell, target: Target, value: float) -> float | None:
    if not target.definition.relative:
        return value
    return None if cell.base is None else cell.base * value


def _cell_value(value: float, field: Field) -> int | float:
    return round(value) if field.kind in (Kind.WHOLE, Kind.YEAR) else float(value)


def _move_price_rows(raw: RawWorkbook, target: Target, value: float) -> list[str]:
    prices = raw.sheet("Prices")
    column = prices.ensure_column("price")
    rows = {row.number: row for row in prices.rows}
    base = {cell.row: cell.base for cell in target.cells}
    notes = []
    for mineral_row, cells in target.price_rows:
        old = base[mineral_row]
        if target.definition.relative:
            factor = value
        else:
            assert old is not None, "a mineral's price is never blank"
            factor = value / old
        for cell in cells:
            if cell.base is not None:
                rows[cell.row].put(column, float(cell.base * factor))
        notes.append(
            f"Prices rows {', '.join(str(c.row) for c in cells)} scaled x{factor:.6g} "
            f"with Minerals row {mineral_row}"
        )
    return notes


def _rescale_probabilities(sheet: RawSheet, fixed: dict[int, float]) -> str:
    """Scale the scenarios not fixed by the run so that all probabilities sum to 1."""
    field = SHEETS["Scenarios"].column("probability")
    column = sheet.ensure_column("probability")
    free = [row for row in sheet.rows if row.number not in fixed]
    free_total = sum(_base_value(sheet, row, field) or 0.0 for row in free)
    remaining = 1.0 - sum(fixed.values())
    tolerance = probability_tolerance(len(sheet.rows))
    if remaining < -tolerance:
        # Left for the validator to report: the probabilities cannot sum to 1.
        return f"the varied probabilities sum to {sum(fixed.values()):g}, more than 1"
    if free_total <= 0.0:
        if abs(remaining) <= tolerance:
            return "the varied probabilities sum to 1 by themselves"
        return "the scenarios not varied have probability 0, so the sum cannot be kept at 1"
    factor = max(remaining, 0.0) / free_total
    for row in free:
        row.put(column, (_base_value(sheet, row, field) or 0.0) * factor)
    return f"other scenarios' probabilities scaled x{factor:.6g} to keep the sum at 1"
