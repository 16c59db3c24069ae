"""The Pyomo formulation of spec/model.md, one module per component (imported as planner.models)."""
