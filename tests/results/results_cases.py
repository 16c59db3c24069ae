"""Cases of the results tests: the bundled example, a hand-derived tiny case, random cases."""

from __future__ import annotations

import textwrap
from pathlib import Path

import openpyxl

from planner.case import Case
from planner.results import layout
from planner.results.check import NON_ANTICIPATIVITY, RELEASE_RULE, Violation, check_results
from tests.random_cases import write_random_case

__all__ = [
    "EXAMPLE",
    "TINY",
    "has_tree",
    "model_violations",
    "write_case",
    "write_random_case",
]

# The rules that model revision 3 adds and that hold in no revision-2 plan: the release rule of
# (7) and non-anticipativity (15). Every other new rule (12, 13, 14, 16) is switched off unless the
# input asks for it, so revision-2 plans of cases that do not use them meet them.
REVISION_3_ONLY = frozenset({RELEASE_RULE, NON_ANTICIPATIVITY})


def has_tree(results: Path) -> bool:
    """Whether a results workbook has a scenario tree: the model solved revision 3."""
    book = openpyxl.load_workbook(results, read_only=True)
    try:
        return len(list(book[layout.TREE.name].iter_rows(min_row=2, max_row=2))) > 0
    finally:
        book.close()


def model_violations(case: Case, results: Path) -> list[Violation]:
    """`check_results` of a plan the model solved, without the revision-3-only rules while the
    model is revision 2.

    The model's plan carries its scenario tree (Plan.tree, the Tree sheet) from revision 3 on.
    Without a tree the solve is revision 2, which neither limits releases to the opening stock
    nor ties scenarios with one history together, so those two families are set aside; every
    other family must still be empty. With a tree, nothing is set aside: once the model branch
    is merged every test that uses this is as strict as `check_results(...) == []`.
    """
    violations = check_results(case, results)
    if has_tree(results):
        return violations
    return [v for v in violations if v.check not in REVISION_3_ONLY]


EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"

# The tiny case of the hand-derived tests (tests/results/test_workbook.py derives its optimum).
TINY = {
    "Settings": """
        setting,value
        start_year,2026
        end_year,2027
        discount_rate,0
        terminal_value_fraction,0
    """,
    "Minerals": """
        mineral,price,holding_cost,shortage_penalty,coverage,max_purchase
        M,1000,50,5000,0.5,0
    """,
    "Countries": """
        country,shipping_cost
        A,0
    """,
    "Demand": """
        mineral,country,year,demand
        M,A,,10
    """,
    "Sources": """
        source,mineral,available,price_factor
        CN,M,6,1
    """,
    "Sites": """
        site,country,mineral,existing_capacity,fixed_om_per_tpa,variable_cost
        S,A,M,3,10,200
    """,
    "CfD": """
        offer,mineral,country,strike,volume
    """,
    "Stockpiles": """
        country,mineral,initial,capacity
        A,M,2,2
    """,
}


def write_case(folder: Path, sheets: dict[str, str], **changes: str) -> Path:
    """Write `sheets` (CSV text per sheet, indented freely) as a CSV folder; `changes` replace
    or add whole sheets by name."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**sheets, **changes}.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return folder
