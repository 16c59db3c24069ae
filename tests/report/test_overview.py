"""The Overview sheet: first, the plan's figures in USD million, two native charts; the checker
still reads the workbook; every table header carries its unit and fits its identifiers."""

from __future__ import annotations

import openpyxl
import pytest

from planner.results import layout
from planner.results.check import check_results


def overview_rows(path) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    rows = [[c for c in row] for row in book["Overview"].iter_rows(values_only=True)]
    return rows


def block(rows: list[list[object]], title: str) -> list[list[object]]:
    """The rows below the header of block `title`, up to the next blank row."""
    start = next(i for i, row in enumerate(rows) if row[0] == title) + 2
    end = next((i for i in range(start, len(rows)) if rows[i][0] is None), len(rows))
    return rows[start:end]


def summary(path) -> dict[str, object]:
    book = openpyxl.load_workbook(path, read_only=True)
    figures = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    book.close()
    return figures


def test_overview_is_first_and_shows_the_plan_in_usd_million(example_results):
    """Expected cost, spending, builds, contracts and stock match the other sheets."""
    _, path = example_results
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Overview"
    figures = summary(path)
    rows = overview_rows(path)
    by_label = {row[0]: row for row in rows if row[0]}
    assert by_label["expected cost (USD million)"][1] == pytest.approx(
        figures["expected_cost"] / 1e6
    )
    spend = figures["spend_capex"] + figures["spend_stockpile"]
    assert by_label["alliance total"][1:4] == pytest.approx(
        [spend / 1e6, figures["budget"] / 1e6, (figures["budget"] - spend) / 1e6]
    )
    sites = [r for r in book["Sites"].iter_rows(min_row=2, values_only=True) if r[3] == "yes"]
    builds = block(rows, "Refinery builds")
    assert [(r[0], r[3], r[5], r[6]) for r in builds] == [
        (s[0], s[4], s[5], pytest.approx(s[7] / 1e6)) for s in sites
    ]
    offers = [r for r in book["CfD"].iter_rows(min_row=2, values_only=True) if r[9] == "yes"]
    contracts = block(rows, "CfD contracts taken")
    assert [(r[0], r[3], r[7]) for r in contracts] == [
        (o[0], o[5], pytest.approx(o[10] / 1e6)) for o in offers
    ]
    stock = block(rows, "Stock bought over the horizon by mineral and member (t), and held")
    bought: dict[str, float] = {}
    for row in book["Stockpile"].iter_rows(min_row=2, values_only=True):
        bought[row[1]] = bought.get(row[1], 0.0) + row[3]
    header = rows[rows.index(stock[0]) - 1]
    total = header.index("all members (t)")
    assert {r[0]: r[total] for r in stock} == {
        m: pytest.approx(t) for m, t in bought.items() if t > 0
    }
    split = block(rows, "Expected cost split (USD million, discounted)")
    assert sum(r[1] for r in split[:-1]) == pytest.approx(figures["expected_cost"] / 1e6)


def test_overview_charts_read_back(example_results):
    """A line chart of stock over time (log scale) and a bar chart of the cost split, both
    reading from the Overview sheet itself."""
    _, path = example_results
    charts = openpyxl.load_workbook(path)["Overview"]._charts
    assert [type(chart).__name__ for chart in charts] == ["LineChart", "BarChart"]
    line, bars = charts
    assert line.y_axis.scaling.logBase == 10
    assert len(line.series) >= 1 and len(bars.series) == 1
    for chart in charts:
        for series in chart.series:
            assert series.val.numRef.f.startswith("'Overview'!")


def test_check_results_still_passes_with_the_overview(example_results):
    case, path = example_results
    assert check_results(case, path) == []


def test_headers_have_units_notes_and_widths_that_fit_identifiers(example_results):
    _, path = example_results
    book = openpyxl.load_workbook(path)
    purchase = book["Stockpile"].cell(1, 4)
    assert purchase.value == "purchase (t)" and purchase.comment.text.startswith("unit: t\n")
    sites = book["Sites"]
    longest = max(len(str(r[0])) for r in sites.iter_rows(min_row=2, values_only=True))
    assert sites.column_dimensions["A"].width >= longest
    for sheet in layout.SHEETS[1:]:
        worksheet = book[sheet.name]
        for index, column in enumerate(sheet.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            width = worksheet.column_dimensions[letter].width
            assert width >= len(column.header) + 2, column.header


def test_an_infeasible_overview_shows_the_diagnosis(infeasible_results):
    rows = overview_rows(infeasible_results)
    assert rows[1][:2] == ["status", "infeasible"]
    diagnosis = block(rows, "Why there is no plan (see the Diagnosis sheet)")
    title = next(
        i
        for i, row in enumerate(rows)
        if row[0] == "Why there is no plan (see the Diagnosis sheet)"
    )
    shortfall = rows[title + 1].index("shortfall")
    assert [(r[0], r[shortfall]) for r in diagnosis] == [("coverage", 12.5), ("budget", 3e8)]
    assert openpyxl.load_workbook(infeasible_results)["Overview"]._charts == []
