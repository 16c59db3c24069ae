"""Out-of-sample evaluation on a case whose second-stage cost is known by hand.

The case (tests/evaluate/known): one mineral Ga, one member A demanding 10 t in 2030 and 2031,
China supplies up to 20 t/yr at 100 USD/t, shortage costs 1000 USD/t, no discounting, no
terminal value. Hazard: in each year China cuts 75% of its Ga exports with probability 0.3 for
one year, and the price doubles while it lasts. Each year is an independent trial (a one-year ban
ends before the next year's draw).

The plan accepts the CfD offer (2 t/yr at a two-sided strike of 500 USD/t: 1000 USD/yr) and
builds nothing. Per year:
- no ban: buy the other 8 t at 100: 800 + 1000 = 1800 USD;
- ban: 5 t are left at 200 USD/t: 1000, the other 3 t are short: 3000, plus 1000 = 5000 USD.
So Cost = 3600 (no ban), 6800 (one year banned), 10000 (both), and the true expected cost is
2·(0.7·1800 + 0.3·5000) = 5520 USD.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import highspy
import pytest
from pyomo.core.base.var import VarData

from planner.build import build_model
from planner.case import Case, Scenario
from planner.evaluate.first_stage import FirstStage
from planner.evaluate.lp import Evaluator
from planner.evaluate.run import evaluate_plan, summarise, warm_start_order
from planner.handoff import compile_to_highs, new_highs
from planner.scenarios.command import read_hazard_case
from planner.scenarios.sampling import SampledScenario

KNOWN = Path(__file__).parent / "known"
CONTRACT = FirstStage(accepted=frozenset({"contract"}))
TRUE_MEAN = 5520.0


def test_each_scenario_costs_what_the_hand_derivation_says() -> None:
    source = read_hazard_case(KNOWN)
    evaluator = Evaluator(source.certain, CONTRACT)
    costs = {}
    for scenario in source.sample(400, seed=4):
        result = evaluator.solve(scenario.share_lost, scenario.multiplier)
        costs[len(scenario.share_lost)] = result.cost
        assert not result.beyond_coverage and not result.not_found
    assert costs == pytest.approx({0: 3600.0, 1: 6800.0, 2: 10000.0})


def test_interval_covers_the_true_cost_in_at_least_90_of_100_replications() -> None:
    source = read_hazard_case(KNOWN)
    evaluator = Evaluator(source.certain, CONTRACT)
    solved: dict[tuple, object] = {}
    covered = 0
    for seed in range(100):
        scenarios = source.sample(200, seed=1000 + seed)
        results = []
        for s in scenarios:  # each distinct scenario is solved once; the LP is the real one
            if s.key not in solved:
                solved[s.key] = evaluator.solve(s.share_lost, s.multiplier)
            results.append(solved[s.key])
        evaluation = summarise(scenarios, results)  # type: ignore[arg-type]
        assert evaluation.samples == 200
        covered += evaluation.low <= TRUE_MEAN <= evaluation.high
    assert covered >= 90


def test_coverage_the_plan_cannot_keep_is_reported_where_it_fails() -> None:
    """With coverage 0.9, a ban leaves 5 + 2 = 7 t of 10: 2 t beyond the 1 t allowed short."""
    source = read_hazard_case(KNOWN)
    minerals = {"Ga": replace(source.certain.minerals["Ga"], coverage=0.9)}
    evaluator = Evaluator(replace(source.certain, minerals=minerals), CONTRACT)
    banned = {("China", "Ga", 2031): 0.75}
    result = evaluator.solve(banned, {("Ga", 2031): 2.0})
    assert result.beyond_coverage == pytest.approx({("Ga", "A", 2031): 2.0})
    assert result.cost == pytest.approx(6800.0)  # tonnes beyond coverage cost the penalty


def test_purchases_a_ban_leaves_undeliverable_are_reported_not_infeasible() -> None:
    """12 t planned for 2031, a ban leaves 5 t, and the stockpile cannot release (max_release
    0, so bought tonnes cannot be sent straight back to the pool, which revision 2 allows).
    Fewest unfound tonnes: the 5 t and the contract's 2 t (sent to the pool) go to the purchase,
    so 12 − 5 − 2 = 5 t are not found and A is 10 t short. Cost: 1800 (2030) +
    5·200 + 10·1000 + 1000 (2031) = 13800; unfound tonnes cost nothing, they are reported."""
    source = read_hazard_case(KNOWN)
    place = source.certain.stockpiles["A", "Ga"]
    certain = replace(source.certain, stockpiles={("A", "Ga"): replace(place, max_release=0.0)})
    plan = replace(CONTRACT, purchases={("A", "Ga", 2031): 12.0})
    result = Evaluator(certain, plan).solve({("China", "Ga", 2031): 0.75}, {("Ga", 2031): 2.0})
    assert result.not_found == pytest.approx({("Ga", 2031): 5.0})
    assert result.cost == pytest.approx(13800.0)


def full_solve(certain: Case, scenario: SampledScenario, plan: FirstStage) -> float:
    """Cost of `scenario` from a newly built model of that scenario alone, first stage fixed."""
    case = replace(
        certain,
        scenarios={"one": Scenario("one", 1.0)},
        share_lost={("one", *k): v for k, v in scenario.share_lost.items()},
        price_multiplier={("one", *k): v for k, v in scenario.multiplier.items()},
    )
    built = build_model(case)
    model = built.model
    values: list[tuple[VarData, float]] = []
    for (s, t), var in model.y.items():
        year, capacity = plan.builds.get(s, (None, 0.0))
        values += [(var, 1.0 if t == year else 0.0), (model.x[s, t], capacity if t == year else 0)]
    values += [(var, 1.0 if o in plan.accepted else 0.0) for o, var in model.z.items()]
    values += [(var, plan.purchases.get((r, m, t), 0.0)) for (m, r, t), var in model.p.items()]
    # Fixed through bounds, not var.fix: a plan read from a workbook may meet a first-stage row
    # such as the purchase limit (4) only to rounding, which HiGHS accepts and Pyomo's compiler,
    # seeing a constant row, does not.
    for var, value in values:
        var.setlb(value)
        var.setub(value)
    highs = new_highs()
    compile_to_highs(built, highs)
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal, scenario.description
    return float(highs.getInfo().objective_function_value)


def with_obligation(certain: Case, min_days: float) -> Case:
    """`certain` with A's Ga stockpile obliged to hold `min_days` of demand from 2030."""
    place = replace(certain.stockpiles["A", "Ga"], min_days=min_days)
    return replace(certain, stockpiles={("A", "Ga"): place})


