"""Worker processes import the installed planner, wherever the command is run from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import planner

SCRIPT = """
from concurrent.futures import ProcessPoolExecutor
from planner.sweep.execute import PRELOAD, worker_context

if __name__ == "__main__":
    with ProcessPoolExecutor(1, mp_context=worker_context(PRELOAD)) as pool:
        print(pool.submit(eval, "__import__('planner.solve').__file__").result())
"""


def test_a_planner_folder_in_the_working_folder_is_not_imported_by_the_workers(
    tmp_path: Path,
) -> None:
    """Run from a folder that holds another `planner` (a clone of the source, where the README's
    quick start installs planner), the fork server and its workers still import the package this
    process imported: the server, started by `python -c`, would otherwise put the working folder
    first on its path, import that folder's `planner` and hand it to every worker. A fresh
    process, so that the fork server starts here."""
    decoy = tmp_path / "clone" / "planner"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text('"""A planner without its modules."""\n')
    script = tmp_path / "start_workers.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=decoy.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = Path(done.stdout.strip()).resolve()
    assert imported.parent == Path(planner.__file__).resolve().parent
