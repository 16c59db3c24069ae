"""Cases of the results tests: the bundled example, a hand-derived tiny case, random cases."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.random_cases import write_random_case

__all__ = [
    "EXAMPLE",
    "TINY",
    "write_case",
    "write_random_case",
]

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
