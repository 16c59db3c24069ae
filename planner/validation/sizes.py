"""Checks of scale: the model's size from counts, before the sheets that grow with it are read,
and a budget that cannot pay for any build (usually billions typed as units)."""

from __future__ import annotations

from planner.case import Settings, Site
from planner.io import limits
from planner.schema import SETTINGS_SHEET
from planner.validation.cells import number_text
from planner.validation.context import Context


def fits_model_size(ctx: Context) -> bool:
    """Whether minerals × countries × years × scenarios is within `limits.MAX_MODEL_SIZE`,
    counted from the rows of those sheets (an upper bound: blank and doubled rows count too)."""
    if ctx.horizon is None:
        return True
    counts = {
        name: len(ctx.sheets[name].rows) if name in ctx.sheets else 1
        for name in ("Minerals", "Countries", "Scenarios")
    }
    years = len(ctx.horizon)
    size = counts["Minerals"] * counts["Countries"] * years * counts["Scenarios"]
    if size <= limits.MAX_MODEL_SIZE:
        return True
    ctx.error(
        "",
        None,
        "",
        f"the case is too large: {counts['Minerals']:,} minerals × {counts['Countries']:,} "
        f"countries × {years} years × {counts['Scenarios']:,} scenarios = {size:,}, and at most "
        f"{limits.MAX_MODEL_SIZE:,} can be planned ({limits.WHY}); split the case or shorten "
        "the horizon",
    )
    return False


def _cheapest_build(sites: list[Site]) -> tuple[float, str] | None:
    """F + V·cmin of the cheapest candidate build (USD) and its site, or None without one."""
    costs = [
        (site.fixed_capex + site.capex_per_tpa * site.min_capacity, site.name)
        for site in sites
        if site.max_capacity > 0
    ]
    return min(costs) if costs else None


def _likely_meant(budget: float, cheapest: float) -> str:
    """' Did you mean 12e9 (12 billion USD)?' when budget looks like billions or millions."""
    for exponent, word in ((9, "billion"), (6, "million")):
        if 0 < budget < 10**exponent / 10 and budget * 10**exponent >= cheapest:
            typed = number_text(budget)
            return f"; did you mean {typed}e{exponent} ({typed} {word} USD)?"
    return ""


def check_budget(ctx: Context, settings: Settings, sites: dict[str, Site]) -> None:
    """Warn when the budget B is below the cheapest candidate build F + V·cmin: no site can be
    built (stockpile purchases still can be made, so this is a warning, not an error)."""
    found = _cheapest_build(list(sites.values()))
    budget = settings.budget
    if found is None or budget is None or budget >= found[0]:
        return
    cost, site = found
    ctx.warn(
        SETTINGS_SHEET,
        ctx.setting_rows.get("budget"),
        "value",
        f"budget {number_text(budget)} USD is below the cheapest candidate build "
        f"({site}: {cost:,.0f} USD = fixed_capex + capex_per_tpa × min_capacity), so no site "
        f"can be built{_likely_meant(budget, cost)}",
    )
