"""The Overview sheet: the plan on one screen, the first sheet of the results workbook.

Blocks from the top: the headline (status, expected cost, gap), spending against the budget (and
each member's budget when the results have them), builds, CfD contracts taken, stock bought and
held by mineral and member, and the expected cost split; two native Excel charts to the right
(stock held over time by mineral, the cost split) read their values from the blocks. Money is in
USD million (the unit is in every header); tonnes are tonnes. Every figure is one the other
sheets hold, or a sum of them. Written with openpyxl's write-only mode like the rest of the
workbook, so rows are appended top to bottom and the charts refer to rows already written.
"""

from __future__ import annotations

from collections.abc import Sequence

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.costs import COMPONENT_TITLES
from planner.report import names
from planner.report.results import Results, as_number
from planner.results.layout import Column

MILLION = 1e6
USD_MILLION = "#,##0.0"
TONNES = "#,##0"
PERCENT = "0.00%"
YEAR = "0"
WIDTHS = (34, 18, 20, 12, 12, 18, 18, 20)
CHART_COLUMN = "J"


class _Sheet:
    """Rows appended to a write-only worksheet, with the number of the next row."""

    def __init__(self, book: openpyxl.Workbook) -> None:
        self.worksheet = book.create_sheet(names.OVERVIEW)
        for index, width in enumerate(WIDTHS, start=1):
            self.worksheet.column_dimensions[get_column_letter(index)].width = width
        self.next_row = 1

    def row(self, *values: object, bold: bool = False, formats: Sequence[str] = ()) -> int:
        """Append one row; numbers get `formats` (by position). Returns its row number."""
        cells = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(self.worksheet, value=_plain(value))
            if bold:
                cell.font = Font(bold=True)
            if index < len(formats) and formats[index] and isinstance(cell.value, int | float):
                cell.number_format = formats[index]
            cells.append(cell)
        self.worksheet.append(cells)
        self.next_row += 1
        return self.next_row - 1

    def title(self, text: str) -> None:
        self.row()
        cell = WriteOnlyCell(self.worksheet, value=text)
        cell.font = Font(bold=True, size=12, color="0072B2")
        self.worksheet.append([cell])
        self.next_row += 1


def _plain(value: object) -> object:
    """Numbers as float (NaN as blank), everything else as text."""
    if value is None:
        return None
    number = as_number(value.item() if hasattr(value, "item") else value)
    if number is not None:
        return number
    if isinstance(value, float):
        return None  # NaN
    return str(value)


def write_overview(book: openpyxl.Workbook, results: Results) -> None:
    """Add the Overview sheet to `book` (call before any other sheet so that it comes first)."""
    sheet = _Sheet(book)
    sheet.row("Overview of the plan", _case_name(results), bold=True)
    sheet.row("status", results.text(names.STATUS))
    if results.text(names.MESSAGE):
        sheet.row("solver message", results.text(names.MESSAGE))
    if not results.has_plan:
        _diagnosis(sheet, results)
        return
    _headline(sheet, results)
    _builds(sheet, results)
    _contracts(sheet, results)
    _stock(sheet, results)
    split_rows = _cost_split(sheet, results)
    stock_rows = _stock_over_time(sheet, results)
    _charts(sheet, split_rows, stock_rows)


def _case_name(results: Results) -> str:
    return results.text(names.INPUT).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _million(value: float | None) -> float | None:
    return None if value is None else value / MILLION


def _headline(sheet: _Sheet, results: Results) -> None:
    sheet.row(
        "expected cost (USD million)",
        _million(results.number(names.EXPECTED_COST)),
        formats=("", USD_MILLION),
    )
    sheet.row("optimality gap", results.number(names.MIP_GAP), formats=("", PERCENT))
    sheet.title("Spending against the budget (USD million, undiscounted)")
    capex = results.number(names.SPEND_CAPEX) or 0.0
    stockpile = results.number(names.SPEND_STOCKPILE) or 0.0
    budget = results.number(names.BUDGET)
    sheet.row("who", "spent (USD million)", "budget (USD million)", "left (USD million)", bold=True)
    money = ("", USD_MILLION, USD_MILLION, USD_MILLION)
    sheet.row("refineries (capex)", _million(capex), formats=money)
    sheet.row("stockpile purchases", _million(stockpile), formats=money)
    left = None if budget is None else budget - capex - stockpile
    sheet.row(
        "alliance total",
        _million(capex + stockpile),
        _million(budget),
        _million(left),
        formats=money,
    )
    if results.has(names.SPENDING, names.COUNTRY, names.BUDGET):
        table = results.sheets[names.SPENDING]
        spent_columns = (
            [names.SPENT]
            if names.SPENT in table.columns
            else [column for column in table.columns if column.startswith("spend")]
        )
        for _, member in table.iterrows():
            spent = sum(as_number(member[column]) or 0.0 for column in spent_columns)
            member_budget = as_number(member[names.BUDGET])
            sheet.row(
                str(member[names.COUNTRY]),
                _million(spent),
                _million(member_budget),
                None if member_budget is None else _million(member_budget - spent),
                formats=money,
            )


