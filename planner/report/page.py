"""The report page: one self-contained HTML document built from a `Results`.

Sections in reading order: headline, builds, CfD offers, stock, coverage, costs, value and risk
(when the workbook has them), inputs. An infeasible result shows its diagnosis instead of the
plan sections. Each section is a function returning HTML; a section whose sheet is absent
returns "" and is not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pandas as pd

from planner.costs import COMPONENT_TITLES
from planner.report import names
from planner.report.numbers import (
    MILLION,
    PERCENT,
    ROW,
    cell_query,
    evaluate,
    money,
    number,
    summary_query,
    year,
)
from planner.report.results import Results
from planner.report.style import CSS
from planner.report.svg import PALETTE, Build, Series, bar_chart, line_chart, timeline


def render(results: Results) -> str:
    """The whole page as one string."""
    sections: list[Callable[[Results], str]] = [headline]
    if results.has_plan:
        sections += [builds, offers, stock, coverage, costs, extra_tables]
    else:
        sections += [diagnosis]
    sections.append(inputs)
    body = "".join(section(results) for section in sections)
    title = f"Critical-mineral plan: {escape(_case_name(results))}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body><main>"
        f"<h1>{title}</h1>{body}</main></body></html>\n"
    )


def _case_name(results: Results) -> str:
    source = results.text(names.INPUT)
    return source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or "results"


def _section(key: str, title: str, caption: str, content: str) -> str:
    return (
        f'<section id="{key}"><h2>{escape(title)}</h2>'
        f'<p class="caption">{caption}</p>{content}</section>'
    )


def _table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """A table; `numeric` holds the indexes of right-aligned columns. Cells are HTML already."""
    numeric = numeric or set()
    head = "".join(
        f"<th{' class=r' if i in numeric else ''}>{escape(name)}</th>"
        for i, name in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=r' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# Headline -------------------------------------------------------------------------------------

STATUS_WORDS = {
    "optimal": "Optimal plan found",
    "time_limit_feasible": "Plan found within the time limit (not proven optimal)",
    "infeasible": "No plan meets every requirement (infeasible)",
    "time_limit_no_solution": "No plan found within the time limit",
    "solver_error": "The solver failed",
}


def headline(results: Results) -> str:
    """Status, expected cost, gap and first-stage spending against the budget(s)."""
    status = results.text(names.STATUS)
    items = [f"<dt>Status</dt><dd>{escape(STATUS_WORDS.get(status, status))}</dd>"]
    if results.has_plan:
        items.append(
            "<dt>Expected cost</dt><dd>"
            f"{money(results, summary_query(names.EXPECTED_COST))} "
            "(discounted, probability-weighted over the scenarios)</dd>"
        )
        if results.number(names.CVAR) is not None:
            items.append(
                f"<dt>CVaR of cost</dt><dd>{money(results, summary_query(names.CVAR))}</dd>"
            )
        items.append(
            "<dt>Optimality gap</dt><dd>"
            f"{number(results, summary_query(names.MIP_GAP), PERCENT, 2)} %</dd>"
        )
        items.append(_spending(results))
    message = results.text(names.MESSAGE)
    if message:
        items.append(f"<dt>Solver</dt><dd>{escape(message)}</dd>")
    content = f'<dl class="headline">{"".join(items)}</dl>' + _member_budgets(results)
    return _section(
        "headline",
        "Headline",
        "What the plan costs and what it spends now. Spending is first-stage (undiscounted, at "
        "base prices): what the budget caps.",
        content,
    )


def _spending(results: Results) -> str:
    spend = summary_query(names.SPEND_CAPEX, names.SPEND_STOCKPILE)
    text = (
        f"{money(results, spend)} (refineries {money(results, summary_query(names.SPEND_CAPEX))},"
        f" stockpiles {money(results, summary_query(names.SPEND_STOCKPILE))})"
    )
    if results.number(names.BUDGET) is not None:
        left = summary_query(
            names.BUDGET, names.SPEND_CAPEX, names.SPEND_STOCKPILE, signs=(1, -1, -1)
        )
        text += (
            f" of a budget of {money(results, summary_query(names.BUDGET))}; "
            f"{money(results, left)} left"
        )
    return f"<dt>Spending</dt><dd>{text}</dd>"


def _member_budgets(results: Results) -> str:
    """Each member's spending against its own budget (revision 3), when the workbook has it."""
    if not results.has(names.SPENDING, names.COUNTRY, names.BUDGET):
        return ""
    table = results.sheets[names.SPENDING]
    spent_columns = (
        [names.SPENT]
        if names.SPENT in table.columns
        else [column for column in table.columns if column.startswith("spend")]
    )
    rows = []
    for country in table[names.COUNTRY].astype(str):
        spent = " + ".join(
            money(results, cell_query(names.SPENDING, column, "sum", country=country))
            for column in spent_columns
        )
        budget = money(results, cell_query(names.SPENDING, names.BUDGET, "one", country=country))
        rows.append([escape(country), spent or "–", budget])
    return "<h3>Spending by member</h3>" + _table(["member", "spent", "budget"], rows, {1, 2})


