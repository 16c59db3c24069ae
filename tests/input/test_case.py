"""What validation hands to the model: defaults, overrides, expansions and cell reading.

Each test builds a tiny case (horizon 2026-2028 unless said otherwise) and checks the `Case`
against values worked out by hand from workbook.md.
"""

from __future__ import annotations

import pytest

from planner.case import Country, Mineral, Offer, Scenario, Settings, Site, SourceYear, Stockpile
from planner.errors import InputError
from planner.validate import case_from_raw
from tests.input.input_workbooks import find_issue, minimal, workbook

SITES = ["site", "country", "mineral", "existing_capacity", "max_capacity"]


def test_blank_optional_cells_take_the_documented_defaults() -> None:
    raw = minimal(
        Sites=[SITES, ["S", "R", "M", 5, None]],
        CfD=[["offer", "mineral", "country", "strike", "volume"], ["O", "M", "R", 90, 2]],
        Stockpiles=[["country", "mineral", "capacity"], ["R", "M", 30]],
    )
    case, warnings = case_from_raw(raw)
    assert warnings == []
    assert case.settings == Settings(start_year=2026, end_year=2028)
    assert case.settings.budget is None and case.settings.time_limit is None
    assert case.minerals == {"M": Mineral("M", price=100.0, shortage_penalty=1000.0)}
    assert case.countries == {"R": Country("R", 0.0)}
    # earliest_year is filled with start_year; everything else is the schema default.
    assert case.sites == {"S": Site("S", "R", "M", existing_capacity=5.0, earliest_year=2026)}
    assert case.offers == {"O": Offer("O", "O", "M", "R", 90.0, 2.0, 2026, 2028, "two_sided")}
    assert case.stockpiles == {("R", "M"): Stockpile("R", "M", 0.0, 30.0, None)}
    # No Scenarios sheet: one scenario, base, with probability 1.
    assert case.scenarios == {"base": Scenario("base", 1.0)}
    assert case.price == {("M", 2026): 100.0, ("M", 2027): 100.0, ("M", 2028): 100.0}
    assert case.supply == {("X", "M", t): SourceYear(50.0, 1.0) for t in (2026, 2027, 2028)}
    assert case.share_lost == {} and case.price_multiplier == {}


def test_year_rows_override_the_every_year_row_and_zero_demand_is_left_out() -> None:
    """Every-year 10; 2027 says 15; 2028 says 0 → 10, 15 and no key for 2028."""
    demand = [
        ["mineral", "country", "year", "demand"],
        ["M", "R", 2027, 15],
        ["M", "R", None, 10],
        ["M", "R", 2028, 0],
    ]
    case, _ = case_from_raw(minimal(Demand=demand))
    assert case.demand == {("M", "R", 2026): 10.0, ("M", "R", 2027): 15.0}


def test_demand_without_every_year_row_is_zero_in_other_years() -> None:
    case, _ = case_from_raw(
        minimal(Demand=[["mineral", "country", "year", "demand"], ["M", "R", 2027, 4]])
    )
    assert case.demand == {("M", "R", 2027): 4.0}


def test_source_year_rows_inherit_blank_cells_from_the_every_year_row_then_the_default() -> None:
    """X: every year 100 t at factor 1.2; 2027 keeps 100 t at factor 1.5; 2028 has 50 t at 1.2.
    Y: only a 2027 row with a blank factor, so 1.0 that year and no supply otherwise."""
    sources = [
        ["source", "mineral", "year", "available", "price_factor"],
        ["X", "M", None, 100, 1.2],
        ["X", "M", 2027, None, 1.5],
        ["X", "M", 2028, 50, None],
        ["Y", "M", 2027, 7, None],
    ]
    case, _ = case_from_raw(minimal(Sources=sources))
    assert case.supply == {
        ("X", "M", 2026): SourceYear(100.0, 1.2),
        ("X", "M", 2027): SourceYear(100.0, 1.5),
        ("X", "M", 2028): SourceYear(50.0, 1.2),
        ("Y", "M", 2027): SourceYear(7.0, 1.0),
    }
    assert case.sources == ("X", "Y")


def test_prices_rows_replace_the_base_price_in_their_year_only() -> None:
    prices = [["mineral", "year", "price"], ["M", 2027, 130], ["M", 2031, 999]]
    case, warnings = case_from_raw(minimal(Prices=prices))
    assert case.price == {("M", 2026): 100.0, ("M", 2027): 130.0, ("M", 2028): 100.0}
    assert find_issue(warnings, "warning", "Prices", 3, "year", "outside the planning years")


SCENARIOS = [
    ["scenario", "probability", "description"],
    ["calm", 0.75, "nothing happens"],
    ["cut", "25%", None],
]
TWO_MINERALS = [["mineral", "price", "shortage_penalty"], ["M", 100, 1000], ["N", 50, 500]]
TWO_SUPPLIES = [["source", "mineral", "available"], ["X", "M", 50], ["X", "N", 20]]


def test_disruption_blanks_mean_every_scenario_mineral_and_horizon_year() -> None:
    """Row 2: blank scenario/mineral/years, 10% lost → every (scenario, X, mineral, year).
    Row 3 would overlap it, so the certain cut is limited to 2026 and the cut scenario loses
    all of X's N from 2027 to the (blank) end. A share of 0 adds nothing."""
    disruptions = [
        ["scenario", "source", "mineral", "from_year", "to_year", "share_lost"],
        [None, "X", None, None, 2026, 0.1],
        ["cut", "X", "N", 2027, None, 1],
        ["calm", "X", "M", 2027, None, 0],
    ]
    case, warnings = case_from_raw(
        minimal(
            Minerals=TWO_MINERALS,
            Sources=TWO_SUPPLIES,
            Scenarios=SCENARIOS,
            Disruptions=disruptions,
        )
    )
    assert warnings == []
    assert case.scenarios["cut"] == Scenario("cut", 0.25, "")
    assert case.share_lost == {
        ("calm", "X", "M", 2026): 0.1,
        ("calm", "X", "N", 2026): 0.1,
        ("cut", "X", "M", 2026): 0.1,
        ("cut", "X", "N", 2026): 0.1,
        ("cut", "X", "N", 2027): 1.0,
        ("cut", "X", "N", 2028): 1.0,
    }