@pytest.mark.parametrize("min_days", [None, 73.0], ids=["no obligation", "obligation of 2 t"])
def test_per_scenario_costs_equal_a_fresh_model_with_the_first_stage_fixed(
    min_days: float | None,
) -> None:
    """A plan with a build and purchases; each scenario against its own newly built model.

    With the obligation A must hold 73/365·10 = 2 t of its 4 t bought in 2030 until Ga's first
    ban: the sampled scenarios differ in which obligation rows they drop."""
    source = read_hazard_case(KNOWN)
    certain = source.certain if min_days is None else with_obligation(source.certain, min_days)
    plan = FirstStage(
        builds={"mill": (2030, 3.0)},
        accepted=frozenset({"contract"}),
        purchases={("A", "Ga", 2030): 4.0},
    )
    evaluator = Evaluator(certain, plan)
    for scenario in source.sample(50, seed=8):
        result = evaluator.solve(scenario.share_lost, scenario.multiplier)
        fresh = full_solve(certain, scenario, plan)
        assert result.cost == pytest.approx(fresh, rel=1e-9), scenario.description


def test_an_obligation_is_waived_from_the_year_a_ban_starts_and_restored_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A must hold a year of demand (min_days 365: 10 t) from 2030; the plan buys 10 t in 2030.

    2030 (no ban in either scenario below): 2 t from the contract, 8 t of demand and the 10 t
    purchase from China at 100: 1800 + contract 1000 = 2800 USD; the stock ends at 10 t.
    2031 without a ban: the obligation holds, so the stock stays; 8 t from China: 800 + 1000 =
    1800, total 4600.
    2031 with the ban (75% cut, price doubled): first(Ga) = 2031, so the obligation is waived in
    2031 and A releases 8 t held since 2030 (the release rule allows 10): only the contract,
    1000, total 3800. Keeping the obligation would leave 5 t at 200 and 3 t short at 1000:
    1000 + 3000 + 1000 = 5000, total 7800. So 3800 shows that the row was dropped, and the
    no-ban scenario evaluated after it (4600) that it was restored."""
    source = read_hazard_case(KNOWN)
    certain = with_obligation(source.certain, 365.0)
    plan = replace(CONTRACT, purchases={("A", "Ga", 2030): 10.0})
    ban = SampledScenario({("China", "Ga", 2031): 0.75}, {("Ga", 2031): 2.0}, "ban in 2031")
    calm = SampledScenario({}, {}, "no ban")
    evaluator = Evaluator(certain, plan)
    costs = [evaluator.solve(s.share_lost, s.multiplier).cost for s in (ban, calm, ban)]
    assert costs == pytest.approx([3800.0, 4600.0, 3800.0])
    assert full_solve(certain, ban, plan) == pytest.approx(3800.0)
    assert full_solve(certain, calm, plan) == pytest.approx(4600.0)
    # The same LP with the obligation rows left as the certain model has them.
    monkeypatch.setattr(Evaluator, "_set_obligations", lambda self, share_lost: None)
    kept = Evaluator(certain, plan).solve(ban.share_lost, ban.multiplier)
    assert kept.cost == pytest.approx(7800.0)


def test_stock_a_plan_did_not_buy_for_its_obligation_is_reported_not_infeasible() -> None:
    """The obligation is 10 t (365 days) from 2030, the plan buys only 5 t in 2030.

    No ban: the stock is held (releasing would only deepen the shortfall), 5 t below in 2030 and
    in 2031. 2030: 8 t of demand and the 5 t purchase from China at 100, 1300 + contract 1000 =
    2300; 2031: 8 t at 100 + 1000 = 1800; Cost 4100 (tonnes below the obligation cost nothing).
    Ban in 2031: only 2030 is short of the obligation; 2031 releases the 5 t, 2 t come from the
    contract and 3 t from China at 200: 600 + 1000 = 1600; Cost 3900."""
    source = read_hazard_case(KNOWN)
    certain = with_obligation(source.certain, 365.0)
    plan = replace(CONTRACT, purchases={("A", "Ga", 2030): 5.0})
    evaluator = Evaluator(certain, plan)
    calm = evaluator.solve({}, {})
    assert calm.below_obligation == pytest.approx({("Ga", "A", 2030): 5.0, ("Ga", "A", 2031): 5.0})
    assert calm.cost == pytest.approx(4100.0)
    ban = evaluator.solve({("China", "Ga", 2031): 0.75}, {("Ga", 2031): 2.0})
    assert ban.below_obligation == pytest.approx({("Ga", "A", 2030): 5.0})
    assert ban.cost == pytest.approx(3900.0)
    assert not ban.beyond_coverage and not ban.not_found


def test_worker_processes_and_dask_give_the_same_costs_as_one_process() -> None:
    distributed = pytest.importorskip("distributed")
    source = read_hazard_case(KNOWN)
    scenarios = source.sample(60, seed=2, merge=False)
    one = evaluate_plan(source.certain, CONTRACT, scenarios, workers=1)
    two = evaluate_plan(source.certain, CONTRACT, scenarios, workers=2)
    cluster = distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0")
    with cluster:
        dask = evaluate_plan(
            source.certain, CONTRACT, scenarios, dask_address=cluster.scheduler_address
        )
    costs = [r.cost for r in one.results]
    assert [r.cost for r in two.results] == costs == [r.cost for r in dask.results]
    assert one.mean == pytest.approx(two.mean)


def test_results_come_back_in_the_samples_order_though_solved_in_another() -> None:
    """Scenarios are solved with alike disruptions together (`warm_start_order`), which here
    puts the samples with no ban first; each result must still be its own sample's: 3600 USD
    with no ban, 6800 with one banned year, 10000 with two (the module's derivation)."""
    source = read_hazard_case(KNOWN)
    scenarios = source.sample(60, seed=5, merge=False)
    order = warm_start_order(scenarios)
    assert order != sorted(order)  # the samples are solved out of their order
    evaluation = evaluate_plan(source.certain, CONTRACT, scenarios, workers=1)
    expected = {0: 3600.0, 1: 6800.0, 2: 10000.0}
    costs = [result.cost for result in evaluation.results]
    assert costs == pytest.approx([expected[len(s.share_lost)] for s in scenarios])