# Builds ---------------------------------------------------------------------------------------


def builds(results: Results) -> str:
    """What to build, where and when: a timeline and a table."""
    if not results.has(names.SITES, names.SITE, names.BUILT):
        return ""
    sites = results.sheets[names.SITES]
    built = sites[sites[names.BUILT].astype(str) == "yes"]
    first = int(results.number(names.START_YEAR) or 0)
    last = int(results.number(names.END_YEAR) or 0)
    if built.empty:
        content = "<p>The plan builds no new refinery capacity.</p>"
    else:
        bars = [
            Build(
                f"{row[names.SITE]} ({row[names.COUNTRY]})",
                int(row[names.BUILD_YEAR]),
                int(row[names.ONLINE_YEAR]),
            )
            for _, row in built.iterrows()
        ]
        chart = timeline(bars, first, last, "Builds: decided (light) and producing (dark)")
        content = f"<figure>{chart}</figure>{_build_table(results, built)}"
    return _section(
        "builds",
        "What to build, where and when",
        "New refinery capacity the plan decides on. A build is paid in the year it is decided "
        "and produces from the year it comes online.",
        content,
    )


def _build_table(results: Results, built: pd.DataFrame) -> str:
    rows = []
    for site in built[names.SITE].astype(str):
        rows.append(
            [
                escape(site),
                escape(str(built.loc[built[names.SITE] == site, names.COUNTRY].iloc[0])),
                escape(str(built.loc[built[names.SITE] == site, names.MINERAL].iloc[0])),
                year(results, cell_query(names.SITES, names.BUILD_YEAR, site=site)),
                year(results, cell_query(names.SITES, names.ONLINE_YEAR, site=site)),
                number(results, cell_query(names.SITES, names.NEW_CAPACITY, site=site), 1, 0),
                number(results, cell_query(names.SITES, names.CAPEX, site=site), MILLION, 1),
            ]
        )
    return _table(
        [
            "site",
            "member",
            "mineral",
            "decided",
            "online",
            "new capacity (t/yr)",
            "capex (USD million)",
        ],
        rows,
        {3, 4, 5, 6},
    )


# CfD ------------------------------------------------------------------------------------------


