"""The checker's own first(m,ω), obligations and histories, on random disruptions (hypothesis).

The checker computes them from the case without the model; `Case.first_disrupted` and
`Case.obligation` are the input layer's versions that the model and the tables use. Two
implementations that agree on random inputs make a slip in either show.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.case import Case
from planner.results.checks.stockpiles import first_disrupted, required_stock
from planner.results.checks.tree import history_classes
from tests.results.hand_plan import hand_case

YEARS = range(2026, 2031)
SCENARIOS = ("s1", "s2", "s3")
SHARES = st.sampled_from([0.0, 0.25, 0.5, 1.0])


@st.composite
def disrupted_cases(draw: st.DrawFn) -> Case:
    """The hand case over 2026-2030 with three scenarios and random disruptions, price shocks and
    obligation settings."""
    keys = st.tuples(
        st.sampled_from(SCENARIOS),
        st.sampled_from(("X", "Y")),
        st.just("M"),
        st.sampled_from(YEARS),
    )
    share_lost = draw(st.dictionaries(keys, SHARES, max_size=6))
    shocks = draw(
        st.dictionaries(
            st.tuples(st.sampled_from(SCENARIOS), st.just("M"), st.sampled_from(YEARS)),
            st.sampled_from([1.0, 1.5, 2.0]),
            max_size=3,
        )
    )
    base = hand_case()
    place = dataclasses.replace(
        base.stockpiles["A", "M"],
        min_days=draw(st.sampled_from([None, 30.0, 90.0])),
        obligation_from=draw(st.sampled_from([None, 2027, 2029])),
    )
    return dataclasses.replace(
        base,
        settings=dataclasses.replace(base.settings, end_year=YEARS[-1]),
        scenarios={
            w: dataclasses.replace(base.scenarios["calm"], name=w, probability=1 / 3)
            for w in SCENARIOS
        },
        price={("M", t): 100.0 for t in YEARS},
        demand={("M", r, t): 10.0 + t - YEARS[0] for r in "AB" for t in YEARS},
        share_lost=share_lost,
        price_multiplier=shocks,
        stockpiles={("A", "M"): place},
    )


@settings(max_examples=60, deadline=None)
@given(disrupted_cases())
def test_first_disrupted_years_and_obligations_agree_with_the_case(case: Case):
    first = first_disrupted(case)
    assert first == case.first_disrupted()
    for w in case.scenarios:
        for t in case.years:
            assert required_stock(case, "A", "M", t, first.get(("M", w))) == (
                case.obligation("A", "M", t, w)
            )


@settings(max_examples=60, deadline=None)
@given(disrupted_cases())
def test_history_classes_partition_the_scenarios_and_only_split_over_time(case: Case):
    """Each year's classes partition Ω; a class of year t+1 lies inside one class of year t
    (histories only grow); two scenarios are together in year t exactly when their disruptions
    and price shocks up to t are equal."""
    classes = history_classes(case)
    for t in case.years:
        members = [w for group in classes[t] for w in group]
        assert sorted(members) == sorted(case.scenarios)
        if t + 1 in classes:
            for group in classes[t + 1]:
                assert any(set(group) <= set(parent) for parent in classes[t])
        for group in classes[t]:
            for w in group:
                assert _history(case, w, t) == _history(case, group[0], t)
        heads = [group[0] for group in classes[t]]
        assert len({_history(case, w, t) for w in heads}) == len(heads)


def _history(case: Case, w: str, t: int) -> frozenset[tuple[object, ...]]:
    lost = {
        (x, m, y, s) for (ww, x, m, y), s in case.share_lost.items() if ww == w and y <= t and s
    }
    prices = {
        (m, y, f)
        for (ww, m, y), f in case.price_multiplier.items()
        if ww == w and y <= t and f != 1
    }
    return frozenset(lost | prices)
