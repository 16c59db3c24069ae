"""Writing files so that an interrupted run never leaves a half-written one.

Every output of planner (results, JSON summaries, inputs written by `template` and `convert`,
sweep runs, workbooks and charts) goes through `write_atomically`: the content is written to a
hidden temporary file beside the target, `.NAME.PID-RANDOM.tmp`, and renamed over the target
only when complete. Three things follow:

- A path that exists but is not a regular file (a FIFO, a device such as /dev/null, a socket) is
  refused before anything is written: a rename would silently replace it with a plain file.
  Commands call `refuse_special_file` before their work starts, so the refusal comes first.
- A process killed outright (SIGKILL, power loss) cannot remove its temporary file. The PID in
  the name says whose it is: the next write beside it removes temporaries whose process is gone
  (`remove_stale_temporaries`), and never one that a running process is still writing.
- Every completed write is remembered (`written_since`), so an interrupted command can say what
  it wrote before it stopped.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import stat
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from planner.errors import PlannerError

# Files written by this process, in order (see `written_since`).
_WRITTEN: list[Path] = []


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Run `write(temporary)` on a new file beside `path`, then rename it to `path`.

    On any failure, Ctrl-C included, the temporary file is removed and `path` keeps its previous
    content. A `path` that exists and is not a regular file is refused (PlannerError).
    """
    path = Path(path)
    refuse_special_file(path)
    remove_stale_temporaries(path.parent, path.name)
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise PlannerError(f"cannot write {path}: {_reason(exc)}") from None
    os.close(descriptor)
    temporary = Path(name)
    try:
        try:
            write(temporary)
        except BaseException as exc:  # Ctrl-C, a full disk, a bug: nothing half-done may talk
            _release_writers(exc)
            raise
        temporary.chmod(0o666 & ~current_umask())
        refuse_special_file(path)  # it may have appeared while writing
        os.replace(temporary, path)
    except OSError as exc:
        raise PlannerError(f"cannot write {path}: {_reason(exc)}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    _WRITTEN.append(path)


def refuse_special_file(path: Path, what: str = "") -> None:
    """A PlannerError when `path` exists and is neither a regular file nor a folder.

    Writing to a FIFO, a device or a socket is never what a user means by an output path, and
    the atomic rename would replace it (as root, even /dev/null) with a plain file.
    """
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        raise PlannerError(f"cannot write {path}: {_reason(exc)}") from None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    label = f"{what} " if what else ""
    raise PlannerError(
        f"cannot write {label}{path}: it is {kind}, not a regular file; give the path of a file"
    )


def remove_stale_temporaries(folder: Path, name: str = "*") -> list[Path]:
    """Remove the temporary files of `write_atomically` in `folder` whose writer has died.

    `name` limits it to the temporaries of one target (`*`: every target). A temporary whose
    process is still running, or whose name carries no process id, is left alone. Returns the
    files removed.
    """
    removed: list[Path] = []
    try:
        pattern = "*" if name == "*" else _glob_escape(name)
        candidates = list(Path(folder).glob(f".{pattern}.*-*.tmp"))
    except OSError:
        return removed
    for candidate in candidates:
        pid_text = candidate.name[: -len(".tmp")].rsplit(".", 1)[-1].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def written_since(mark: int) -> list[Path]:
    """The files this process has written since `mark`, a value of `written_count()`."""
    return list(_WRITTEN[mark:])


def written_count() -> int:
    """How many files this process has written so far (a mark for `written_since`)."""
    return len(_WRITTEN)


def current_umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _release_writers(exc: BaseException) -> None:
    """Free what an interrupted `write` left half-done, quietly.

    A writer stopped mid-file (openpyxl's write-only sheets are generators) would otherwise
    finish its closing tags when garbage-collected, after its file is closed, and Python would
    print "Exception ignored ... I/O operation on closed file" under the one message the user
    should see. Clearing the frames of the failed write frees those writers now, with such
    reports silenced; the file they wrote is removed anyway.
    """
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full (no space left on device); nothing was replaced"
    return exc.strerror or str(exc)


def _glob_escape(name: str) -> str:
    return "".join(f"[{char}]" if char in "*?[" else char for char in name)
