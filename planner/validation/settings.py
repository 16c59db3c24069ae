"""The Settings sheet: one row per setting, each value parsed by that setting's schema field;
sets the planning years that every later sheet's checks use."""

from __future__ import annotations

from typing import Any

from planner.case import Settings
from planner.schema import SETTINGS, SETTINGS_SHEET
from planner.validation.cells import parse_cell, suggestion
from planner.validation.context import Context, Row
from planner.validation.tables import table

_SETTINGS_BY_KEY = {setting.name: setting for setting in SETTINGS}


def read_settings(ctx: Context) -> Settings:
    """The settings, defaults applied; `ctx.horizon` set when start and end years are usable."""
    values: dict[str, Any] = {}
    where: dict[str, int] = {}
    for row in table(ctx, SETTINGS_SHEET):
        _setting_row(ctx, row, values, where)
    if SETTINGS_SHEET in ctx.sheets:
        for setting in SETTINGS:
            if setting.required and setting.name not in where:
                ctx.error(
                    SETTINGS_SHEET,
                    None,
                    "setting",
                    f"{setting.name} is missing; add a row with setting {setting.name}",
                )
    ctx.setting_rows = where
    _horizon(ctx, values, where)
    resolved: dict[str, Any] = {
        setting.name: setting.default if values.get(setting.name) is None else values[setting.name]
        for setting in SETTINGS
    }
    return Settings(**resolved)


def _setting_row(ctx: Context, row: Row, values: dict[str, Any], where: dict[str, int]) -> None:
    name = row["setting"]
    if name is None:
        return
    setting = _SETTINGS_BY_KEY.get(name.casefold())
    if setting is None:
        hint = suggestion(name.casefold(), _SETTINGS_BY_KEY)
        ctx.warn(SETTINGS_SHEET, row.number, "setting", f"unknown setting '{name}', ignored{hint}")
        return
    if setting.name in where:
        ctx.error(
            SETTINGS_SHEET,
            row.number,
            "setting",
            f"'{setting.name}' is already set in row {where[setting.name]}",
        )
        return
    where[setting.name] = row.number
    value_index = ctx.positions[SETTINGS_SHEET].get("value")
    cells = row.cells
    raw_value = None if value_index is None or value_index >= len(cells) else cells[value_index]
    parsed, problem = parse_cell(setting, raw_value)
    if problem:
        ctx.error(SETTINGS_SHEET, row.number, "value", f"{setting.name} {problem}")
    elif parsed is None and setting.required:
        ctx.error(SETTINGS_SHEET, row.number, "value", f"{setting.name} is required")
    values[setting.name] = parsed


def _horizon(ctx: Context, values: dict[str, Any], where: dict[str, int]) -> None:
    start, end = values.get("start_year"), values.get("end_year")
    if start is None or end is None:
        return
    if start <= end:
        ctx.horizon = range(start, end + 1)
    else:
        ctx.error(
            SETTINGS_SHEET,
            where["end_year"],
            "value",
            f"end_year must be ≥ start_year (found {end} < {start})",
        )
