"""`planner evaluate`: a plan's first stage fixed, evaluated on fresh sampled scenarios."""

from __future__ import annotations

from pathlib import Path

import click

from planner.commands.common import check_outputs
from planner.evaluate.command import EvaluateOptions

__all__ = ["EvaluateOptions", "evaluate_command"]


def default_evaluation_path(results_path: Path) -> Path:
    """`<results stem>-evaluation.xlsx` in the current folder."""
    return Path.cwd() / f"{results_path.stem}-evaluation.xlsx"


def evaluate_command(
    input_path: Path,
    results_path: Path,
    output: Path | None,
    options: EvaluateOptions,
    *,
    progress: bool | None = None,
) -> None:
    """Run `planner evaluate` with a progress bar over the scenarios (None: on a terminal)."""
    from tqdm import tqdm

    from planner.evaluate.command import evaluate_results
    from planner.evaluate.report import summary_text

    output = output or default_evaluation_path(results_path)
    check_outputs(input_path, output, None, what="the evaluation workbook")
    bar = tqdm(total=None, unit="scenario", disable=None if progress is None else not progress)

    def advance(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        evaluation, estimate = evaluate_results(
            input_path, results_path, output, options, progress=advance
        )
    finally:
        bar.close()
    click.echo(summary_text(evaluation))
    if estimate is not None:
        click.echo(
            f"Optimality gap ({len(estimate.gaps)} batches of {estimate.batch}): "
            f"{estimate.mean:,.0f} USD, at most {estimate.upper:,.0f} USD (95%)."
        )
    click.echo(f"Results  {output}")