def _builds(sheet: _Sheet, results: Results) -> None:
    if not results.has(names.SITES, names.SITE, names.BUILT):
        return
    sites = results.sheets[names.SITES]
    built = sites[sites[names.BUILT].astype(str) == "yes"]
    sheet.title("Refinery builds")
    if built.empty:
        sheet.row("no new capacity is built")
        return
    sheet.row(
        "site",
        "member",
        "mineral",
        "decided",
        "online",
        "new capacity (t/yr)",
        "capex (USD million)",
        bold=True,
    )
    for _, site in built.iterrows():
        sheet.row(
            site[names.SITE],
            site[names.COUNTRY],
            site[names.MINERAL],
            site[names.BUILD_YEAR],
            site[names.ONLINE_YEAR],
            site[names.NEW_CAPACITY],
            _million(as_number(site[names.CAPEX])),
            formats=("", "", "", YEAR, YEAR, TONNES, USD_MILLION),
        )


def _contracts(sheet: _Sheet, results: Results) -> None:
    if not results.has(names.CFD, names.OFFER, names.ACCEPTED):
        return
    offers = results.sheets[names.CFD]
    taken = offers[offers[names.ACCEPTED].astype(str) == "yes"]
    sheet.title("CfD contracts taken")
    if taken.empty:
        sheet.row("no CfD offer is taken")
        return
    sheet.row(
        "offer",
        "mineral",
        "member",
        "strike (USD/t)",
        "volume (t/yr)",
        "from",
        "to",
        "expected payment (USD million)",
        bold=True,
    )
    for _, offer in taken.iterrows():
        sheet.row(
            offer[names.OFFER],
            offer[names.MINERAL],
            offer[names.COUNTRY],
            offer[names.STRIKE],
            offer[names.VOLUME],
            offer[names.OFFER_START],
            offer[names.OFFER_END],
            _million(as_number(offer[names.EXPECTED_PAYMENT])),
            formats=("", "", "", TONNES, TONNES, YEAR, YEAR, USD_MILLION),
        )


def _numeric(table: pd.DataFrame, column: str) -> pd.Series:
    if column not in table.columns:
        return pd.Series(0.0, index=table.index)
    return pd.to_numeric(table[column], errors="coerce").fillna(0.0)


def stock_by_mineral(results: Results) -> pd.DataFrame:
    """One row per mineral with stock: tonnes bought per member (one column each), then
    `bought` (t), `bought_usd` (USD, undiscounted) and `held_peak` (the most the alliance holds
    at the end of a year, expected, t)."""
    table = results.sheets[names.STOCKPILE]
    bought = _numeric(table, names.PURCHASE)
    by_member = bought.groupby([table[names.MINERAL], table[names.COUNTRY]], sort=False).sum()
    members = by_member.unstack(fill_value=0)
    members = members.loc[:, (members > 0).any()]
    held = _numeric(table, names.EXPECTED_INVENTORY)
    peak = held.groupby([table[names.MINERAL], table[names.YEAR]], sort=False).sum()
    summary = pd.DataFrame(
        {
            "bought": bought.groupby(table[names.MINERAL], sort=False).sum(),
            "bought_usd": _numeric(table, names.PURCHASE_COST)
            .groupby(table[names.MINERAL], sort=False)
            .sum(),
            "held_peak": peak.groupby(level=0, sort=False).max(),
        }
    )
    result = members.join(summary)
    return result[(result["bought"] > 0) | (result["held_peak"] > 0)]


def spending_by_member(results: Results) -> pd.Series:
    """USD of stock bought per member (undiscounted), members that buy any."""
    table = results.sheets[names.STOCKPILE]
    spent = _numeric(table, names.PURCHASE_COST).groupby(table[names.COUNTRY], sort=False).sum()
    return spent[spent > 0]


def _stock(sheet: _Sheet, results: Results) -> None:
    if not results.has(
        names.STOCKPILE,
        names.MINERAL,
        names.COUNTRY,
        names.YEAR,
        names.PURCHASE,
        names.EXPECTED_INVENTORY,
    ):
        return
    sheet.title("Stock bought over the horizon by mineral and member (t), and held")
    minerals = stock_by_mineral(results)
    if minerals.empty:
        sheet.row("no stock is bought or held")
        return
    members = [
        column for column in minerals.columns if column not in ("bought", "bought_usd", "held_peak")
    ]
    sheet.row(
        "mineral",
        *(f"{member} (t)" for member in members),
        "all members (t)",
        "all members (USD million)",
        "most held in a year, expected (t)",
        bold=True,
    )
    formats = ("", *(TONNES,) * (len(members) + 1), USD_MILLION, TONNES)
    for mineral, row in minerals.iterrows():
        sheet.row(
            mineral,
            *(row[member] for member in members),
            row["bought"],
            _million(row["bought_usd"]),
            row["held_peak"],
            formats=formats,
        )
    sheet.row()
    sheet.row("member", "stock bought (USD million)", bold=True)
    for member, usd in spending_by_member(results).items():
        sheet.row(member, _million(usd), formats=("", USD_MILLION))


