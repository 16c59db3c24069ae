"""Errors that end a command with a message and an exit code, and the input problems they carry.

Every failure a user can cause (bad input, an existing output path, later an infeasible model) is
a `PlannerError`: the command line catches this one type in one place, prints its message to
stderr and exits with its `exit_code`, so users never see a traceback for their own mistakes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


class PlannerError(Exception):
    """A failure to report to the user as a sentence, ending the command with `exit_code`."""

    exit_code: int = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    def report(self) -> str:
        """What the command line prints to stderr."""
        return f"error: {self}"


@dataclass(frozen=True)
class Issue:
    """One problem of an input, located as a spreadsheet user would look for it.

    `row` is the spreadsheet row number (1 = the header row); `sheet`, `row` and `column` are
    empty/None when the problem concerns the whole file, sheet or column.
    """

    severity: Severity
    sheet: str
    row: int | None
    column: str
    message: str

    @property
    def location(self) -> str:
        """`Sheet!Row, column`, leaving out the parts that do not apply."""
        place = self.sheet
        if self.row is not None:
            place = f"{place}!{self.row}"
        if self.column:
            place = f"{place}, {self.column}" if place else self.column
        return place

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


def error(sheet: str, row: int | None, column: str, message: str) -> Issue:
    """An issue that makes the input unusable."""
    return Issue("error", sheet, row, column, message)


def warning(sheet: str, row: int | None, column: str, message: str) -> Issue:
    """An issue worth a look that does not stop the input from being used."""
    return Issue("warning", sheet, row, column, message)


def format_issues(issues: Iterable[Issue]) -> str:
    """One line per issue, errors before warnings, each marked with its severity."""
    ordered = sorted(issues, key=lambda issue: issue.severity != "error")
    return "\n".join(f"{issue.severity}: {issue}" for issue in ordered)


class InputError(PlannerError):
    """An input that cannot be used; carries every issue found (warnings included)."""

    def __init__(self, issues: list[Issue], origin: str = "") -> None:
        self.issues = issues
        self.origin = origin
        errors = sum(issue.severity == "error" for issue in issues)
        warnings = len(issues) - errors
        where = f" in {origin}" if origin else ""
        summary = f"{_count(errors, 'error')}, {_count(warnings, 'warning')}{where}"
        super().__init__(f"{summary}: the input cannot be used")

    def report(self) -> str:
        """Every issue on its own line, then the counts."""
        return f"{format_issues(self.issues)}\n{self}."

    @property
    def errors(self) -> list[Issue]:
        """The issues of severity error (at least one)."""
        return [issue for issue in self.issues if issue.severity == "error"]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
