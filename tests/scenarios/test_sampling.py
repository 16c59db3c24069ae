"""Sampling from hazards: reproducible, faithful to the probabilities, groups start together.

Binomial bounds: with n samples and probability p, a frequency lies within 5 standard deviations
sqrt(p(1 − p)/n) of p except with probability below 1e-6, so these tests fail only on a real bias.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.io import read_raw
from planner.io.raw import RawSheet
from planner.scenarios.command import read_hazard_case
from planner.scenarios.hazards import Hazard, HazardGroup, read_hazards
from planner.scenarios.sampling import draw_bans, sample_scenarios
from planner.validate import case_from_raw

KNOWN = Path(__file__).parents[1] / "evaluate" / "known"


def _hazard(**changes: object) -> Hazard:
    base = Hazard(2, "g", "China", ("Ga",), 0.3, 1, 1, 0.75, 0.75, 2.0, 2030)
    return replace(base, **changes)  # type: ignore[arg-type]


def _within(count: int, n: int, p: float) -> bool:
    return abs(count / n - p) <= 5 * math.sqrt(p * (1 - p) / n)


def test_same_seed_same_samples_other_seed_other_samples() -> None:
    source = read_hazard_case(KNOWN)
    first = source.sample(200, seed=5, merge=False)
    assert first == source.sample(200, seed=5, merge=False)
    assert first != source.sample(200, seed=6, merge=False)


def test_yearly_start_probability_and_duration_match_the_hazard() -> None:
    """p = 0.3, bans of 2 or 3 years (equally likely), horizon 2030–2039.

    A ban starts in 2030 with probability p; P(no ban in 10 years) = (1 − p)^10 because each year
    without a running ban is a fresh trial; durations 2 and 3 each occur half the time among bans
    that the horizon does not cut.
    """
    group = HazardGroup("g", 0.3, 2030, (_hazard(min_duration=2, max_duration=3),))
    n = 20_000
    drawn = draw_bans([group], range(2030, 2040), n, seed=11)
    assert _within(sum(any(b.start == 2030 for b in bans) for bans in drawn), n, 0.3)
    assert _within(sum(not bans for bans in drawn), n, 0.7**10)
    uncut = [b for bans in drawn for b in bans if b.start <= 2036]
    assert _within(sum(b.end - b.start + 1 == 2 for b in uncut), len(uncut), 0.5)
    for bans in drawn:  # a group never starts a ban while one runs
        for earlier, later in itertools.pairwise(bans):
            assert later.start > earlier.end


def test_rows_of_a_group_start_together_and_other_groups_independently() -> None:
    ga = _hazard(min_share=0.5, max_share=1.0)
    ge = _hazard(minerals=("Ge",), min_share=0.2, max_share=0.4)
    together = HazardGroup("g", 0.3, 2030, (ga, ge))
    alone = HazardGroup("h", 0.5, 2030, (_hazard(group="h", source="Russia"),))
    n = 20_000
    drawn = draw_bans([together, alone], range(2030, 2032), n, seed=3)
    both = 0
    for bans in drawn:
        starts = {(b.hazard.minerals, b.start) for b in bans if b.hazard.group == "g"}
        assert {s for _, s in starts if _ == ("Ga",)} == {s for _, s in starts if _ == ("Ge",)}
        shares = [b for b in bans if b.hazard.group == "g"]
        for first, second in zip(shares[::2], shares[1::2], strict=True):
            # One share quantile per group: Ga's share in [0.5, 1] maps to Ge's in [0.2, 0.4].
            assert (first.share - 0.5) / 0.5 == pytest.approx((second.share - 0.2) / 0.2, abs=1e-3)
        ga_2030 = any(b.hazard.group == "g" and b.start == 2030 for b in bans)
        russia_2030 = any(b.hazard.group == "h" and b.start == 2030 for b in bans)
        both += ga_2030 and russia_2030
    assert _within(both, n, 0.3 * 0.5)


def test_identical_samples_merge_with_their_weights_added() -> None:
    source = read_hazard_case(KNOWN)
    merged = source.sample(1000, seed=1)
    # One hazard, one-year bans of a fixed share over two years: four possible scenarios.
    assert len(merged) == 4 and sum(s.weight for s in merged) == 1000
    assert len({s.key for s in merged}) == 4
    calm = next(s for s in merged if not s.share_lost)
    assert calm.description == "no ban" and _within(calm.weight, 1000, 0.7**2)


def test_largest_share_and_multiplier_apply_where_bans_overlap_a_certain_cut() -> None:
    group = HazardGroup("g", 1.0, 2030, (_hazard(multiplier=1.5),))
    [scenario] = sample_scenarios(
        [group], range(2030, 2032), 1, 0, {("China", "Ga", 2030): 0.9}, {("Ga", 2031): 3.0}
    )
    assert scenario.share_lost == {("China", "Ga", 2030): 0.9, ("China", "Ga", 2031): 0.75}
    assert scenario.multiplier == {("Ga", 2030): 1.5, ("Ga", 2031): 3.0}


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ({"source": "Mars"}, "source", "no Sources row for source 'Mars'"),
        ({"mineral": "Ge"}, "mineral", "has no Sources row for 'Ge'"),
        ({"max_duration": 0}, "max_duration", "must be ≥ 1"),
        ({"max_share": 0.5}, "max_share", "must be ≥ min_share (0.5 < 0.75)"),
        ({"probability": "120%"}, "probability", "must be in [0, 1]"),
    ],
)
def test_hazard_mistakes_name_sheet_row_and_column(
    row: dict[str, object], column: str, message: str
) -> None:
    raw = read_raw(KNOWN)
    case, _ = case_from_raw(raw)
    sheet: RawSheet = raw.sheet("Hazards")
    for name, value in row.items():
        sheet.set(2, name, value)  # type: ignore[arg-type]
    with pytest.raises(InputError) as caught:
        read_hazards(raw, case)
    [issue] = caught.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("Hazards", 2, column)
    assert message in issue.message


def test_rows_of_a_group_must_agree_on_their_probability() -> None:
    raw = read_raw(KNOWN)
    case, _ = case_from_raw(raw)
    raw.sheet("Hazards").append(
        {
            "group": "china",
            "source": "China",
            "mineral": "Ga",
            "probability": 0.1,
            "min_duration": 1,
            "min_share": 1,
        }
    )
    with pytest.raises(InputError) as caught:
        read_hazards(raw, case)
    messages = [(i.row, i.column, i.message) for i in caught.value.issues]
    assert messages[0][:2] == (3, "probability") and "every row of a group" in messages[0][2]
    assert messages[1][:2] == (3, "mineral") and "already covers China / Ga" in messages[1][2]
