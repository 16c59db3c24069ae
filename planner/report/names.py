"""Every results-sheet and column name the report, the Overview sheet and `compare` read.

Kept in one place so that aligning with the results layout (planner/results/layout.py) after a
change is one edit here. Sheets of model revision 3 that other branches add (the scenario tree,
member spending, capped sources, stock obligations, the value of decisions, risk) are named as
their specs describe them; a sheet or column that a workbook lacks is simply not shown.
"""

from __future__ import annotations

from planner.outcome import COST_COMPONENTS

SUMMARY = "Summary"
SITES = "Sites"
CFD = "CfD"
STOCKPILE = "Stockpile"
BALANCE = "Balance"
SCENARIO_COSTS = "ScenarioCosts"
DIAGNOSIS = "Diagnosis"
UNITS = "Units"
OVERVIEW = "Overview"
# Revision 3 and later (absent from today's workbooks).
TREE = "Tree"
SPENDING = "Spending"  # one row per member: budget and first-stage spending
CAPPED_SOURCES = "SupplyCaps"
VALUE = "Value"
RISK = "Risk"

# Sheets the reader loads (with their continuation parts `Balance 2`, ...); SiteOutput and
# External are not shown and would only cost reading time.
READ_SHEETS = (
    SUMMARY,
    SITES,
    CFD,
    STOCKPILE,
    BALANCE,
    SCENARIO_COSTS,
    DIAGNOSIS,
    TREE,
    SPENDING,
    CAPPED_SOURCES,
    VALUE,
    RISK,
)

# Summary metrics.
STATUS = "status"
MESSAGE = "message"
OBJECTIVE = "objective"
EXPECTED_COST = "expected_cost"
CVAR = "cvar"
MIP_GAP = "mip_gap"
SPEND_CAPEX = "spend_capex"
SPEND_STOCKPILE = "spend_stockpile"
BUDGET = "budget"
START_YEAR = "start_year"
END_YEAR = "end_year"
INPUT = "input"
INPUT_SHA256 = "input_sha256"
PLANNER_VERSION = "planner_version"
HIGHS_VERSION = "highs_version"
COST_METRICS = tuple(f"cost_{component}" for component in COST_COMPONENTS)
COMPONENTS = COST_COMPONENTS
# Statuses with a plan to show.
PLAN_STATUSES = ("optimal", "time_limit_feasible")

# Columns.
SCENARIO = "scenario"
MINERAL = "mineral"
COUNTRY = "country"
YEAR = "year"
SITE = "site"
BUILT = "built"
BUILD_YEAR = "build_year"
ONLINE_YEAR = "online_year"
NEW_CAPACITY = "new_capacity"
CAPEX = "capex"
OFFER = "offer"
GROUP = "group"
KIND = "kind"
STRIKE = "strike"
VOLUME = "volume"
OFFER_START = "start_year"
OFFER_END = "end_year"
ACCEPTED = "accepted"
EXPECTED_PAYMENT = "expected_payment"
PURCHASE = "purchase"
PURCHASE_COST = "purchase_cost"
EXPECTED_INVENTORY = "expected_inventory"
MIN_INVENTORY = "min_inventory"
MAX_INVENTORY = "max_inventory"
OBLIGATION = "obligation"  # Stockpile, revision 3: tonnes the member must hold (model.md 12)
INVENTORY = "inventory"  # Balance: per scenario
COVERAGE = "coverage"
PROBABILITY = "probability"
COST = "cost"
SHORTFALL = "shortfall"
CONSTRAINT = "constraint"
UNIT = "unit"
SPENT = "spent"  # Spending, revision 3: a member's first-stage spending (USD)
