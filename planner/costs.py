"""The cost components of Cost(ω) with the labels people read, in one table.

`planner.outcome.COST_COMPONENTS` names the components (the keys of the cost registry, the
`cost_<component>` rows of the Summary and the columns of ScenarioCosts). Their labels live here,
once, for everything that shows them: the printed summary, the results workbook's Units sheet and
the checker's messages.
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

if tuple(COMPONENT_LABELS) != COST_COMPONENTS:  # pragma: no cover - a programming error
    raise ImportError("COMPONENT_LABELS must label every entry of COST_COMPONENTS, in order")

__all__ = ["COMPONENT_LABELS", "COST_COMPONENTS"]
