"""docs/workbook.md, rendered from `planner.schema`: one table per sheet (column, required,
default, unit, allowed values, meaning) after the rules that hold for every sheet.

`python -m planner.schema_docs` rewrites docs/workbook.md; `python -m planner.schema_docs --check`
exits 1 when the committed file differs from what the schema renders (a test runs the same
comparison), so the documentation cannot drift from what the validator checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from planner.io import limits
from planner.schema import (
    MOST_DAYS,
    MOST_FACTOR,
    MOST_MONEY,
    MOST_PER_TONNE,
    MOST_TONNES,
    PROBABILITY_ROUNDING,
    PROBABILITY_TOLERANCE,
    README_SHEET,
    SETTINGS,
    SETTINGS_SHEET,
    SHEETS,
    SWEEPS_SHEET,
    YEAR_MAX,
    YEAR_MIN,
    Field,
    Sheet,
)

DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "workbook.md"

_INTRO = f"""\
# The input workbook

<!-- Generated from planner/schema.py by `python -m planner.schema_docs`; do not edit by hand. -->

One `.xlsx` workbook, or one folder holding one `SHEET.csv` per sheet (same names, same columns),
describes a planning case. The two forms are interchangeable and `planner convert` turns one into
the other without loss. Planners edit the workbook; the folder form is what goes under version
control and in code review. `planner template` writes a workbook with every sheet, a worked
example and a README sheet holding the tables below.

Rules for every sheet:
- The first row holds the column names. Names are matched without regard to case or surrounding
  spaces. An unknown column is a warning (it may be a typo), never silently used. A sheet name may
  appear once, whatever its case or spaces.
- Identifiers (mineral, country, site, offer, group, source, scenario) are text, matched exactly
  after trimming spaces; control characters (tab, ESC, NUL, ...) are refused. Every reference to
  another sheet must name a row that exists there.
- Numbers may be typed as numbers or as text in these forms only: `1200`, `-3.5`, `1,200` (commas
  between thousands), `12e9`, and for shares and rates `80%` (= 0.8). A percentage where money or
  tonnes are expected is an error. Infinite and not-a-number values are refused, and so is a value
  above the column's plausible upper bound (column "at most"; a larger value is a typing mistake).
  A formula cell is read as its cached value; a formula without one is an error that says to open
  and save the file in a spreadsheet program.
- Years are whole numbers from {YEAR_MIN} to {YEAR_MAX}.
- Blank rows are skipped. A blank optional cell takes its default. A blank required cell is an
  error.
- Units: tonnes (t) of the processed material named in Minerals.unit, t per year (t/yr) for rates,
  US dollars (USD) for money. Prices are USD per tonne.
- Every error names the sheet, the spreadsheet row number (as the spreadsheet shows it; in a CSV
  file, the record's number, the header being row 1), the column and what is wrong; all errors are
  listed at once, not only the first.

Sheets marked optional may be left out entirely; an optional sheet with its header row and no data
rows means the same as no sheet (an empty Scenarios sheet: the one scenario `base`).
"""


def _power(value: float) -> str:
    return f"1e{len(str(int(value))) - 1}"


def _small(value: float) -> str:
    return f"{value:g}".replace("e-0", "e-")


def _limits() -> str:
    return f"""\
## Limits

Plausible upper bounds (a value above one is refused as a typing mistake): prices and other
per-tonne costs {_power(MOST_PER_TONNE)} USD/t, tonnages and rates {_power(MOST_TONNES)} t or
t/yr, money {_power(MOST_MONEY)} USD, unitless factors {MOST_FACTOR:g}, days of demand
{MOST_DAYS:,.0f}.

Scenario probabilities must sum to 1 within
max({_small(PROBABILITY_TOLERANCE)}, n × {_small(PROBABILITY_ROUNDING)}) for n scenarios, in
either direction: probabilities typed with six decimals (0.333333 three times) are accepted.

Size: at most {limits.MAX_SHEET_ROWS:,} data rows per sheet, and minerals × countries × years ×
scenarios at most {limits.MAX_MODEL_SIZE:,} (about a million model columns; {limits.WHY}).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(name: str, field: Field) -> str:
    cells = [
        f"`{name}`",
        "yes" if field.required else "no",
        field.default_text,
        field.unit,
        field.range_text,
        field.most_text,
        field.meaning,
    ]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


_TABLE_HEAD = (
    "| column | required | default | unit | allowed | at most | meaning |\n"
    "|---|---|---|---|---|---|---|"
)


def _sheet(sheet: Sheet) -> str:
    optional = " (optional)" if not sheet.required else ""
    lines = [f"## {sheet.name}{optional}", "", sheet.meaning[0].upper() + sheet.meaning[1:] + "."]
    if sheet.min_rows:
        lines[-1] += " At least one row."
    if sheet.key:
        year = ("year",) if any(f.name == "year" for f in sheet.columns) else ()
        key = ", ".join((*sheet.key, *year))
        lines.append(f"Rows are identified by ({key}); each appears once.")
    lines += ["", _TABLE_HEAD, *(_row(field.name, field) for field in sheet.columns)]
    if sheet.name == SETTINGS_SHEET:
        lines += ["", "The settings (one row each, in column `setting`):", "", _TABLE_HEAD]
        lines += [_row(setting.name, setting) for setting in SETTINGS]
    return "\n".join(lines) + "\n"


def render() -> str:
    """docs/workbook.md as the schema describes the workbook."""
    parts = [_INTRO]
    for sheet in SHEETS.values():
        if sheet.columns:
            parts.append(_sheet(sheet))
    parts.append(
        f"## {SWEEPS_SHEET} (optional)\n\n{SHEETS[SWEEPS_SHEET].meaning[0].upper()}"
        f"{SHEETS[SWEEPS_SHEET].meaning[1:]}.\n"
    )
    parts.append(
        f"## {README_SHEET} (optional)\n\nFree text for people; the planner ignores it. "
        "`planner template` writes one that documents every sheet and column with its unit.\n"
    )
    parts.append(_limits())
    return "\n".join(parts)


def write_or_check(path: Path, text: str, argv: list[str], module: str) -> int:
    """Write `text` to the generated page `path`; with --check in `argv`, only say whether the
    committed page is current (exit 1 when not, naming `module` to run)."""
    if "--check" in argv:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date; run: python -m {module}")
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {path}")
    return 0


def main(argv: list[str]) -> int:
    """Rewrite docs/workbook.md, or with --check report whether it is current."""
    return write_or_check(DOCS_PATH, render(), argv, "planner.schema_docs")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
