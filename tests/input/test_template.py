"""The template: a README sheet from the schema and a worked example that validates, uses every
feature of the workbook and has an optimal plan."""

from __future__ import annotations

import pytest

from planner.io.raw import cell_text
from planner.schema import README_SHEET, SETTINGS, SHEETS
from planner.template import template_workbook
from planner.validate import case_from_raw
from tests.reference_model import reference_objective


def test_readme_documents_every_sheet_column_and_setting_with_unit_and_default() -> None:
    readme = template_workbook().sheet(README_SHEET)
    rows = {(row[0], row[1]): row.values for row in readme.rows}
    header = readme.header
    unit, default = header.index("unit"), header.index("default")
    for sheet in SHEETS.values():
        if sheet.name == README_SHEET:
            continue
        assert (sheet.name, None) in rows
        for column in sheet.columns:
            values = rows[sheet.name, column.name] + [None] * len(header)
            assert cell_text(values[unit]) == column.unit
            assert cell_text(values[default]) == column.default_text
    for setting in SETTINGS:
        assert ("Settings", f"setting {setting.name}") in rows


def test_empty_template_has_every_column_and_no_example_rows() -> None:
    raw = template_workbook(example=False)
    for name, sheet in SHEETS.items():
        if sheet.columns:
            assert raw.sheet(name).header == [column.name for column in sheet.columns]
    assert [row[0] for row in raw.sheet("Settings").rows] == [s.name for s in SETTINGS]
    assert not raw.sheet("Sites").rows


def test_worked_example_uses_every_feature() -> None:
    case, warnings = case_from_raw(template_workbook())
    assert warnings == []
    assert (len(case.minerals), len(case.countries), len(case.scenarios)) == (2, 3, 3)
    assert any(
        site.existing_capacity > 0 and site.max_capacity == 0 for site in case.sites.values()
    )
    assert sum(site.max_capacity > 0 for site in case.sites.values()) >= 2
    ladder = [offer for offer in case.offers.values() if offer.group == "NdPr ladder"]
    assert sorted(offer.kind for offer in ladder) == ["floor", "two_sided", "two_sided"]
    assert case.stockpiles and case.settings.budget is not None
    assert {key[0] for key in case.share_lost} == set(case.scenarios)  # one certain cut
    assert case.price_multiplier
    # A year row overriding the every-year row, with a blank cell inherited from it.
    assert case.supply["Rest of world", "NdPr oxide", 2032].price_factor == 1.15
    assert case.supply["Rest of world", "NdPr oxide", 2032].available == 4000


def test_worked_example_has_an_optimal_plan() -> None:
    case, _ = case_from_raw(template_workbook())
    status, objective = reference_objective(case, mip_gap=1e-6)
    assert status == "optimal"
    # With no budget the same case is cheaper: the example's budget binds, as a planner's would.
    unlimited = case_from_raw(_without_budget())[0]
    assert reference_objective(unlimited, mip_gap=1e-6)[1] == pytest.approx(objective, rel=0.05)
    assert reference_objective(unlimited, mip_gap=1e-6)[1] < objective


def _without_budget():
    raw = template_workbook()
    raw.set_setting("budget", None)
    return raw