def _cost_split(sheet: _Sheet, results: Results) -> tuple[int, int] | None:
    """The expected cost split block; returns its first and last data rows for the chart."""
    split = [(metric, results.number(metric)) for metric in names.COST_METRICS]
    split = [(metric, value) for metric, value in split if value is not None]
    if not split:
        return None
    sheet.title("Expected cost split (USD million, discounted)")
    sheet.row("component", "expected cost (USD million)", bold=True)
    rows = [
        sheet.row(
            COMPONENT_TITLES.get(metric[5:], metric[5:]), _million(value), formats=("", USD_MILLION)
        )
        for metric, value in split
    ]
    sheet.row(
        "total (expected cost)",
        _million(results.number(names.EXPECTED_COST)),
        bold=True,
        formats=("", USD_MILLION),
    )
    return rows[0], rows[-1]


def _stock_over_time(sheet: _Sheet, results: Results) -> tuple[int, int, int] | None:
    """Expected stock held by mineral and year (summed over members): year down, minerals
    across. Returns (header row, last row, columns) for the chart; zeros are left blank so
    that the chart's logarithmic axis skips them."""
    if not results.has(names.STOCKPILE, names.MINERAL, names.YEAR, names.EXPECTED_INVENTORY):
        return None
    table = results.sheets[names.STOCKPILE]
    held = pd.to_numeric(table[names.EXPECTED_INVENTORY], errors="coerce").fillna(0.0)
    by_year = held.groupby([table[names.YEAR], table[names.MINERAL]], sort=False).sum().unstack()
    by_year = by_year.loc[:, (by_year > 0).any()]
    if by_year.empty:
        return None
    sheet.title("Stock held at the end of each year, expected, all members (t)")
    header = sheet.row("year", *by_year.columns, bold=True)
    last = header
    for year, values in by_year.iterrows():
        last = sheet.row(
            year,
            *(value if value > 0 else None for value in values),
            formats=(YEAR, *(TONNES,) * len(values)),
        )
    return header, last, len(by_year.columns)


def _charts(
    sheet: _Sheet, split: tuple[int, int] | None, stock: tuple[int, int, int] | None
) -> None:
    worksheet = sheet.worksheet
    if stock is not None:
        header, last, count = stock
        chart = LineChart()
        chart.title = "Stock held by mineral, expected (t, log scale)"
        chart.y_axis.title = "t"
        chart.y_axis.scaling.logBase = 10
        chart.x_axis.title = "year"
        chart.height, chart.width = 9, 18
        data = Reference(worksheet, min_col=2, max_col=1 + count, min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(worksheet, min_col=1, min_row=header + 1, max_row=last))
        worksheet.add_chart(chart, f"{CHART_COLUMN}2")
    if split is not None:
        first, last = split
        bars = BarChart()
        bars.type = "bar"
        bars.title = "Expected cost split (USD million)"
        bars.legend = None
        bars.height, bars.width = 9, 18
        bars.add_data(Reference(worksheet, min_col=2, min_row=first, max_row=last))
        bars.set_categories(Reference(worksheet, min_col=1, min_row=first, max_row=last))
        worksheet.add_chart(bars, f"{CHART_COLUMN}22")


def _diagnosis(sheet: _Sheet, results: Results) -> None:
    table = results.sheet(names.DIAGNOSIS)
    sheet.title("Why there is no plan (see the Diagnosis sheet)")
    if table is None or table.empty:
        sheet.row("the results hold no diagnosis")
        return
    sheet.row(*table.columns, bold=True)
    by_column = {"year": YEAR, "shortfall": "#,##0.00"}
    formats = tuple(by_column.get(str(column), "") for column in table.columns)
    for _, row in table.iterrows():
        sheet.row(*row.tolist(), formats=formats)


# Every sheet's header: widths that fit identifiers, units on the header cells --------------------

MAX_WIDTH = 60


def fitted_widths(columns: Sequence[Column], table: pd.DataFrame) -> list[int]:
    """Per column, a width that shows its header and its longest identifier (text columns).

    Numbers keep the layout's width (their format fixes it); text columns grow to their longest
    distinct value, up to MAX_WIDTH characters, so that site and scenario names are not cut.
    """
    widths = []
    for column in columns:
        width = column.display_width
        if column.is_text and column.name in table.columns and not table.empty:
            values = table[column.name].dropna().drop_duplicates().astype(str)
            if not values.empty:
                width = max(width, min(int(values.str.len().max()) + 2, MAX_WIDTH))
        widths.append(width)
    return widths


def header_note(column: Column) -> Comment | None:
    """A note on a header cell with the column's unit and meaning (shown on hover): the header
    text says the unit, the note what the column holds."""
    if not column.unit and not column.meaning:
        return None
    unit = f"unit: {column.unit}\n" if column.unit and column.unit != "see unit" else ""
    note = Comment(f"{unit}{column.meaning}", "planner")
    note.width, note.height = 260, 110
    return note
