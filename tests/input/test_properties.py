"""Property tests of the input layer, with generators drawn from the schema.

- A random valid case reads back to the same `Case` from the raw workbook, an .xlsx and a CSV
  folder.
- Any raw content survives workbook → CSV folder → workbook unchanged.
- Garbage bytes, damaged workbooks and random cell values give InputErrors, never tracebacks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.case import Case
from planner.errors import InputError
from planner.io import RawRow, RawSheet, RawWorkbook, read_raw, write_raw
from planner.io.raw import Value, canonical
from planner.schema import SETTINGS, SHEETS, Field, Kind
from planner.validate import case_from_raw, parse_cell
from tests.input.input_workbooks import example

FILE_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
QUICK_SETTINGS = settings(max_examples=150, deadline=None)

# --- values drawn from the schema ---------------------------------------------------------------

IDENTIFIERS = (
    st.text(
        alphabet=st.characters(categories=("L", "N"), include_characters=" -_().'&"),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(lambda text: text and text[0].isalpha())
)


def _number(field: Field) -> st.SearchStrategy[float]:
    low = field.low if field.low is not None else -1e12
    high = field.high if field.high is not None else field.most or 1e12
    return st.floats(
        low,
        high,
        exclude_min=field.low_open,
        exclude_max=field.high_open,
        allow_nan=False,
        allow_subnormal=False,
    )


@st.composite
def _written(draw: st.DrawFn, field: Field) -> Value:
    """A valid number for `field`, written as a spreadsheet user might type it."""
    value = draw(_number(field))
    form = draw(st.sampled_from(["number", "text", "grouped", "percent"]))
    if form == "text":
        return f" {value!r} "
    if form == "grouped":
        return f"{value:,}"
    if form == "percent" and field.low == 0.0 and field.high == 1.0 and not field.low_open:
        return f"{value * 100!r}%"
    return value


SHARES_STOCK = [None, "yes", "no", "Yes", "NO", "TRUE", "false"]


def _parsed(sheet: str, column: str, value: Value) -> float:
    """The number a drawn cell stands for (0 when blank)."""
    return parse_cell(_column(sheet, column), value)[0] or 0.0


def _optional(field: Field, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return values if field.required else st.one_of(st.none(), values)


def _column(sheet: str, name: str) -> Field:
    return SHEETS[sheet].column(name)


@st.composite
def valid_cases(draw: st.DrawFn) -> RawWorkbook:
    """A random valid case as a raw workbook: every sheet, random optional cells and sheets."""
    start = draw(st.integers(2000, 2100))
    end = start + draw(st.integers(0, 4))
    g = _CaseDraw(draw, RawWorkbook(), st.integers(start, end))
    _settings_sheet(g, start, end)
    minerals = draw(st.lists(IDENTIFIERS, min_size=1, max_size=3, unique=True))
    countries = draw(st.lists(IDENTIFIERS, min_size=1, max_size=3, unique=True))
    sources = draw(st.lists(IDENTIFIERS, min_size=1, max_size=2, unique=True))
    _minerals_countries_prices(g, minerals, countries)
    demand_rows = _demand_sheet(g, minerals, countries)
    source_keys = _sources_sheet(g, sources, minerals)
    _sites_sheet(g, minerals, countries)
    _offers_sheet(g, minerals, countries)
    _stockpiles_sheet(g, minerals, countries, demand_rows)
    scenarios = _scenarios_sheet(g)
    supplying = sorted({x for x, _, _ in source_keys})
    _disruptions_and_shocks(g, scenarios, supplying, minerals)
    _supply_caps_sheet(g, source_keys, supplying)
    if draw(st.booleans()):
        g.raw.sheets["README"] = RawSheet("README", ["notes"], [RawRow(2, ["free text"])])
    return g.raw


@dataclasses.dataclass
class _CaseDraw:
    """What the sheet helpers of `valid_cases` share: hypothesis's draw, the workbook being
    filled and the years of its horizon."""

    draw: st.DrawFn
    raw: RawWorkbook
    years: st.SearchStrategy[int]

    @property
    def year_or_blank(self) -> st.SearchStrategy[int | None]:
        return st.one_of(st.none(), self.years)

    def add(self, name: str, rows: list[dict[str, Value]]) -> None:
        """Add sheet `name` with its columns in a random order, now and then a blank row."""
        columns = [field.name for field in SHEETS[name].columns]
        sheet = RawSheet(name, list(self.draw(st.permutations(columns))))
        for values in rows:
            sheet.append(values)
            if self.draw(st.integers(0, 9)) == 0:  # now and then a blank row in between
                sheet.rows[-1].number += 1
        self.raw.sheets[name] = sheet

    def numbers(self, sheet: str, *names: str) -> dict[str, Value]:
        """Valid cells (or blanks where allowed) for the numeric columns `names` of `sheet`."""
        return {
            n: self.draw(_optional(_column(sheet, n), _written(_column(sheet, n)))) for n in names
        }

    def year_range(self) -> dict[str, Value]:
        """from_year and to_year, each blank or a year, in order."""
        first, last = sorted(self.draw(st.lists(self.years, min_size=2, max_size=2)))
        return {
            "from_year": self.draw(st.one_of(st.none(), st.just(first))),
            "to_year": self.draw(st.one_of(st.none(), st.just(last))),
        }


def _settings_sheet(g: _CaseDraw, start: int, end: int) -> None:
    """The horizon and a random subset of the other settings."""
    settings_rows: list[dict[str, Value]] = [
        {"setting": "start_year", "value": start},
        {"setting": "end_year", "value": end},
    ]
    for setting in SETTINGS[2:]:
        if g.draw(st.booleans()):
            settings_rows.append(
                {"setting": setting.name, "value": g.draw(_optional(setting, _written(setting)))}
            )
    g.add("Settings", settings_rows)


def _minerals_countries_prices(g: _CaseDraw, minerals: list[str], countries: list[str]) -> None:
    """Minerals and Countries with random numbers; sometimes a Prices sheet (maybe empty)."""
    g.add(
        "Minerals",
        [
            {
                "mineral": m,
                "unit": g.draw(st.one_of(st.none(), IDENTIFIERS)),
                **g.numbers(
                    "Minerals",
                    "price",
                    "holding_cost",
                    "shortage_penalty",
                    "coverage",
                    "max_purchase",
                ),
            }
            for m in minerals
        ],
    )
    g.add(
        "Countries",
        [
            {
                "country": c,
                "shares_stock": g.draw(st.sampled_from(SHARES_STOCK)),
                **g.numbers("Countries", "shipping_cost", "budget"),
            }
            for c in countries
        ],
    )
    price_keys = g.draw(st.sets(st.tuples(st.sampled_from(minerals), g.years), max_size=4))
    if price_keys or g.draw(st.booleans()):
        g.add(
            "Prices",
            [{"mineral": m, "year": t, **g.numbers("Prices", "price")} for m, t in price_keys],
        )


def _demand_sheet(
    g: _CaseDraw, minerals: list[str], countries: list[str]
) -> list[dict[str, Value]]:
    """Demand rows for distinct (mineral, country, year or blank) keys."""
    demand_keys = g.draw(
        st.sets(
            st.tuples(st.sampled_from(minerals), st.sampled_from(countries), g.year_or_blank),
            max_size=8,
        )
    )
    demand_rows = [
        {"mineral": m, "country": c, "year": t, **g.numbers("Demand", "demand")}
        for m, c, t in demand_keys
    ]
    g.add("Demand", demand_rows)
    return demand_rows


def _sources_sheet(
    g: _CaseDraw, sources: list[str], minerals: list[str]
) -> set[tuple[str, str, int | None]]:
    """Sources rows for distinct keys; a year row may inherit its availability."""
    source_keys = g.draw(
        st.sets(
            st.tuples(st.sampled_from(sources), st.sampled_from(minerals), g.year_or_blank),
            max_size=6,
        )
    )
    source_rows = []
    for x, m, t in source_keys:
        row = {
            "source": x,
            "mineral": m,
            "year": t,
            **g.numbers("Sources", "available", "price_factor"),
        }
        if t is not None and (x, m, None) in source_keys and g.draw(st.booleans()):
            row["available"] = None  # inherited from the blank-year row
        source_rows.append(row)
    g.add("Sources", source_rows)

    return source_keys


def _sites_sheet(g: _CaseDraw, minerals: list[str], countries: list[str]) -> None:
    """Up to three sites, min_capacity ≤ max_capacity."""
    site_rows = []
    for site in g.draw(st.lists(IDENTIFIERS, max_size=3, unique=True)):
        row = {
            "site": site,
            "country": g.draw(st.sampled_from(countries)),
            "mineral": g.draw(st.sampled_from(minerals)),
            **g.numbers(
                "Sites",
                "existing_capacity",
                "fixed_capex",
                "capex_per_tpa",
                "fixed_om_per_tpa",
                "variable_cost",
                "availability",
            ),
            "lead_time": g.draw(st.one_of(st.none(), st.integers(0, 3))),
            "earliest_year": g.draw(g.year_or_blank),
        }
        low, high = sorted(
            g.draw(st.lists(_number(_column("Sites", "max_capacity")), min_size=2, max_size=2))
        )
        row["min_capacity"], row["max_capacity"] = low, high
        site_rows.append(row)
    g.add("Sites", site_rows)


def _offers_sheet(g: _CaseDraw, minerals: list[str], countries: list[str]) -> None:
    """Up to three CfD offers, start year ≤ end year."""
    offer_rows = []
    for offer in g.draw(st.lists(IDENTIFIERS, max_size=3, unique=True)):
        first, last = sorted(g.draw(st.lists(g.years, min_size=2, max_size=2)))
        offer_rows.append(
            {
                "offer": offer,
                "group": g.draw(st.one_of(st.none(), st.sampled_from(["g1", "g2"]))),
                "mineral": g.draw(st.sampled_from(minerals)),
                "country": g.draw(st.sampled_from(countries)),
                **g.numbers("CfD", "strike", "volume"),
                "start_year": g.draw(st.one_of(st.none(), st.just(first))),
                "end_year": g.draw(st.one_of(st.none(), st.just(last))),
                "kind": g.draw(st.sampled_from([None, "floor", "two_sided", "Two-Sided"])),
            }
        )
    g.add("CfD", offer_rows)


def _stockpiles_sheet(
    g: _CaseDraw, minerals: list[str], countries: list[str], demand_rows: list[dict[str, Value]]
) -> None:
    """Up to three stockpile places, initial ≤ capacity, an obligation the capacity can hold."""
    stockpile_rows = []
    for c, m in g.draw(
        st.sets(st.tuples(st.sampled_from(countries), st.sampled_from(minerals)), max_size=3)
    ):
        initial, capacity = sorted(
            g.draw(st.lists(_number(_column("Stockpiles", "capacity")), min_size=2, max_size=2))
        )
        # An obligation the capacity can hold in every year: min_days/365 × demand ≤ capacity.
        most_demand = max(
            (
                _parsed("Demand", "demand", r["demand"])
                for r in demand_rows
                if r["country"] == c and r["mineral"] == m
            ),
            default=0.0,
        )
        days = min(36_500.0, 365 * capacity / most_demand) if most_demand else 36_500.0
        stockpile_rows.append(
            {
                "country": c,
                "mineral": m,
                "initial": initial,
                "capacity": capacity,
                **g.numbers("Stockpiles", "max_release"),
                "min_days": g.draw(st.one_of(st.none(), st.floats(0, days * 0.999))),
                "obligation_from": g.draw(g.year_or_blank),
            }
        )
    g.add("Stockpiles", stockpile_rows)


def _scenarios_sheet(g: _CaseDraw) -> list[str]:
    """No Scenarios sheet (one implied `base`) or up to three scenarios; their names."""
    scenarios = ["base"]
    if g.draw(st.booleans()):
        scenarios = g.draw(st.lists(IDENTIFIERS, min_size=1, max_size=3, unique=True))
        weights = g.draw(
            st.lists(st.integers(0, 4), min_size=len(scenarios), max_size=len(scenarios)).filter(
                any
            )
        )
        g.add(
            "Scenarios",
            [
                {
                    "scenario": s,
                    "probability": w / sum(weights),
                    "description": g.draw(st.one_of(st.none(), IDENTIFIERS)),
                }
                for s, w in zip(scenarios, weights, strict=True)
            ],
        )

    return scenarios


def _disruptions_and_shocks(
    g: _CaseDraw, scenarios: list[str], supplying: list[str], minerals: list[str]
) -> None:
    """Disruptions (distinct explicit keys never overlap) and PriceShocks, each sheet maybe
    empty or absent."""
    # Distinct explicit (scenario, source, mineral) rows never overlap.
    disruption_keys = set()
    if supplying:
        disruption_keys = g.draw(
            st.sets(
                st.tuples(
                    st.sampled_from(scenarios),
                    st.sampled_from(supplying),
                    st.sampled_from(minerals),
                ),
                max_size=3,
            )
        )
    if disruption_keys or g.draw(st.booleans()):
        g.add(
            "Disruptions",
            [
                {
                    "scenario": s,
                    "source": x,
                    "mineral": m,
                    **g.year_range(),
                    **g.numbers("Disruptions", "share_lost"),
                }
                for s, x, m in disruption_keys
            ],
        )
    shock_keys = g.draw(
        st.sets(st.tuples(st.sampled_from(scenarios), st.sampled_from(minerals)), max_size=3)
    )
    if shock_keys or g.draw(st.booleans()):
        g.add(
            "PriceShocks",
            [
                {
                    "scenario": s,
                    "mineral": m,
                    **g.year_range(),
                    **g.numbers("PriceShocks", "multiplier"),
                }
                for s, m in shock_keys
            ],
        )


def _supply_caps_sheet(
    g: _CaseDraw, source_keys: set[tuple[str, str, int | None]], supplying: list[str]
) -> None:
    """SupplyCaps: distinct (source, mineral) pairs with supply never overlap; a blank mineral
    (every mineral of the source) only for a source no other row names."""
    cap_keys = sorted(
        g.draw(
            st.sets(
                st.sampled_from(sorted({(x, m) for x, m, _ in source_keys}) or [("", "")]),
                max_size=3,
            )
        )
    )
    cap_rows = [
        {"source": x, "mineral": m, **g.year_range(), **g.numbers("SupplyCaps", "max_share")}
        for x, m in cap_keys
        if x
    ]
    capped = {x for x, _ in cap_keys}
    free = [x for x in supplying if x not in capped]
    if free and g.draw(st.booleans()):
        cap_rows.append({"source": free[0], **g.year_range(), "max_share": g.draw(st.floats(0, 1))})
    if cap_rows or g.draw(st.booleans()):
        g.add("SupplyCaps", cap_rows)


def _without_origin(case: Case) -> Case:
    return dataclasses.replace(case, origin="")


def _in_temporary_folder(test: Callable[[Path], None]) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        test(folder)
    finally:
        shutil.rmtree(folder)


@FILE_SETTINGS
@given(valid_cases())
def test_a_valid_case_reads_the_same_from_raw_xlsx_and_csv(raw: RawWorkbook) -> None:
    expected, _ = case_from_raw(raw)

    def check(folder: Path) -> None:
        write_raw(raw, folder / "case.xlsx")
        write_raw(raw, folder / "case")
        from_xlsx, _ = case_from_raw(read_raw(folder / "case.xlsx"))
        from_csv, _ = case_from_raw(read_raw(folder / "case"))
        assert _without_origin(from_xlsx) == _without_origin(expected)
        assert _without_origin(from_csv) == _without_origin(expected)

    _in_temporary_folder(check)


# --- any raw content round-trips ----------------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(
        exclude_categories=("Cs", "Cc"), include_characters="\n", exclude_characters="\r"
    ),
    max_size=20,
)
CELLS = st.one_of(
    st.none(),
    TEXT,
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
).map(canonical)
SHEET_NAMES = st.one_of(
    st.sampled_from(list(SHEETS)),
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-",
        min_size=1,
        max_size=31,
    ).filter(lambda name: name.strip() == name),
)


@st.composite
def raw_workbooks(draw: st.DrawFn) -> RawWorkbook:
    """Arbitrary content: sheets of any cells, gaps between rows, ragged rows."""
    names = draw(st.lists(SHEET_NAMES, min_size=1, max_size=4, unique_by=str.casefold))
    raw = RawWorkbook()
    for name in names:
        sheet = RawSheet(name)
        for value in draw(st.lists(CELLS, max_size=4)):
            sheet.ensure_column("x")
            sheet.header[-1] = value
        number = 1
        for values in draw(st.lists(st.lists(CELLS, max_size=5), max_size=6)):
            number += draw(st.integers(1, 3))
            row = RawRow(number, [])
            for index, value in enumerate(values):
                row.put(index, value)
            if row.values:
                sheet.rows.append(row)
        while sheet.header and sheet.header[-1] is None:
            sheet.header.pop()
        raw.sheets[name] = sheet
    return raw


@FILE_SETTINGS
@given(raw_workbooks())
def test_workbook_to_csv_folder_to_workbook_is_lossless(raw: RawWorkbook) -> None:
    def check(folder: Path) -> None:
        write_raw(raw, folder / "first.xlsx")
        from_xlsx = read_raw(folder / "first.xlsx")
        assert from_xlsx == raw
        write_raw(from_xlsx, folder / "folder")
        from_csv = read_raw(folder / "folder")
        assert from_csv == raw
        write_raw(from_csv, folder / "second.xlsx")
        assert read_raw(folder / "second.xlsx") == raw
        assert list(read_raw(folder / "second.xlsx").sheets) == list(from_csv.sheets)

    _in_temporary_folder(check)


def test_template_round_trips_through_both_forms() -> None:
    def check(folder: Path) -> None:
        write_raw(example(), folder / "a.xlsx")
        write_raw(read_raw(folder / "a.xlsx"), folder / "a")
        write_raw(read_raw(folder / "a"), folder / "b.xlsx")
        assert read_raw(folder / "a.xlsx") == read_raw(folder / "a") == read_raw(folder / "b.xlsx")
        assert read_raw(folder / "a") == example()

    _in_temporary_folder(check)


# --- nothing a user can put in a file ends in a traceback ---------------------------------------


def _read_and_validate(path: Path) -> None:
    """Read and validate; only InputError may escape."""
    with contextlib.suppress(InputError):
        case_from_raw(read_raw(path))


@FILE_SETTINGS
@given(st.binary(max_size=2000))
def test_garbage_bytes_as_workbook_or_csv(content: bytes) -> None:
    def check(folder: Path) -> None:
        (folder / "case.xlsx").write_bytes(content)
        _read_and_validate(folder / "case.xlsx")
        (folder / "csv").mkdir()
        (folder / "csv" / "Minerals.csv").write_bytes(content)
        _read_and_validate(folder / "csv")

    _in_temporary_folder(check)


_TEMPLATE_BYTES: list[bytes] = []


def _template_bytes() -> bytes:
    if not _TEMPLATE_BYTES:

        def write(folder: Path) -> None:
            write_raw(example(), folder / "t.xlsx")
            _TEMPLATE_BYTES.append((folder / "t.xlsx").read_bytes())

        _in_temporary_folder(write)
    return _TEMPLATE_BYTES[0]


@FILE_SETTINGS
@given(st.data())
def test_damaged_workbooks(data: st.DataObject) -> None:
    content = bytearray(_template_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))

    def check(folder: Path) -> None:
        (folder / "case.xlsx").write_bytes(bytes(content))
        _read_and_validate(folder / "case.xlsx")

    _in_temporary_folder(check)


ANY_CELL = st.one_of(
    CELLS,
    st.sampled_from(
        [
            "1,200",
            "80%",
            " 3.5 ",
            "1,2",
            "inf",
            "nan",
            "-0",
            "2030.0",
            "",
            "  ",
            "two-sided",
            "TRUE",
            "1e400",
            "%",
            ",",
            "1,,2",
            "١٢",
        ]
    ),
)


@QUICK_SETTINGS
@given(st.data())
def test_random_cells_give_issues_never_exceptions(data: st.DataObject) -> None:
    raw = example()
    for _ in range(data.draw(st.integers(1, 6))):
        sheet = raw.sheet(data.draw(st.sampled_from(list(raw.sheets))))
        column = data.draw(
            st.one_of(st.sampled_from([str(h) for h in sheet.header] or ["x"]), st.just("extra"))
        )
        if sheet.rows and data.draw(st.booleans()):
            row = data.draw(st.sampled_from(sheet.rows))
            sheet.set(row.number, column, data.draw(ANY_CELL))
        else:
            sheet.append({column: data.draw(ANY_CELL)})
    try:
        case_from_raw(raw)
    except InputError as exc:
        assert exc.errors


@QUICK_SETTINGS
@given(st.sampled_from([*SETTINGS, *(f for s in SHEETS.values() for f in s.columns)]), ANY_CELL)
def test_parse_cell_accepts_or_explains(field: Field, value: Value) -> None:
    parsed, problem = parse_cell(field, value)
    assert parsed is None or not problem
    if parsed is not None and field.kind is Kind.NUMBER:
        assert field.accepts(parsed)
