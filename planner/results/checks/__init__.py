"""The solution checker's parts, one module per seam (`planner.results.check` puts them together).

- `findings`: violations, the families that name them, tolerances.
- `reading`: the results workbook read back as plain rows with their places.
- `plan`: the plan read out of those rows (first and second stage), and the quantities derived
  from it and the case (online capacity, refined and contracted tonnes).
- `first_stage`: constraints 1-4, the budget 11 and member budgets 16.
- `supply`: refinery output 5, external supply 6 and supply caps 13.
- `stockpiles`: stockpile balance and release rule 7, stock obligations 12.
- `balances`: country balance 8, pool balance 9, coverage 10, closed stockpiles 14.
- `tree`: non-anticipativity 15 and the Tree sheet.
- `costs`: Cost(ω) by component, the expected cost, CVaR, the objective and CfD figures.

None of them imports the model code or Pyomo: every quantity (first disrupted years, histories,
obligations, caps) is computed here from the `Case`, straight from spec/model.md.
"""
