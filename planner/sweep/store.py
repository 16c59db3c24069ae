"""The sweep's output folder: a manifest of what is swept and one small file per finished run.

    FOLDER/manifest.json        the definitions, mode, options and the input's SHA-256
    FOLDER/runs/run-00001.json  one finished run: its values, status and figures
    FOLDER/.plans/              while runs are under way: the workers' finished plans
                                (planner.reuse.SharedPlans; made and removed by the runner)

Every file is written to a temporary name in its own folder and renamed into place, so a sweep
killed at any moment leaves only whole files; the runs already recorded are never solved again by
`--resume`, which refuses a folder whose manifest describes a different sweep.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from planner.errors import PlannerError
from planner.files import remove_stale_temporaries, write_atomically

MANIFEST = "manifest.json"
RUNS = "runs"
FORMAT = 1
# Manifest fields that must match for a folder to be resumed: everything that changes a run.
IDENTITY = ("definitions", "mode", "samples", "seed", "input_sha256", "solver_options", "runs")


class StoreError(PlannerError):
    """The output folder cannot be used for this sweep (a sentence for people)."""


def write_json_atomic(path: Path, document: Any) -> None:
    """Write a JSON document atomically (sorted keys are not used: column order matters)."""
    text = json.dumps(document, indent=1, allow_nan=True) + "\n"
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def run_path(folder: Path, number: int) -> Path:
    return folder / RUNS / f"run-{number:05d}.json"


def open_folder(folder: Path, manifest: dict[str, Any], *, resume: bool) -> dict[int, dict]:
    """Prepare `folder` for the sweep `manifest`; return the runs already recorded there.

    A new or empty folder gets the manifest. An existing sweep folder is refused unless `resume`
    is set, and then only when its manifest describes the same sweep (same definitions, mode,
    options and input contents).
    """
    existing = folder / MANIFEST
    if existing.exists():
        if not resume:
            raise StoreError(
                f"{folder} already holds a sweep; pass --resume to finish it, "
                "or choose another output folder"
            )
        try:
            recorded = json.loads(existing.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise StoreError(
                f"{existing} cannot be read ({error}); it is not a sweep manifest"
            ) from None
        different = [key for key in IDENTITY if recorded.get(key) != manifest.get(key)]
        if different:
            raise StoreError(
                f"cannot resume {folder}: it was made by a different sweep "
                f"({', '.join(_describe(key) for key in different)} differ)"
            )
        remove_stale_temporaries(folder / RUNS)  # writes cut short by a kill
        remove_stale_temporaries(folder)
        return dict(_recorded_runs(folder, manifest["runs"]))
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder} is not a folder; choose a new or empty output folder")
    if resume and folder.exists() and any(folder.iterdir()):
        raise StoreError(f"cannot resume {folder}: it has no {MANIFEST}, so it is not a sweep")
    if folder.exists() and any(folder.iterdir()):
        raise StoreError(f"{folder} is not empty; choose a new or empty output folder")
    try:
        (folder / RUNS).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the sweep folder {folder}: {error.strerror}") from None
    write_json_atomic(existing, {"format": FORMAT, **manifest})
    return {}


def _describe(key: str) -> str:
    return {
        "input_sha256": "the input's contents",
        "solver_options": "the solver options",
        "runs": "the number of runs",
    }.get(key, f"the {key}")


def _recorded_runs(folder: Path, count: int) -> Iterator[tuple[int, dict]]:
    """Recorded runs of the manifest's range; an unreadable file is solved again."""
    for path in sorted((folder / RUNS).glob("run-*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            number = int(record["run"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if 1 <= number <= count and path.name == run_path(folder, number).name:
            yield number, record


def read_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def read_runs(folder: Path) -> list[dict]:
    """Every recorded run of a sweep folder, in run order."""
    manifest = read_manifest(folder)
    return [record for _, record in sorted(_recorded_runs(folder, manifest["runs"]))]
