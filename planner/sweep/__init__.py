"""Sensitivity sweeps: many solves of one case with some inputs moved, recorded and compared.

`planner sweep` is the command; `run_sweep` the same from Python. Modules, in the order a sweep
uses them: `definition` (the text of what varies), `target` (matched to workbook cells), `expand`
(the runs of each mode), `store` (the output folder, resume), `execute` (local processes or Dask),
`job` (one run in a worker), `summary` (its figures), `report` and `charts` (the results).
"""
