"""The `planner` command line: one click group and one error boundary for the exit codes."""

from __future__ import annotations

import click

from planner import __version__


def _versions() -> str:
    import highspy
    import pyomo.version

    highs = highspy.Highs()
    return (
        f"planner {__version__}, Pyomo {pyomo.version.version}, "
        f"HiGHS {highs.version()}"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(message="%(version)s", version=__version__)
def main() -> None:
    """Plan critical-mineral security for an alliance of countries."""
