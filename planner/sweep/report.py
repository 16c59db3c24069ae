"""The sweep's results workbook: one row per run, with what was varied and what came out.

Sheets: `Runs` (one row per run: the values varied, status, figures), `Definitions` (what was
varied and how), `About` (input, mode, counts) and `Columns` (what every Runs column means, with
its unit). A Runs header reads `column (unit)` (`expected_cost (USD)`, `Settings.budget (USD)`),
written by the results layout's `header_text`; a varied input given as multipliers keeps its label
`Minerals.price[Ga] (x)`, whose `(x)` already is its unit. Readers find a column with
`planner.results.layout.column_key`: a figure's record key, or the address of a varied input.
Cells are plain values; text that a spreadsheet would read as a formula is stored as quoted text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.files import write_atomically
from planner.results.layout import header_text
from planner.sweep.summary import FIGURES, PER_MINERAL, UNITS

_LEAD = {
    "run": "run number (its file is runs/run-NNNNN.json)",
    "status": "optimal, time_limit_feasible, infeasible, time_limit_no_solution, solver_error or "
    "failed (the changed input was not valid, or the run could not be solved)",
    "message": "why a run failed, or what the solver said",
    "note": "what moved with the varied values (rescaled probabilities, price paths)",
    "model": "how the run's model got into the solver: reused (numbers changed in place), "
    "built (a worker's first run) or rebuilt, with the reason",
    "warm_start": "the finished run whose plan the solver started from (blank: none)",
}
_FORMULA_STARTS = ("=", "+", "-", "@")
OK_STATUSES = ("optimal", "time_limit_feasible")


def run_columns(manifest: dict[str, Any]) -> list[str]:
    """Runs sheet columns, in order: run, the varied values, status, figures, per mineral."""
    figures = list(FIGURES)
    per_mineral = [f"{key}[{m}]" for key in PER_MINERAL for m in manifest["minerals"]]
    return [
        "run",
        *manifest["labels"],
        "status",
        "message",
        "note",
        *figures[:-1],
        *per_mineral,
        "model",
        "warm_start",
        figures[-1],
    ]


def column_unit(column: str, manifest: dict[str, Any]) -> str:
    """The unit of a Runs column: a varied input's unit (a multiplier for relative definitions),
    a figure's unit, or "" for the run number, status and text."""
    labels = manifest["labels"]
    if column in labels:
        position = labels.index(column)
        if manifest["relative"][position]:
            return "multiplier"
        units = manifest.get("units") or [""] * len(labels)  # older manifests lack units
        return str(units[position] or "")
    return UNITS.get(column.partition("[")[0], "")


def run_headers(manifest: dict[str, Any]) -> list[str]:
    """The Runs sheet's header cells: `column (unit)`, in `run_columns` order; the label of a
    definition in multipliers as it is (`Minerals.price[Ga] (x)`)."""
    relative = {
        label
        for label, is_relative in zip(manifest["labels"], manifest["relative"], strict=True)
        if is_relative
    }
    return [
        column if column in relative else header_text(column, column_unit(column, manifest))
        for column in run_columns(manifest)
    ]


def run_rows(manifest: dict[str, Any], records: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The Runs table as rows of plain values (None = blank) in `run_columns` order."""
    columns = run_columns(manifest)
    labels = set(manifest["labels"])
    rows = []
    for record in records:
        values = record.get("values", {})
        rows.append([values.get(c) if c in labels else record.get(c) for c in columns])
    return rows


def write_workbook(path: Path, manifest: dict[str, Any], records: Sequence[dict[str, Any]]) -> None:
    """Write the sweep workbook to `path`, atomically."""
    write_atomically(path, lambda temporary: _write(temporary, manifest, records))


def _write(path: Path, manifest: dict[str, Any], records: Sequence[dict[str, Any]]) -> None:
    book = openpyxl.Workbook(write_only=True)
    columns = run_columns(manifest)
    headers = run_headers(manifest)
    sheet = _sheet(book, "Runs", headers, [max(10, min(40, len(c) + 2)) for c in headers])
    for row in run_rows(manifest, records):
        sheet.append([_cell(sheet, value) for value in row])

    sheet = _sheet(
        book, "Definitions", ["definition", "written at", "kind", "values"], [50, 24, 12, 60]
    )
    for text, where, relative, values in zip(
        manifest["definitions"],
        manifest["where"],
        manifest["relative"],
        manifest["values"],
        strict=True,
    ):
        kind = "multipliers" if relative else "values"
        shown = ", ".join(f"x{v:g}" if relative else f"{v:g}" for v in values)
        sheet.append([_cell(sheet, text), _cell(sheet, where), kind, _cell(sheet, shown)])

    counts = _status_counts(records)
    sheet = _sheet(book, "About", ["item", "value"], [22, 70])
    about = [
        ("input", manifest["input"]),
        ("input_sha256", manifest["input_sha256"]),
        ("mode", manifest["mode"]),
        ("samples", manifest["samples"]),
        ("seed", manifest["seed"] if manifest["mode"] == "sample" else None),
        ("time_limit", manifest["solver_options"]["time_limit"]),
        ("mip_gap", manifest["solver_options"]["mip_gap"]),
        ("runs", manifest["runs"]),
        ("runs_recorded", len(records)),
        *((f"runs_{status}", count) for status, count in counts.items()),
        ("planner_version", manifest["planner_version"]),
    ]
    for item, value in about:
        sheet.append([item, _cell(sheet, value)])

    sheet = _sheet(book, "Columns", ["column", "unit", "meaning"], [36, 12, 90])
    for column in columns:
        unit = column_unit(column, manifest) or None
        sheet.append([_cell(sheet, column), unit, _cell(sheet, _meaning(column, manifest))])
    book.save(path)


def _status_counts(records: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[record["status"]] = counts.get(record["status"], 0) + 1
    return dict(sorted(counts.items()))


def _meaning(column: str, manifest: dict[str, Any]) -> str:
    if column in _LEAD:
        return _LEAD[column]
    if column in manifest["labels"]:
        position = manifest["labels"].index(column)
        kind = "multiplier of the workbook's value" if manifest["relative"][position] else "value"
        return f"the {kind} of {manifest['definitions'][position].split('=')[0]} (blank: unchanged)"
    if column in FIGURES:
        return FIGURES[column]
    key, _, mineral = column.partition("[")
    return f"{mineral.rstrip(']')}: {PER_MINERAL[key]}"


def _sheet(book: openpyxl.Workbook, name: str, header: list[str], widths: list[int]) -> Any:
    sheet = book.create_sheet(name)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name_ in header:
        cell = WriteOnlyCell(sheet, value=_safe(name_))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _cell(sheet: Any, value: Any) -> Any:
    """A value as the sheet should store it: numbers as numbers, text never as a formula."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float):
        return value
    text = _safe(str(value))
    if not text.startswith(_FORMULA_STARTS) and text not in ERROR_CODES:
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _safe(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", text)
