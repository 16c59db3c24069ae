"""Hostile output paths and write faults: special files, outputs inside the input, a full disk,
Ctrl-C while writing, a writer killed outright, a read-only sweep folder.

Every test asserts the exit code, that no traceback is printed, that the input's bytes are
unchanged and that no stray file is left.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from planner.files import remove_stale_temporaries, write_atomically
from tests.hostile.cli_runner import planner
from tests.results.results_cases import EXAMPLE
from tests.sweep.sweep_cases import TINY


def digest(path: Path) -> str:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in files)).hexdigest()


def entries(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A copy of the example case as a CSV folder."""
    copy = tmp_path / "case"
    shutil.copytree(EXAMPLE, copy)
    return copy


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = tmp_path / "pipe.xlsx"
    os.mkfifo(path)
    return path


def _outputs(case: Path, fifo: Path) -> dict[str, list[object]]:
    return {
        "solve -o": ["solve", case, "-o", fifo],
        "solve --json": ["solve", case, "-o", fifo.parent / "r.xlsx", "--json", fifo],
        "sweep -o": ["sweep", case, "--vary", "Settings.budget=0,1", "-o", fifo],
        "convert OUTPUT": ["convert", case, fifo, "--force"],
        "template PATH": ["template", fifo, "--force"],
    }


