"""What several commands share: the bundled case, output paths and their checks, exit codes,
and the one-line status shown while a solve runs."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from planner.errors import PlannerError
from planner.files import refuse_special_file
from planner.outcome import Status

if TYPE_CHECKING:
    from planner.case import Case

EXIT_CODES: dict[Status, int] = {
    "optimal": 0,
    "time_limit_feasible": 0,
    "infeasible": 3,
    "time_limit_no_solution": 4,
    "solver_error": 5,
}

# The bundled cases, in order of preference: the real-data case, then the small example.
BUNDLED = ("alliance-2026.xlsx", "alliance-2026", "example")


def bundled_input() -> Path:
    """The case `planner solve` (and `planner sweep`) takes when given no INPUT."""
    folder = Path(str(resources.files("planner.inputs")))
    for name in BUNDLED:
        candidate = folder / name
        if candidate.exists():
            return candidate
    raise PlannerError(f"no bundled case found in {folder}; give an INPUT")


def case_name(input_path: Path) -> str:
    """A case's name: a workbook's stem, a CSV folder's name."""
    workbook = input_path.suffix.lower() in (".xlsx", ".xlsm")
    return input_path.stem if workbook else input_path.name


def default_results_path(input_path: Path) -> Path:
    """`<case name>-results.xlsx` in the current folder."""
    return Path.cwd() / f"{case_name(input_path)}-results.xlsx"


def refuse_inside_input(output: Path, input_path: Path, what: str = "the output") -> None:
    """A PlannerError when `output` is the input itself or lies inside a CSV-folder input."""
    source = input_path.resolve()
    target = output.resolve()
    if target == source:
        raise PlannerError(
            f"{output} is the input itself; write {what} to another path so that the input "
            "stays unchanged"
        )
    if source.is_dir() and target.is_relative_to(source):
        raise PlannerError(
            f"{output} lies inside the input folder {input_path}; write {what} elsewhere so "
            "that the input stays unchanged"
        )


def check_output_file(path: Path, what: str) -> None:
    """Before any work: `path` can become a file (not a special file, not a folder, in a folder
    that exists)."""
    refuse_special_file(path, what)
    if path.is_dir():
        raise PlannerError(f"cannot write {what} {path}: it is a folder")
    if not path.parent.is_dir():
        raise PlannerError(f"cannot write {what} {path}: the folder {path.parent} does not exist")


def check_outputs(
    input_path: Path, output: Path, json_path: Path | None, *, what: str = "the output"
) -> None:
    """Refuse, before any work, an output or JSON path that would replace the input, land
    inside it, replace a special file, or name the same file twice."""
    check_output_file(output, what)
    refuse_inside_input(output, input_path, what)
    if json_path is not None:
        check_output_file(json_path, "the JSON summary")
        refuse_inside_input(json_path, input_path, "the JSON summary")
        if json_path.resolve() == output.resolve():
            raise PlannerError(f"{what} and the JSON summary are both {json_path}")


def read_input(input_path: Path) -> tuple[Case, float]:
    """Read and validate `input_path`, print its warnings and the `Read` line of the console
    summary; return the case and the seconds it took."""
    import click

    from planner.errors import format_issues
    from planner.validate import read_case

    started = time.perf_counter()
    case, warnings = read_case(input_path)
    seconds = time.perf_counter() - started
    if warnings:
        click.echo(format_issues(warnings), err=True)
    click.echo(f"Read     {input_path}: {case.describe()} ({seconds:.2f} s)")
    return case, seconds


class StatusLine:
    """Progress on stderr while a command works: the solver's stages and, every few seconds of a
    long solve, its best plan, bound and gap (`planner.progress`).

    On a terminal it is one line rewritten in place, with the seconds elapsed refreshed by a
    background tick so that a long step visibly progresses, and erased at the end. Elsewhere
    (stderr to a file or a pipe, with --progress) each message is a line of its own. Disabled (a
    no-op) unless asked for; the commands enable it on a terminal, or with --progress.
    """

    def __init__(self, enabled: bool, stream: TextIO | None = None, tick: float = 1.0) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.live = enabled and _is_terminal(self.stream)  # rewritten in place
        self.tick = tick
        self.message = ""
        self.started = time.perf_counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StatusLine:
        if self.live:
            self._thread = threading.Thread(target=self._refresh, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop showing anything (erase the line on a terminal); later messages are dropped."""
        self.enabled = False
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self._overwrite("")

    def show(self, message: str) -> None:
        """Replace the status message (on a terminal) or print it as a line (elsewhere)."""
        self.message = message
        if not self.enabled:
            return
        if self.live:
            self._draw()
        else:
            self._emit(message + "\n")

    def _refresh(self) -> None:
        while not self._stop.wait(self.tick):
            self._draw()

    def _draw(self) -> None:
        elapsed = time.perf_counter() - self.started
        self._overwrite(f"{self.message} … {elapsed:.0f} s")

    def _overwrite(self, text: str) -> None:
        """`text` over the current line, fitted to the terminal's width; the cursor goes back to
        the start of the line so that the next message overwrites it."""
        width = shutil.get_terminal_size().columns - 1
        self._emit("\r" + text[:width].ljust(width) + "\r")

    def _emit(self, text: str) -> None:
        with self._lock:
            self.stream.write(text)
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
