"""The cost components of Cost(ω) with the labels people read, in one table.

`planner.outcome.COST_COMPONENTS` names the components (the keys of the cost registry, the
`cost_<component>` rows of the Summary and the columns of ScenarioCosts). Their labels live here,
once, for everything that shows them: the printed summary and the results workbook's Units sheet
(short labels), the report and the Overview sheet (titles).
"""

from __future__ import annotations

from planner.outcome import COST_COMPONENTS

# component → how people read it, in COST_COMPONENTS order.
COMPONENT_LABELS: dict[str, str] = {
    "capex": "capex",
    "fixed_om": "fixed O&M",
    "variable_refining": "variable refining",
    "cfd_market_value": "CfD market value",
    "cfd_government_payment": "CfD government payment",
    "holding": "holding",
    "external_purchases": "external purchases",
    "shipping": "shipping",
    "shortage_penalty": "shortage penalty",
    "terminal_value": "terminal value",
}

# component → its title in reports and the Overview sheet, where a line stands on its own.
COMPONENT_TITLES: dict[str, str] = {
    "capex": "Refinery capex",
    "fixed_om": "Fixed operation and maintenance",
    "variable_refining": "Variable refining",
    "cfd_market_value": "CfD volume at market value",
    "cfd_government_payment": "CfD government payment",
    "holding": "Stockpile holding",
    "external_purchases": "External purchases",
    "shipping": "Shipping",
    "shortage_penalty": "Shortage penalty",
    "terminal_value": "Terminal value of stock (credit)",
}

for _table in (COMPONENT_LABELS, COMPONENT_TITLES):
    if tuple(_table) != COST_COMPONENTS:  # pragma: no cover - a programming error
        raise ImportError("the cost labels must name every entry of COST_COMPONENTS, in order")

__all__ = ["COMPONENT_LABELS", "COMPONENT_TITLES", "COST_COMPONENTS"]