@pytest.mark.parametrize(
    "which", ["solve -o", "solve --json", "sweep -o", "convert OUTPUT", "template PATH"]
)
def test_an_output_that_is_a_fifo_is_refused_before_any_work(
    which: str, case: Path, fifo: Path, tmp_path: Path
) -> None:
    before, listing = digest(case), entries(tmp_path)
    done = planner(*_outputs(case, fifo)[which], cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "named pipe (FIFO), not a regular file" in done.stderr
    assert "Read " not in done.stdout  # refused before the input was read or solved
    assert fifo.is_fifo()  # never replaced by a plain file
    assert digest(case) == before
    assert entries(tmp_path) == listing


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_dev_null_as_results_is_refused_and_stays_a_device(case: Path, tmp_path: Path) -> None:
    before, listing = digest(case), entries(tmp_path)
    done = planner("solve", case, "-o", "/dev/null", cwd=tmp_path)
    assert done.returncode == 1
    assert "cannot write the results /dev/null: it is a device" in done.stderr
    assert Path("/dev/null").is_char_device()
    assert not list(Path("/dev").glob(".null.*.tmp"))
    assert digest(case) == before and entries(tmp_path) == listing


def test_the_atomic_writer_itself_refuses_a_special_file(fifo: Path) -> None:
    from planner.errors import PlannerError

    with pytest.raises(PlannerError, match="named pipe"):
        write_atomically(fifo, lambda temporary: temporary.write_text("x"))
    assert fifo.is_fifo()
    assert [p.name for p in fifo.parent.iterdir()] == [fifo.name]


def test_convert_into_the_input_folder_is_refused(case: Path, tmp_path: Path) -> None:
    before, listing = digest(case), entries(tmp_path)
    done = planner("convert", case, case / "sub", "--force", cwd=tmp_path)
    assert done.returncode == 1
    assert "lies inside the input folder" in done.stderr
    assert digest(case) == before and entries(tmp_path) == listing


@pytest.mark.parametrize(
    "option",
    [
        ["--time-limit", "nan"],
        ["--mip-gap", "nan"],
        ["--mip-gap", "inf"],
        ["--time-limit", "-inf"],
        ["--mip-gap", "-1"],
    ],
)
def test_nan_and_meaningless_inf_are_usage_errors(
    option: list[str], case: Path, tmp_path: Path
) -> None:
    for command in (["solve", case], ["sweep", case, "--vary", "Settings.budget=0,1"]):
        done = planner(*command, *option, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "Usage: planner" in done.stderr
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob("*-sweep"))


def _failing_zip_write(monkeypatch: pytest.MonkeyPatch, fault: Callable[[], BaseException]) -> None:
    """The third file written into a workbook fails, mid-workbook, with `fault`."""
    original = zipfile.ZipFile.writestr
    calls = [0]

    def writestr(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        calls[0] += 1
        if calls[0] == 3:
            raise fault()
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)


@pytest.mark.parametrize(
    ("fault", "code", "message"),
    [
        (
            lambda: OSError(errno.ENOSPC, "No space left on device"),
            1,
            "error: cannot write r.xlsx: the disk is full (no space left on device); "
            "nothing was replaced\n",
        ),
        (KeyboardInterrupt, 130, "interrupted; nothing was written\n"),
    ],
    ids=["disk-full", "ctrl-c"],
)
def test_a_write_fault_gives_one_message_and_no_noise(
    fault: Callable[[], BaseException],
    code: int,
    message: str,
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Half-written openpyxl sheets would print "Exception ignored ... I/O operation on closed
    file" when collected; the writer frees them quietly, so stderr holds one message."""
    noise: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", noise.append)
    _failing_zip_write(monkeypatch, fault)
    before, listing = digest(case), entries(tmp_path)
    done = planner("solve", case, "-o", "r.xlsx", cwd=tmp_path)
    import gc

    gc.collect()
    assert done.returncode == code
    assert done.stderr == message
    assert noise == []
    assert digest(case) == before and entries(tmp_path) == listing


def test_a_temporary_left_by_a_killed_writer_is_cleaned_by_the_next_write(tmp_path: Path) -> None:
    """A writer killed by SIGKILL leaves `.NAME.PID-RANDOM.tmp`; the next write of NAME removes
    it when that process is gone, but never a temporary of a process still running."""
    dead = _dead_pid()
    stale = tmp_path / f".r.xlsx.{dead}-abcdefgh.tmp"
    live = tmp_path / f".r.xlsx.{os.getppid()}-abcdefgh.tmp"
    other = tmp_path / ".notes.txt"
    for path in (stale, live, other):
        path.write_text("partial")
    write_atomically(tmp_path / "r.xlsx", lambda temporary: temporary.write_text("whole"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name, "r.xlsx"])
    assert remove_stale_temporaries(tmp_path) == []


def test_resume_cleans_the_temporaries_of_a_killed_sweep(tmp_path: Path) -> None:
    first = planner("sweep", TINY, "--vary", "Settings.budget=0,500", "--max-runs", "1",
                    "--workers", "1", "-o", "out", cwd=tmp_path)  # fmt: skip
    assert first.returncode == 0, first.stderr
    stale = tmp_path / "out" / "runs" / f".run-00002.json.{_dead_pid()}-abcdefgh.tmp"
    stale.write_text("{")
    done = planner("sweep", TINY, "--vary", "Settings.budget=0,500", "--resume",
                   "--workers", "1", "-o", "out", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 solved now, 2 recorded" in done.stdout
    assert sorted(p.name for p in (tmp_path / "out" / "runs").iterdir()) == [
        "run-00001.json",
        "run-00002.json",
    ]


def test_a_sweep_into_a_folder_that_cannot_be_created_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a read-only parent folder does (root ignores permissions, so mkdir is made to fail)."""

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    listing = entries(tmp_path)
    done = planner("sweep", TINY, "--vary", "Settings.budget=0,500", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "error: cannot create the sweep folder out: Permission denied\n"
    assert entries(tmp_path) == listing


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_sweep_into_a_read_only_folder_says_so(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        done = planner("sweep", TINY, "--vary", "Settings.budget=0,500", "-o", locked / "out",
                       cwd=tmp_path)  # fmt: skip
    finally:
        locked.chmod(0o755)
    assert done.returncode == 1
    assert "Permission denied" in done.stderr
    assert list(locked.iterdir()) == []


def _dead_pid() -> int:
    """The id of a process that has ended."""
    import subprocess

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