def test_price_shocks_expand_blanks_clip_to_the_horizon_and_drop_multipliers_of_one() -> None:
    shocks = [
        ["scenario", "mineral", "from_year", "to_year", "multiplier"],
        ["cut", None, 2020, 2026, 2],
        ["cut", "M", 2027, None, 1],
        [None, "N", 2028, 2040, 0.5],
    ]
    case, _ = case_from_raw(
        minimal(
            Minerals=TWO_MINERALS, Sources=TWO_SUPPLIES, Scenarios=SCENARIOS, PriceShocks=shocks
        )
    )
    assert case.price_multiplier == {
        ("cut", "M", 2026): 2.0,
        ("cut", "N", 2026): 2.0,
        ("calm", "N", 2028): 0.5,
        ("cut", "N", 2028): 0.5,
    }
    assert case.market_price("N", 2028, "calm") == 25.0


def test_offers_are_clipped_to_the_horizon_and_keep_their_group() -> None:
    cfd = [
        [
            "offer",
            "group",
            "mineral",
            "country",
            "strike",
            "volume",
            "start_year",
            "end_year",
            "kind",
        ],
        ["A", "ladder", "M", "R", 90, 2, 2020, 2040, "Floor"],
        ["B", "ladder", "M", "R", 95, 3, 2027, None, "two-sided"],
    ]
    case, _ = case_from_raw(minimal(CfD=cfd))
    assert case.offers["A"] == Offer("A", "ladder", "M", "R", 90.0, 2.0, 2026, 2028, "floor")
    assert case.offers["B"] == Offer("B", "ladder", "M", "R", 95.0, 3.0, 2027, 2028, "two_sided")


def test_numbers_as_text_headers_and_sheet_names_are_read_as_workbook_md_says() -> None:
    raw = workbook(
        {
            "settings": [
                [" Setting ", "VALUE"],
                ["Start_Year", "2026"],
                ["end_year", 2028.0],
                ["discount_rate", "3%"],
                ["budget", "1,200,000.50"],
            ],
            "Minerals": [
                ["Mineral", "Price", "Shortage_Penalty", "coverage"],
                ["M", " 3.5 ", "1,000", "80%"],
            ],
            "Countries": [["country", "shipping_cost"], [" R ", "1e3"], ["   ", None]],
            "Demand": [["mineral", "country", "year", "demand"], [" M", "R ", "2027", "1,200"]],
            "Sources": [["source", "mineral", "available"], [2024, "M", 5]],
            "Sites": [["site", "country", "mineral"]],
            "CfD": [["offer", "mineral", "country", "strike", "volume"]],
            "Stockpiles": [["country", "mineral", "capacity"]],
        }
    )
    case, warnings = case_from_raw(raw)
    assert warnings == []
    assert case.settings.discount_rate == pytest.approx(0.03)
    assert case.settings.budget == 1_200_000.5
    assert case.minerals["M"].price == 3.5
    assert case.minerals["M"].shortage_penalty == 1000.0
    assert case.minerals["M"].coverage == pytest.approx(0.8)
    assert case.countries == {"R": Country("R", 1000.0)}  # the blank row is skipped
    assert case.demand == {("M", "R", 2027): 1200.0}
    assert case.sources == ("2024",)  # a number typed as an identifier is its text


def test_every_unknown_reference_of_a_row_is_reported() -> None:
    demand = [["mineral", "country", "year", "demand"], ["Q", "Z", None, 1]]
    with pytest.raises(InputError) as caught:
        case_from_raw(minimal(Demand=demand))
    assert [(i.row, i.column) for i in caught.value.errors] == [(2, "mineral"), (2, "country")]


def test_a_bad_cell_is_reported_once_not_again_as_a_duplicate_or_overlap() -> None:
    disruptions = [
        ["scenario", "source", "mineral", "from_year", "to_year", "share_lost"],
        [None, "X", None, None, None, 0.5],
        [None, "X", None, "soon", None, 0.5],
    ]
    with pytest.raises(InputError) as caught:
        case_from_raw(minimal(Disruptions=disruptions))
    assert [(i.row, i.column) for i in caught.value.errors] == [(3, "from_year")]


def test_identifiers_are_exact_after_trimming() -> None:
    demand = [["mineral", "country", "year", "demand"], ["m", "R", None, 1]]
    with pytest.raises(InputError) as caught:
        case_from_raw(minimal(Demand=demand))
    assert "did you mean 'M'?" in caught.value.errors[0].message


def test_issues_name_sheets_as_the_workbook_spells_them() -> None:
    raw = minimal()
    raw.sheets["minerals "] = raw.sheets.pop("Minerals")
    raw.sheets["minerals "].name = "minerals "
    raw.set("minerals ", 2, "price", -1)
    with pytest.raises(InputError) as caught:
        case_from_raw(raw)
    assert str(caught.value.errors[0]) == "minerals !2, price: must be > 0 (found -1)"


def test_sweeps_and_readme_sheets_are_not_part_of_the_case() -> None:
    raw = minimal(
        Sweeps=[["definition"], ["Settings.budget=0:1e9:3"]],
        README=[["anything"], [None, "at all"]],
    )
    assert case_from_raw(raw)[1] == []
