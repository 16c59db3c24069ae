"""Violations, the families that name them, and the tolerances every check shares."""

from __future__ import annotations

from dataclasses import dataclass, field

# A constraint holds when it is violated by at most ABS_TOL + REL_TOL · (the magnitude of its
# terms); figures agree when they differ by at most as much. Solvers meet constraints to about
# 1e-7 of the scaled model, so this accepts any plan HiGHS calls feasible and nothing visibly off.
ABS_TOL = 1e-6
REL_TOL = 1e-6

# The family of each check, as named in violations: the constraint numbers of model.md, then the
# variable domains, the reported costs and other figures, and the workbook's own shape.
ONE_BUILD = "(1) one build per site"
SIZE = "(2) size when built"
ONE_OFFER = "(3) one offer per group"
PURCHASE_LIMIT = "(4) purchase limit"
OUTPUT = "(5) output"
EXTERNAL = "(6) external supply"
STOCKPILE = "(7) stockpile balance"
RELEASE_RULE = "(7) release from opening stock"
COUNTRY_BALANCE = "(8) country balance"
POOL = "(9) pool balance"
COVERAGE = "(10) coverage"
BUDGET = "(11) budget"
OBLIGATION = "(12) stock obligation"
SUPPLY_CAP = "(13) supply cap"
CLOSED_STOCKPILE = "(14) closed stockpile"
NON_ANTICIPATIVITY = "(15) non-anticipativity"
MEMBER_BUDGET = "(16) member budget"
DOMAIN = "domain"
COST = "cost"
OBJECTIVE = "objective"
REPORT = "report"
WORKBOOK = "workbook"


@dataclass(frozen=True)
class Violation:
    """One way in which the reported plan or figures disagree with the case and model.md."""

    check: str  # one of the families above, e.g. "(8) country balance"
    where: str  # the index: "scenario base, mineral NdPr, country US, year 2030"
    message: str  # what is wrong, with the amounts

    def __str__(self) -> str:
        where = f" [{self.where}]" if self.where else ""
        return f"{self.check}{where}: {self.message}"


def tolerance(*magnitudes: float) -> float:
    """How far a constraint whose terms have these magnitudes may be off."""
    return ABS_TOL + REL_TOL * max((abs(m) for m in magnitudes), default=0.0)


def where(**index: object) -> str:
    """'scenario base, mineral M, year 2030': the index of a violated row."""
    return ", ".join(f"{key} {value}" for key, value in index.items())


def fmt(value: float) -> str:
    """A figure for a message: six significant digits with thousands separators."""
    return f"{value:,.6g}"


@dataclass
class Findings:
    """The violations found so far; every check adds to one instance."""

    violations: list[Violation] = field(default_factory=list)

    def flag(self, check: str, place: str, message: str) -> None:
        self.violations.append(Violation(check, place, message))

    def has(self, check: str) -> bool:
        return any(violation.check == check for violation in self.violations)

    def at_most(self, check: str, place: str, value: float, limit: float, message: str) -> None:
        """Flag `message` when `value` exceeds `limit` beyond the tolerance."""
        if value > limit + tolerance(limit, value):
            self.flag(check, place, message)

    def compare(
        self, check: str, place: str, reported: object, expected: float, scale: float = 0.0
    ) -> None:
        """Flag a reported figure that is missing or differs from its recomputed value."""
        if isinstance(reported, bool) or not isinstance(reported, int | float):
            self.flag(check, place, f"expected {fmt(expected)}, found {reported!r}")
            return
        if abs(reported - expected) > tolerance(scale, reported, expected):
            self.flag(
                check,
                place,
                f"reported {fmt(reported)}, recomputed {fmt(expected)} "
                f"(difference {fmt(reported - expected)})",
            )
