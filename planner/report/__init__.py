"""The one-page HTML report of a results workbook (`planner report`, `planner solve --report`).

`write_report(results_path, report_path)` reads the workbook (`results.py`), renders the page
(`page.py`, charts from `svg.py`, every number through `numbers.py`) and writes it atomically.
The page is self-contained: no script, font, style sheet or image from anywhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

from planner.files import write_atomically
from planner.report.page import render
from planner.report.results import Results, read_results

__all__ = ["Results", "default_report_path", "read_results", "render", "write_report"]


def default_report_path(results_path: str | os.PathLike[str]) -> Path:
    """`results.xlsx` → `results.html` beside it."""
    return Path(results_path).with_suffix(".html")


def write_report(
    results_path: str | os.PathLike[str], report_path: str | os.PathLike[str] | None = None
) -> Path:
    """Write the report of the results workbook at `results_path`; returns the page's path."""
    target = Path(report_path) if report_path is not None else default_report_path(results_path)
    if target.resolve() == Path(results_path).resolve():
        from planner.errors import PlannerError

        raise PlannerError(f"{target} is the results workbook itself; give another -o path")
    page = render(read_results(results_path))
    write_atomically(target, lambda temporary: temporary.write_text(page, encoding="utf-8"))
    return target
