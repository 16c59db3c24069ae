"""A copy of a case whose Scenarios, Disruptions and PriceShocks sheets hold sampled scenarios.

Everything else of the raw workbook is copied cell for cell (the Hazards sheet included, so the
copy can be sampled again). The three scenario sheets are rewritten with one row per scenario and
run of years with the same value, every row naming its scenario: the case's certain rows (those
without a scenario) are folded into each scenario's rows, because a certain row and a sampled ban
of the same source, mineral and year may not both be written (workbook.md: overlapping rows are
an error) and the larger share applies (`planner.scenarios.sampling`).

`certain_case(raw)` is the case with its hand-written scenarios taken away: one scenario, whose
shares lost and price multipliers are the certain ones. The sampler builds on it, and evaluation
uses it as its single-scenario template.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from planner.case import Case
from planner.errors import PlannerError
from planner.io.raw import RawSheet, RawWorkbook, Value, cell_text, column_key
from planner.scenarios.sampling import SampledScenario
from planner.validate import case_from_raw

__all__ = ["CERTAIN_SCENARIO", "NamedScenario", "certain_case", "name_samples", "sampled_copy"]

CERTAIN_SCENARIO = "certain"
_SCENARIO_SHEETS = ("Disruptions", "PriceShocks")


@dataclass(frozen=True)
class NamedScenario:
    """A scenario as the copy writes it."""

    name: str
    probability: float
    description: str
    share_lost: Mapping[tuple[str, str, int], float]  # (x, m, t) -> δ
    multiplier: Mapping[tuple[str, int], float]  # (m, t) -> μ


def _find(raw: RawWorkbook, name: str) -> RawSheet | None:
    return next((s for s in raw.sheets.values() if column_key(s.name) == column_key(name)), None)


def certain_case(raw: RawWorkbook) -> Case:
    """The case of `raw` with one scenario and only the certain disruptions and price shocks."""
    copy = raw.copy()
    scenarios = _find(copy, "Scenarios")
    if scenarios is None:
        scenarios = RawSheet("Scenarios")
        copy.sheets["Scenarios"] = scenarios
    scenarios.header = ["scenario", "probability"]
    scenarios.rows = []
    scenarios.append({"scenario": CERTAIN_SCENARIO, "probability": 1})
    for name in _SCENARIO_SHEETS:
        sheet = _find(copy, name)
        if sheet is None:
            continue
        index = sheet.column_index("scenario")
        if index is not None:
            sheet.rows = [row for row in sheet.rows if not cell_text(row[index])]
    case, _warnings = case_from_raw(copy)
    return case


def name_samples(
    samples: list[SampledScenario], total: int, share: float, taken: Iterable[str] = ()
) -> list[NamedScenario]:
    """Names `sample_001` ... and probabilities weight / total · share for merged samples."""
    width = max(3, len(str(len(samples))))
    used = set(taken)
    named = []
    for i, sample in enumerate(samples, start=1):
        name = f"sample_{i:0{width}d}"
        if name in used:
            raise PlannerError(
                f"the case already has a scenario named {name}; rename it to keep it beside "
                "the samples"
            )
        named.append(
            NamedScenario(
                name,
                sample.weight / total * share,
                sample.description,
                sample.share_lost,
                sample.multiplier,
            )
        )
    return named


def kept_scenarios(case: Case, share: float) -> list[NamedScenario]:
    """The case's own scenarios with their probabilities scaled by `share`."""
    kept = []
    for w, scenario in case.scenarios.items():
        share_lost = {(x, m, t): v for (ww, x, m, t), v in case.share_lost.items() if ww == w}
        multiplier = {(m, t): v for (ww, m, t), v in case.price_multiplier.items() if ww == w}
        kept.append(
            NamedScenario(
                w, scenario.probability * share, scenario.description, share_lost, multiplier
            )
        )
    return kept


def sampled_copy(raw: RawWorkbook, scenarios: list[NamedScenario]) -> RawWorkbook:
    """`raw` with its scenario sheets replaced by `scenarios`."""
    copy = raw.copy()
    sheet = _replace(copy, "Scenarios", ["scenario", "probability", "description"])
    for scenario in scenarios:
        sheet.append(
            {
                "scenario": scenario.name,
                "probability": scenario.probability,
                "description": scenario.description,
            }
        )
    disruption_header: list[Value] = [
        "scenario",
        "source",
        "mineral",
        "from_year",
        "to_year",
        "share_lost",
    ]
    disruptions = _replace(copy, "Disruptions", disruption_header)
    shock_header: list[Value] = ["scenario", "mineral", "from_year", "to_year", "multiplier"]
    shocks = _replace(copy, "PriceShocks", shock_header)
    for scenario in scenarios:
        for (x, m), start, end, value in _runs(scenario.share_lost):
            disruptions.append(
                {
                    "scenario": scenario.name,
                    "source": x,
                    "mineral": m,
                    "from_year": start,
                    "to_year": end,
                    "share_lost": value,
                }
            )
        by_mineral = {(m, "", t): v for (m, t), v in scenario.multiplier.items()}
        for (m, _), start, end, value in _runs(by_mineral):
            shocks.append(
                {
                    "scenario": scenario.name,
                    "mineral": m,
                    "from_year": start,
                    "to_year": end,
                    "multiplier": value,
                }
            )
    return copy


def _replace(raw: RawWorkbook, name: str, header: list[Value]) -> RawSheet:
    """An emptied sheet `name` with `header` (added at the end when the workbook lacks it)."""
    sheet = _find(raw, name)
    if sheet is None:
        sheet = RawSheet(name)
        raw.sheets[name] = sheet
    sheet.header = list(header)
    sheet.rows = []
    return sheet


def _runs(
    values: Mapping[tuple[str, str, int], float],
) -> list[tuple[tuple[str, str], int, int, float]]:
    """Runs of consecutive years with one value per (first, second) key, in key order."""
    runs: list[tuple[tuple[str, str], int, int, float]] = []
    for (a, b, t), value in sorted(values.items()):
        if runs:
            pair, start, end, last = runs[-1]
            if pair == (a, b) and end == t - 1 and last == value:
                runs[-1] = (pair, start, t, value)
                continue
        runs.append(((a, b), t, t, value))
    return runs