def offers(results: Results) -> str:
    """The CfD offers taken, with strike and expected government payment."""
    if not results.has(names.CFD, names.OFFER, names.ACCEPTED):
        return ""
    table = results.sheets[names.CFD]
    taken = table[table[names.ACCEPTED].astype(str) == "yes"]
    if taken.empty:
        content = "<p>The plan takes none of the CfD offers.</p>"
    else:
        rows = []
        for _, row in taken.iterrows():
            offer = str(row[names.OFFER])

            def cell(column: str, scale: float = 1.0, places: int = 0, offer: str = offer) -> str:
                return number(results, cell_query(names.CFD, column, offer=offer), scale, places)

            rows.append(
                [
                    escape(offer),
                    escape(str(row[names.MINERAL])),
                    escape(str(row[names.COUNTRY])),
                    escape(str(row.get(names.KIND, "")).replace("_", "-")),
                    cell(names.STRIKE),
                    cell(names.VOLUME),
                    f"{year(results, cell_query(names.CFD, names.OFFER_START, offer=offer))}–"
                    f"{year(results, cell_query(names.CFD, names.OFFER_END, offer=offer))}",
                    cell(names.EXPECTED_PAYMENT, MILLION, 1),
                ]
            )
        content = _table(
            [
                "offer",
                "mineral",
                "member",
                "kind",
                "strike (USD/t)",
                "volume (t/yr)",
                "years",
                "expected government payment (USD million)",
            ],
            rows,
            {4, 5, 6, 7},
        )
    return _section(
        "cfd",
        "Contracts for difference taken",
        "Offers the government accepts. The expected payment is discounted and weighted by "
        "scenario probability; negative means the government receives money.",
        content,
    )


# Stock ----------------------------------------------------------------------------------------


def stock(results: Results) -> str:
    """Stock by mineral over the years: one line per scenario, or the expected/min/max band."""
    if results.has(names.BALANCE, names.SCENARIO, names.MINERAL, names.YEAR, names.INVENTORY):
        charts, caption = (
            _stock_by_scenario(results),
            (
                "Stock held by the alliance at the end of each year, summed over members, one line "
                "per scenario"
            ),
        )
    elif results.has(names.STOCKPILE, names.MINERAL, names.YEAR, names.EXPECTED_INVENTORY):
        charts, caption = (
            _stock_band(results),
            (
                "Stock held by the alliance at the end of each year, summed over members: expected "
                "(solid), lowest and highest over the scenarios (thin)"
            ),
        )
    else:
        return ""
    obligation = results.has(names.STOCKPILE, names.OBLIGATION)
    caption += ("; dashed: the stock members are obliged to hold" if obligation else "") + "."
    return _section(
        "stock",
        "Stock by mineral",
        escape(caption) + " " + _legend(results),
        f'<div class="grid">{charts}</div>' + _purchase_table(results),
    )


def _scenarios(results: Results) -> list[str]:
    if results.has(names.SCENARIO_COSTS, names.SCENARIO):
        return [str(s) for s in results.sheets[names.SCENARIO_COSTS][names.SCENARIO]]
    if results.has(names.BALANCE, names.SCENARIO):
        return list(dict.fromkeys(results.sheets[names.BALANCE][names.SCENARIO].astype(str)))
    return []


def _legend(results: Results) -> str:
    if not results.has(names.BALANCE, names.INVENTORY):
        return ""
    keys = "".join(
        f'<span class="key"><i style="background:{PALETTE[i % len(PALETTE)]}"></i>'
        f"{escape(scenario)}</span>"
        for i, scenario in enumerate(_scenarios(results))
    )
    return f'<span class="legend">{keys}</span>'


def _minerals(table: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(table[names.MINERAL].astype(str)))


def _stock_by_scenario(results: Results) -> str:
    balance = results.sheets[names.BALANCE]
    totals = balance.groupby([names.MINERAL, names.SCENARIO, names.YEAR], sort=False)[
        names.INVENTORY
    ].sum()
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(_scenarios(results))}
    charts = []
    for mineral in _minerals(balance):
        by_scenario = totals.loc[mineral]
        lines = [
            Series(
                str(scenario),
                _points(by_scenario.loc[scenario]),
                colours.get(scenario, "#000"),
            )
            for scenario in dict.fromkeys(by_scenario.index.get_level_values(0))
        ]
        lines += _obligation_line(results, mineral)
        charts.append(f"<figure>{line_chart(lines, mineral, 't')}</figure>")
    return "".join(charts)


def _points(series: pd.Series) -> list[tuple[float, float]]:
    """(year, value) pairs of a series indexed by year."""
    return list(
        zip(series.index.astype(float).tolist(), series.astype(float).tolist(), strict=True)
    )


