"""What every sheet's checks share: the issues found so far, the sheets matched to the schema,
the planning years and the identifiers each sheet defines, and the parsed rows of a sheet.

`Context` is handed from one sheet's checks to the next (`planner.validation.run` sets the order:
a sheet is read after the sheets it refers to). It only records and looks up; the rules of each
sheet live in that sheet's module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.errors import Issue, error, warning
from planner.io.raw import RawSheet, RawWorkbook, Value
from planner.schema import SHEETS, Field
from planner.validation.cells import suggestion


class Row(dict[str, Any]):
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
class Context:
    """The state shared by the checks of one raw workbook."""

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
    # Setting name → its row of the Settings sheet.
    setting_rows: dict[str, int] = field(default_factory=dict)

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.issues.append(error(self._shown_name(sheet), row, column, message))

    def warn(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.issues.append(warning(self._shown_name(sheet), row, column, message))

    def _shown_name(self, sheet: str) -> str:
        """The sheet's name as the workbook spells it, which is what the user looks for."""
        found = self.sheets.get(sheet)
        return found.name if found is not None else sheet

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)

    # --- lookups ---

    def references_hold(self, sheet: str, row: Row) -> bool:
        """Whether every non-blank cell of the row that names another sheet's row (the schema's
        `refers_to`) does; each one that does not is an error."""
        checks = [
            self.refers(sheet, row, column.name, column.refers_to)
            for column in SHEETS[sheet].columns
            if column.refers_to and row[column.name] is not None
        ]
        return all(checks)

    def refers(self, sheet: str, row: Row, column: str, target: str) -> bool:
        """Whether row's `column` names a row of `target` (an error when it does not)."""
        identifier = row[column]
        if identifier is None:
            return False
        names = self.names.get(target)
        if names is None or identifier in names:
            return True
        hint = suggestion(identifier, names)
        self.error(sheet, row.number, column, f"no {target} row named '{identifier}'{hint}")
        return False

    def in_horizon(self, sheet: str, row: Row, column: str = "year") -> bool:
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
            f"{year} is outside the planning years {self.horizon_text()}; the row is ignored",
        )
        return False

    def horizon_text(self) -> str:
        assert self.horizon is not None
        return f"{self.horizon.start}–{self.horizon.stop - 1}"

    def unique(self, sheet: str, rows: Iterable[Row], columns: tuple[str, ...]) -> list[Row]:
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
