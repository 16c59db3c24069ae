"""The solution checker: re-verifies a results workbook against its case, without the model.

`check_results(case, path)` reads the plan back from the workbook (builds, accepted offers,
stockpile purchases, refinery output, external purchases and the flows of the Balance sheet) and
re-verifies every constraint of spec/model.md (1-16, revision 3), then re-evaluates Cost(ω) and
each cost component per scenario, the expected cost, CVaR and the objective, and compares them
with the reported figures. It is a second implementation of the formulation, written straight
from the spec in plain Python: it imports neither Pyomo nor the model code, so a mistake in either
shows up as a disagreement here. The parts live in `planner.results.checks`, one per seam.
"""

from __future__ import annotations

import os
from pathlib import Path

from planner.case import Case
from planner.errors import PlannerError
from planner.results.checks.balances import check_balances
from planner.results.checks.costs import check_costs, cvar_at, exact_cvar
from planner.results.checks.findings import (
    ABS_TOL,
    BUDGET,
    CLOSED_STOCKPILE,
    COST,
    COUNTRY_BALANCE,
    COVERAGE,
    DOMAIN,
    EXTERNAL,
    MEMBER_BUDGET,
    NON_ANTICIPATIVITY,
    OBJECTIVE,
    OBLIGATION,
    ONE_BUILD,
    ONE_OFFER,
    OUTPUT,
    POOL,
    PURCHASE_LIMIT,
    REL_TOL,
    RELEASE_RULE,
    REPORT,
    SIZE,
    STOCKPILE,
    SUPPLY_CAP,
    WORKBOOK,
    Findings,
    Violation,
)
from planner.results.checks.first_stage import check_first_stage
from planner.results.checks.plan import Context, read_plan
from planner.results.checks.reading import open_book, read_summary, read_workbook
from planner.results.checks.stockpiles import check_stockpiles
from planner.results.checks.supply import check_supply
from planner.results.checks.tree import check_non_anticipativity
from planner.results.tables import input_sha256

__all__ = [
    "ABS_TOL",
    "BUDGET",
    "CLOSED_STOCKPILE",
    "COST",
    "COUNTRY_BALANCE",
    "COVERAGE",
    "DOMAIN",
    "EXTERNAL",
    "MEMBER_BUDGET",
    "NON_ANTICIPATIVITY",
    "OBJECTIVE",
    "OBLIGATION",
    "ONE_BUILD",
    "ONE_OFFER",
    "OUTPUT",
    "POOL",
    "PURCHASE_LIMIT",
    "RELEASE_RULE",
    "REL_TOL",
    "REPORT",
    "SIZE",
    "STOCKPILE",
    "SUPPLY_CAP",
    "WORKBOOK",
    "Violation",
    "check_results",
    "cvar_at",
    "exact_cvar",
    "made_from",
]

# The checks in the order of model.md: first stage, then each family of the second stage, then
# the objective. Each takes the context and adds what it finds.
CHECKS = (
    check_first_stage,
    check_supply,
    check_stockpiles,
    check_balances,
    check_non_anticipativity,
    check_costs,
)


def check_results(case: Case, path: str | os.PathLike[str]) -> list[Violation]:
    """Every violation of the plan and figures in the results workbook at `path`; [] = it checks.

    Raises PlannerError when the file cannot be read as a results workbook, or holds no plan.
    """
    book = read_workbook(Path(path))
    status = book.summary.get("status")
    if status not in ("optimal", "time_limit_feasible"):
        raise PlannerError(f"{path} holds no plan to check (status: {status})")
    findings = Findings(list(book.problems))
    plan = read_plan(case, book, findings)
    if findings.has(WORKBOOK):
        return findings.violations  # a plan read only in part would give misleading violations
    context = Context(case, book, plan, findings)
    for check in CHECKS:
        check(context)
    return findings.violations


def made_from(case: Case, path: str | os.PathLike[str]) -> bool | None:
    """Whether the results at `path` record the SHA-256 of the case's input as it is now.

    None when either is unknown (a case built in code, results without the figure). A different
    digest may only mean another form of the same case (a CSV folder of the workbook).
    """
    book = open_book(Path(path))
    try:
        recorded = read_summary(book, Path(path)).get("input_sha256")
    finally:
        book.close()
    if not recorded or not case.origin or not Path(case.origin).exists():
        return None
    return recorded == input_sha256(case.origin)