def _obligation_line(results: Results, mineral: str) -> list[Series]:
    if not results.has(names.STOCKPILE, names.OBLIGATION):
        return []
    table = results.sheets[names.STOCKPILE]
    rows = table[table[names.MINERAL].astype(str) == mineral]
    series = pd.to_numeric(rows[names.OBLIGATION], errors="coerce").groupby(rows[names.YEAR]).sum()
    if not (series > 0).any():
        return []
    return [Series("obligation", _points(series), "#000", dashed=True)]


def _stock_band(results: Results) -> str:
    table = results.sheets[names.STOCKPILE]
    charts = []
    for mineral in _minerals(table):
        rows = table[table[names.MINERAL].astype(str) == mineral]
        lines = []
        for column, label in (
            (names.EXPECTED_INVENTORY, "expected"),
            (names.MIN_INVENTORY, "lowest"),
            (names.MAX_INVENTORY, "highest"),
        ):
            if column in rows.columns:
                sums = pd.to_numeric(rows[column], errors="coerce").groupby(rows[names.YEAR]).sum()
                lines.append(
                    Series(label, _points(sums), PALETTE[0] if label == "expected" else "#9ab")
                )
        lines += _obligation_line(results, mineral)
        charts.append(f"<figure>{line_chart(lines, mineral, 't')}</figure>")
    return "".join(charts)


def _purchase_table(results: Results) -> str:
    """Stock bought over the horizon by mineral (tonnes and USD), members with purchases."""
    if not results.has(names.STOCKPILE, names.MINERAL, names.COUNTRY, names.PURCHASE):
        return ""
    table = results.sheets[names.STOCKPILE]
    has_cost = names.PURCHASE_COST in table.columns
    rows = []
    for mineral in _minerals(table):
        query = cell_query(names.STOCKPILE, names.PURCHASE, "sum", mineral=mineral)
        if not evaluate(results, query):
            continue
        rows.append(
            [
                escape(mineral),
                number(results, query, 1, 0),
                number(
                    results,
                    cell_query(names.STOCKPILE, names.PURCHASE_COST, "sum", mineral=mineral),
                    MILLION,
                    1,
                )
                if has_cost
                else "–",
                _members(results, table, mineral),
            ]
        )
    if not rows:
        return "<p>The plan buys no stock.</p>"
    return "<h3>Stock bought over the horizon</h3>" + _table(
        ["mineral", "bought (t)", "cost (USD million, undiscounted)", "by member (t)"],
        rows,
        {1, 2},
    )


def _members(results: Results, table: pd.DataFrame, mineral: str) -> str:
    parts = []
    rows = table[table[names.MINERAL].astype(str) == mineral]
    for country in dict.fromkeys(rows[names.COUNTRY].astype(str)):
        query = cell_query(names.STOCKPILE, names.PURCHASE, "sum", mineral=mineral, country=country)
        if evaluate(results, query):
            parts.append(f"{escape(country)} {number(results, query, 1, 0)}")
    return ", ".join(parts)


# Coverage -------------------------------------------------------------------------------------


def coverage(results: Results) -> str:
    """A heat map of the worst coverage of any member and year, by mineral and scenario."""
    if not results.has(names.BALANCE, names.SCENARIO, names.MINERAL, names.COVERAGE):
        return ""
    balance = results.sheets[names.BALANCE]
    scenarios = _scenarios(results)
    rows = []
    for mineral in _minerals(balance):
        cells = [f"<th>{escape(mineral)}</th>"]
        for scenario in scenarios:
            query = cell_query(
                names.BALANCE, names.COVERAGE, "min", scenario=scenario, mineral=mineral
            )
            value = evaluate(results, query)
            shade = _shade(value)
            cells.append(
                f'<td class="r heat" style="background:{shade}">'
                f"{number(results, query, PERCENT, 0)} %{_where_worst(balance, scenario, mineral)}"
                "</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th class=r>{escape(s)}</th>" for s in scenarios)
    content = (
        f'<table class="heatmap"><thead><tr><th>mineral</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _section(
        "coverage",
        "Coverage by mineral and scenario",
        "The share of demand met in the worst year for the worst-off member: 100 % means every "
        "member's demand is met in every year of that scenario. Darker red is worse; the member "
        "and year of the worst case are named below each figure.",
        content,
    )


