"""Every decision and perfect-foresight figure of `planner value` re-derived independently.

On random small cases (tests/model/small_cases.py), the analysis changes bounds in place on one
built model. Here each figure is rebuilt another way: the case itself is changed with
`dataclasses.replace` (a site's max_capacity set to 0, an offer removed from its ladder, a
mineral's max_purchase set to 0, one scenario kept with probability 1) and solved from scratch by
the second implementation of model.md (tests/reference_model.py), which shares no code with the
model or the analysis.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.case import Case, Scenario
from planner.errors import PlannerError
from planner.options import SolveOptions
from planner.value.analysis import analyse
from planner.value.tables import TOTAL, risk_table, value_table
from tests.random_cases import random_case
from tests.reference_model import reference_objective

SEEDS = range(24)


def without(case: Case, kind: str, name: str) -> Case:
    """The case with one decision ruled out, written as a change of the input."""
    if kind == "site":
        return replace(
            case, sites={**case.sites, name: replace(case.sites[name], max_capacity=0.0)}
        )
    if kind == "offer":
        return replace(case, offers={o: v for o, v in case.offers.items() if o != name})
    mineral = replace(case.minerals[name], max_purchase=0.0)
    return replace(case, minerals={**case.minerals, name: mineral})


def only(case: Case, scenario: str) -> Case:
    return replace(
        case,
        scenarios={scenario: Scenario(scenario, 1.0)},
        share_lost={k: v for k, v in case.share_lost.items() if k[0] == scenario},
        price_multiplier={k: v for k, v in case.price_multiplier.items() if k[0] == scenario},
    )


def close(a: float, b: float) -> bool:
    return a == pytest.approx(b, rel=1e-6, abs=1e-4)


@pytest.mark.parametrize("seed", SEEDS)
def test_figures_match_independent_solves(seed: int) -> None:
    case = random_case(seed)
    status, objective = reference_objective(case)
    options = SolveOptions(mip_gap=0.0, threads=1)
    if status == "infeasible":  # nothing to value: the command ends as planner solve would
        with pytest.raises(PlannerError) as raised:
            analyse(case, options, workers=1)
        assert raised.value.exit_code == 3
        return
    assert status == "optimal"
    report = analyse(case, options, workers=1)
    assert close(report.objective, objective)

    for row in value_table(report).itertuples(index=False):
        if row.in_plan != "yes":
            continue  # forcing a decision in has no plain input form; see test_value_hand
        status, changed = reference_objective(without(case, row.kind, row.decision))
        if status == "infeasible":
            assert row.status == "needed", (row.kind, row.decision)
        else:
            assert status == "optimal"
            assert close(row.value, changed - objective), (row.kind, row.decision)

    risk = risk_table(report).set_index("scenario")
    expected = 0.0
    for w, scenario in case.scenarios.items():
        status, alone = reference_objective(only(case, w))
        assert status == "optimal"
        assert close(risk.loc[w, "perfect_foresight"], alone)
        assert close(risk.loc[w, "regret"], risk.loc[w, "plan_cost"] - alone)
        expected += scenario.probability * alone
    assert close(risk.loc[TOTAL, "regret"], objective - expected)  # EVPI
