"""The one place where evaluation uses the model layer's build and hand-off (today's API).

After the model revision (scenario tree, registry changes) only this module should need to
follow: it builds the single-scenario model of a case, compiles it into a HiGHS instance, and
returns the columns evaluation changes, via `planner.models.evaluation`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import highspy

from planner.build import build_model
from planner.case import Case
from planner.handoff import compile_to_highs, new_highs
from planner.models.data import ModelData
from planner.models.evaluation import (
    FirstStageColumns,
    ObligationRows,
    ScenarioColumns,
    first_stage_columns,
    obligation_rows,
    pool_rows,
    scenario_columns,
)

__all__ = ["SingleScenarioModel", "compile_single_scenario", "model_size"]


@dataclass
class SingleScenarioModel:
    """One scenario's model in HiGHS, with the columns and rows evaluation changes."""

    highs: highspy.Highs
    data: ModelData
    first_stage: FirstStageColumns
    scenario: ScenarioColumns
    pool: list[tuple[tuple[str, int], int]]
    obligations: ObligationRows
    integer_columns: list[int]


def compile_single_scenario(case: Case) -> SingleScenarioModel:
    """Build and compile `case` (one scenario) without CVaR or budgets (11, 16): the plan is
    given, and its spending rows would only refuse a plan read from a workbook over rounding."""
    if len(case.scenarios) != 1:
        raise ValueError("evaluation builds a model of one scenario")
    settings = replace(case.settings, cvar_weight=0.0, budget=None)
    countries = {r: replace(country, budget=None) for r, country in case.countries.items()}
    built = build_model(replace(case, settings=settings, countries=countries))
    compiled = compile_to_highs(built, new_highs())
    return SingleScenarioModel(
        compiled.highs,
        built.data,
        first_stage_columns(built.model, compiled.column_of),
        scenario_columns(built.model, built.data, compiled.column_of),
        pool_rows(built.model, compiled.row_of),
        obligation_rows(built.registry, compiled.row_of),
        [int(j) for j in compiled.integer_columns],
    )


def model_size(case: Case) -> dict[str, int]:
    """Columns, rows, nonzeros and integers of the full model of `case` (built, not solved)."""
    built = build_model(case)
    highs = new_highs()
    compiled = compile_to_highs(built, highs)
    return {
        "columns": highs.getNumCol(),
        "rows": highs.getNumRow(),
        "nonzeros": highs.getNumNz(),
        "integers": len(compiled.integer_columns),
    }