# Coverage that prints as 100 % counts as met (the heat map's colour agrees with its figure).
MET = 0.995


def _shade(value: float | None) -> str:
    if value is None:
        return "#fff"
    if value >= MET:
        return "#e6f4ea"
    bad = max(0.0, min(1.0, (1.0 - value) / 0.5))  # 50 % coverage or less: darkest
    green = int(240 - 140 * bad)
    return f"rgb(250,{green},{green})"


def _where_worst(balance: pd.DataFrame, scenario: str, mineral: str) -> str:
    rows = balance[
        (balance[names.SCENARIO].astype(str) == scenario)
        & (balance[names.MINERAL].astype(str) == mineral)
    ]
    values = pd.to_numeric(rows[names.COVERAGE], errors="coerce")
    if values.dropna().empty or values.min() >= MET:
        return ""
    worst = rows.iloc[int(values.fillna(float("inf")).to_numpy().argmin())]
    return (
        f"<br><small>{escape(str(worst[names.COUNTRY]))}, {escape(str(worst[names.YEAR]))}</small>"
    )


# Costs ----------------------------------------------------------------------------------------


def costs(results: Results) -> str:
    """The expected cost split (Summary) and the cost per scenario (ScenarioCosts)."""
    split = [
        (COMPONENT_TITLES.get(metric[5:], metric[5:]), value)
        for metric in names.COST_METRICS
        if (value := results.number(metric)) is not None
    ]
    content = ""
    if split:
        content += (
            "<figure>"
            + bar_chart(split, "Expected cost by component", "USD million", MILLION, 900)
            + "</figure>"
        )
        content += _table(
            ["component", "expected discounted cost (USD million)"],
            [
                [escape(label), number(results, summary_query(metric), MILLION, 1)]
                for (label, _), metric in zip(
                    split,
                    [m for m in names.COST_METRICS if results.number(m) is not None],
                    strict=True,
                )
            ]
            + [
                [
                    "<b>total (expected cost)</b>",
                    number(results, summary_query(names.EXPECTED_COST), MILLION, 1),
                ]
            ],
            {1},
        )
    content += _scenario_costs(results)
    if not content:
        return ""
    return _section(
        "costs",
        "What the plan costs",
        "Discounted costs over the whole horizon. The expected cost weights each scenario by its "
        "probability.",
        content,
    )


def _scenario_costs(results: Results) -> str:
    if not results.has(names.SCENARIO_COSTS, names.SCENARIO, names.COST):
        return ""
    rows = []
    for scenario in _scenarios(results):
        rows.append(
            [
                escape(scenario),
                number(
                    results,
                    cell_query(names.SCENARIO_COSTS, names.PROBABILITY, scenario=scenario),
                    PERCENT,
                    1,
                ),
                number(
                    results,
                    cell_query(names.SCENARIO_COSTS, names.COST, scenario=scenario),
                    MILLION,
                    1,
                ),
            ]
        )
    return "<h3>Cost per scenario</h3>" + _table(
        ["scenario", "probability (%)", "discounted cost (USD million)"], rows, {1, 2}
    )


# Value, Risk and other sheets of later revisions ------------------------------------------------

EXTRA_TABLES = (
    (names.VALUE, "Value of decisions", "What each decision is worth, from `planner value`."),
    (names.RISK, "Risk", "Regret and risk per scenario, from `planner value`."),
    (names.CAPPED_SOURCES, "Capped sources", "External sources whose supply is capped."),
    (names.TREE, "Scenario tree", "Scenarios that share their history up to each year."),
)


SHOWN_ROWS = 60


