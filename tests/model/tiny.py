"""Build tiny cases in a few lines: everything not given takes a neutral default.

Defaults: one mineral ``Ga`` (price 100 USD/t, shortage penalty 1000 USD/t, no holding cost, no
coverage requirement), one country ``A`` without shipping cost, one scenario ``base``, discount
rate 0, no terminal value, MIP gap 0.
"""

from __future__ import annotations

from planner.case import (
    Case,
    Country,
    Mineral,
    Offer,
    Scenario,
    Settings,
    Site,
    SourceYear,
    Stockpile,
)

GA = Mineral("Ga", price=100.0, shortage_penalty=1000.0)


def tiny_case(
    *,
    start: int = 2025,
    end: int = 2025,
    minerals: tuple[Mineral, ...] = (GA,),
    countries: tuple[Country, ...] = (Country("A"),),
    sites: tuple[Site, ...] = (),
    offers: tuple[Offer, ...] = (),
    stockpiles: tuple[Stockpile, ...] = (),
    scenarios: tuple[Scenario, ...] = (Scenario("base", 1.0),),
    demand: dict[tuple[str, str, int], float] | None = None,
    supply: dict[tuple[str, str, int], SourceYear] | None = None,
    price: dict[tuple[str, int], float] | None = None,
    share_lost: dict[tuple[str, str, str, int], float] | None = None,
    price_multiplier: dict[tuple[str, str, int], float] | None = None,
    supply_cap: dict[tuple[str, str, int], float] | None = None,
    **settings: object,
) -> Case:
    """A valid `Case`; `settings` override the Settings fields (discount_rate=0 by default)."""
    options: dict[str, object] = {
        "discount_rate": 0.0,
        "terminal_value_fraction": 0.0,
        "mip_gap": 0.0,
    }
    options.update(settings)
    years = range(start, end + 1)
    base_price = {(m.name, t): m.price for m in minerals for t in years}
    base_price.update(price or {})
    return Case(
        settings=Settings(start_year=start, end_year=end, **options),
        minerals={m.name: m for m in minerals},
        countries={c.name: c for c in countries},
        sites={s.name: s for s in sites},
        offers={o.name: o for o in offers},
        stockpiles={(k.country, k.mineral): k for k in stockpiles},
        scenarios={w.name: w for w in scenarios},
        price=base_price,
        demand=dict(demand or {}),
        supply=dict(supply or {}),
        share_lost=dict(share_lost or {}),
        price_multiplier=dict(price_multiplier or {}),
        supply_cap=dict(supply_cap or {}),
    )


def every_year(value: object, start: int, end: int, *key: str) -> dict:
    """{(*key, t): value} for t in start..end: a row repeated over years."""
    return {(*key, t): value for t in range(start, end + 1)}
