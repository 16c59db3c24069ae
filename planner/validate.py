"""Validation entry points, kept at their historical address; the rules live in
`planner.validation` (one module per family of sheets).

- `read_case(path)`: read a workbook or CSV folder and validate it;
- `case_from_raw(raw)`: validate an already-read `RawWorkbook` (sweeps call this per variant);
- `parse_cell(field, value)`: one cell for one schema column.

Both readers return `(case, warnings)` and raise `InputError` carrying all issues on an error.
"""

from __future__ import annotations

from planner.schema import PROBABILITY_TOLERANCE, probability_tolerance
from planner.validation import BASE_SCENARIO, case_from_raw, parse_cell, read_case

__all__ = [
    "BASE_SCENARIO",
    "PROBABILITY_TOLERANCE",
    "case_from_raw",
    "parse_cell",
    "probability_tolerance",
    "read_case",
]