def extra_tables(results: Results) -> str:
    """Sheets of later revisions, shown as they are when the workbook holds them."""
    return "".join(
        _section(name.lower(), title, escape(caption), _plain_table(results, name))
        for name, title, caption in EXTRA_TABLES
        if results.sheet(name) is not None and not results.sheets[name].empty
    )


def _plain_table(results: Results, sheet: str) -> str:
    """A sheet as it is (its first SHOWN_ROWS rows); each number tied to its row and column."""
    table = results.sheets[sheet]
    rows = []
    numeric: set[int] = set()
    for position, (_, row) in enumerate(table.head(SHOWN_ROWS).iterrows()):
        cells = []
        for index, column in enumerate(table.columns):
            value = row[column]
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            if is_number and value == value and _is_year_column(str(column)):
                cells.append(year(results, cell_query(sheet, column, **{ROW: position})))
            elif is_number and value == value:
                numeric.add(index)
                cells.append(number(results, cell_query(sheet, column, **{ROW: position})))
            else:
                cells.append("" if value is None or value != value else escape(_label(value)))
        rows.append(cells)
    if len(table) > SHOWN_ROWS:
        rows.append([f"… and {len(table) - SHOWN_ROWS:,} more rows in the {escape(sheet)} sheet"])
    written = results.headers.get(sheet, [])
    shown = written if len(written) == len(table.columns) else [str(c) for c in table.columns]
    return _table(shown, rows, numeric)  # headers as the workbook has them: `regret (USD)`


# Diagnosis ------------------------------------------------------------------------------------


def diagnosis(results: Results) -> str:
    """Why there is no plan: each shortfall of the elastic re-solve."""
    table = results.sheet(names.DIAGNOSIS)
    if table is None or table.empty:
        content = "<p>The results hold no diagnosis.</p>"
    else:
        rows = []
        for index, (_, row) in enumerate(table.iterrows()):
            unit = str(row.get(names.UNIT) or "")
            scale = MILLION if unit == "USD" else 1.0
            unit_text = "USD million" if scale == MILLION else escape(unit)
            query = cell_query(names.DIAGNOSIS, names.SHORTFALL, **{ROW: int(index)})
            where = ", ".join(
                escape(_label(row[c]))
                for c in (names.SCENARIO, names.MINERAL, names.COUNTRY, names.YEAR)
                if c in row and row[c] is not None and row[c] == row[c]
            )
            rows.append(
                [
                    escape(str(row.get(names.CONSTRAINT, ""))),
                    where or "whole plan",
                    f"{number(results, query, scale, 1)} {unit_text}",
                ]
            )
        content = _table(["requirement", "where", "shortfall"], rows, {2})
    return _section(
        "diagnosis",
        "Why there is no plan",
        "No plan meets every requirement. Each row is a requirement that cannot be met and by "
        "how much it falls short (tonnes of coverage, or the budget that is lacking).",
        content,
    )


def _is_year_column(column: str) -> bool:
    """A column of years (shown as 2027, not 2,027)."""
    return column == "year" or column.endswith("_year")


def _label(value: object) -> str:
    """An identifier or a year as text (a year read back as 2027.0 shows as 2027)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Inputs ---------------------------------------------------------------------------------------


def inputs(results: Results) -> str:
    """The input's file name, SHA-256 and versions, to tie the page to its input."""
    rows = [
        ["input", escape(_case_name(results))],
        ["SHA-256 of the input", f"<code>{escape(results.text(names.INPUT_SHA256)) or '–'}</code>"],
        ["planner version", escape(results.text(names.PLANNER_VERSION)) or "–"],
        ["HiGHS version", escape(results.text(names.HIGHS_VERSION)) or "–"],
        ["results workbook", escape(results.path.replace("\\", "/").rsplit("/", 1)[-1])],
    ]
    return _section(
        "inputs",
        "Inputs",
        "Which input this page was made from; the SHA-256 identifies its exact content.",
        _table(["what", "value"], rows),
    )
