"""The scenario tree's size: scenarios are one node until their data differ (model.md 15)."""

from __future__ import annotations

from planner.scenarios.case_copy import NamedScenario
from planner.scenarios.tree import tree_size


def _scenario(name: str, bans: dict[tuple[str, str, int], float]) -> NamedScenario:
    return NamedScenario(name, 0.25, "", bans, {})


def test_scenarios_share_a_node_until_their_first_difference() -> None:
    """calm and late agree in 2030 (no ban yet), early differs from 2030 on; in 2031 late's ban
    splits it from calm; half_late bans 2031 at another share, so it splits from late too.
    Nodes: 2030 → {calm, late, half_late}, {early} = 2; 2031 → 4; 2032 → 4."""
    scenarios = [
        _scenario("calm", {}),
        _scenario("early", {("China", "Ga", 2030): 1.0}),
        _scenario("late", {("China", "Ga", 2031): 1.0}),
        _scenario("half_late", {("China", "Ga", 2031): 0.5}),
    ]
    tree = tree_size(scenarios, range(2030, 2033))
    assert tree.nodes == {2030: 2, 2031: 4, 2032: 4}
    assert (tree.total, tree.unshared) == (10, 12)


def test_price_shocks_split_histories_too() -> None:
    a = NamedScenario("a", 0.5, "", {}, {("Ga", 2031): 2.0})
    b = NamedScenario("b", 0.5, "", {}, {})
    assert tree_size([a, b], range(2030, 2032)).nodes == {2030: 1, 2031: 2}
