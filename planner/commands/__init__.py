"""What each `planner` command does, apart from parsing its options (that is `planner.cli`).

- `common`: the bundled case, default output paths, the checks every output path passes before
  any work starts, the exit code of each solve status, the one-line status of a running solve;
- `inputs`: `template`, `validate` and `convert`;
- `solve`: `solve` and `check`;
- `sweep`: `sweep` (the sweep itself, and its option policy, live in `planner.sweep`).

Each function takes parsed values (paths, `SolveOptions`, `SweepOptions`), prints what the user
reads, and returns the exit code or raises a `PlannerError`.
"""
