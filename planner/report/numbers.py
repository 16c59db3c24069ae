"""Numbers on the page, each tied to the workbook cells it comes from.

Every number the report prints is a `<span class="n">` whose `data-q` attribute is a query on
the results workbook (a Summary figure, a linear combination of Summary figures, or one cell or
the sum, minimum or maximum of a column over the rows that match) and whose `data-scale` is the
unit it is printed in (1e6 for USD million, 0.01 for percent). The page evaluates the query to
print the number, and the tests evaluate it again on the workbook, independently, to prove that
every number on the page is the workbook's.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any, Literal

import pandas as pd

from planner.report import names
from planner.report.results import Results, as_number

Aggregate = Literal["one", "sum", "min", "max"]
Query = dict[str, Any]
ROW = "#"  # in `where`: the position of the row among the sheet's data rows (0 = first)

BILLION = 1e9
MILLION = 1e6
PERCENT = 0.01


def summary_query(*metrics: str, signs: tuple[int, ...] = ()) -> Query:
    """A Summary figure, or a signed sum of several: budget − spend_capex − spend_stockpile."""
    weights = signs or (1,) * len(metrics)
    return {"s": names.SUMMARY, "m": dict(zip(metrics, weights, strict=True))}


def cell_query(sheet: str, column: str, aggregate: Aggregate = "one", /, **where: object) -> Query:
    """One column of the rows of `sheet` that match `where` (column = value), aggregated."""
    return {"s": sheet, "c": column, "w": where, "a": aggregate}


def evaluate(results: Results, query: Query) -> float | None:
    """The value of `query` on `results`; None when it matches no number."""
    if query["s"] == names.SUMMARY:
        total = 0.0
        for metric, sign in query["m"].items():
            value = results.number(metric)
            if value is None:
                return None
            total += sign * value
        return total
    table = results.sheet(query["s"])
    if table is None or query["c"] not in table.columns:
        return None
    where = {column: wanted for column, wanted in query["w"].items() if column != ROW}
    if any(column not in table.columns for column in where):
        return None
    if ROW in query["w"]:
        position = int(query["w"][ROW])
        rows = table.iloc[[position]] if 0 <= position < len(table) else table.iloc[:0]
    elif where:
        positions = _groups(results, query["s"], tuple(where)).get(
            tuple(_key(value) for value in where.values())
        )
        rows = table.iloc[positions] if positions is not None else table.iloc[:0]
    else:
        rows = table
    values = pd.to_numeric(pd.Series(rows[query["c"]]), errors="coerce").dropna()
    if values.empty:
        return None
    aggregate = query["a"]
    if aggregate == "one":
        return float(values.iloc[0]) if len(values) == 1 else None
    return float({"sum": values.sum, "min": values.min, "max": values.max}[aggregate]())


def _key(value: object) -> object:
    """Numbers compare as floats (a year 2027 matches 2027.0), everything else as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return float(value)


def _groups(results: Results, sheet: str, columns: tuple[str, ...]) -> dict[tuple, Any]:
    """{key values: row positions} of `sheet` by `columns`, built once per sheet and columns so
    that a page of hundreds of numbers reads a long sheet a few times, not once per number."""
    cache_key = (sheet, columns)
    if cache_key not in results.groups:
        table = results.sheets[sheet]
        keys = [table[column].map(_key) for column in columns]
        results.groups[cache_key] = {
            (group if isinstance(group, tuple) else (group,)): positions
            for group, positions in table.groupby(keys, sort=False, dropna=False).indices.items()
        }
    return results.groups[cache_key]


def decimals_for(value: float, scale: float) -> int:
    """Enough decimals to show 3-4 significant digits of value/scale, at most 2."""
    size = abs(value / scale)
    return 0 if size >= 100 or size == 0 else 1 if size >= 10 else 2


def number(results: Results, query: Query, scale: float = 1.0, decimals: int | None = None) -> str:
    """The span that prints `query` in units of `scale` ("–" when blank)."""
    value = evaluate(results, query)
    if value is None:
        return '<span class="blank">–</span>'
    places = decimals_for(value, scale) if decimals is None else decimals
    text = f"{value / scale:,.{places}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # no "-0.0"
    attributes = f"data-q='{escape(json.dumps(query), quote=True)}' data-scale=\"{scale:g}\""
    return f'<span class="n" {attributes}>{text}</span>'


def money(results: Results, query: Query) -> str:
    """USD in billions from one billion up, else in millions, with the unit."""
    value = evaluate(results, query)
    if value is not None and abs(value) >= BILLION:
        return f"{number(results, query, BILLION, 2)} USD billion"
    return f"{number(results, query, MILLION, 1)} USD million"


def year(results: Results, query: Query) -> str:
    """A year (no thousands separator)."""
    value = evaluate(results, query)
    if value is None:
        return '<span class="blank">–</span>'
    attributes = f"data-q='{escape(json.dumps(query), quote=True)}' data-scale=\"1\""
    return f'<span class="n y" {attributes}>{int(value)}</span>'


def optional_number(value: object) -> float | None:
    """A cell value as a number, None when blank."""
    return as_number(value)
