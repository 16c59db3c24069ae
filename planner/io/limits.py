"""Size limits on what is read and planned, so a hostile or mistaken file fails fast with a
message instead of exhausting memory.

A real planning case is a few megabytes. The byte and cell limits are far above that and far below
what would exhaust memory while reading. The row and model-size limits keep a case to what a
laptop can build and solve; they are checked from counts, before anything large is built. The
figures come from benchmarks/results.md: the reference synthetic case (15 minerals × 25 countries
× 15 years × 20 scenarios = 112,500) has 303k columns, builds in 5 s and peaks at 5.6 GB with
HiGHS's branch and bound; 3.3 times that (about 371,000) has 991k columns and takes 2 GB before the
solver starts. So:

- MAX_MODEL_SIZE bounds minerals × countries × years × scenarios, the product every per-country
  variable and balance row of the model grows with: 400,000, about a million columns.
- MAX_SHEET_ROWS bounds the data rows of any one sheet: 200,000, twice the Demand rows of the
  largest case within MAX_MODEL_SIZE that a person would type year by year. Readers stop there,
  so a file of a million rows is refused in seconds.

Tests set tiny limits with `override(...)`; nothing else changes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

MAX_BYTES = 200 * 1024 * 1024  # uncompressed size of all sheets together
MAX_CELLS = 10_000_000  # non-blank cells of all sheets together
MAX_MODEL_SIZE = 400_000
MAX_SHEET_ROWS = 200_000
WHY = "a larger case does not fit a laptop's memory once the model is built"


@contextmanager
def override(model_size: int | None = None, sheet_rows: int | None = None) -> Iterator[None]:
    """Test-only switch: use these limits inside the `with` block."""
    global MAX_MODEL_SIZE, MAX_SHEET_ROWS
    saved = MAX_MODEL_SIZE, MAX_SHEET_ROWS
    MAX_MODEL_SIZE = saved[0] if model_size is None else model_size
    MAX_SHEET_ROWS = saved[1] if sheet_rows is None else sheet_rows
    try:
        yield
    finally:
        MAX_MODEL_SIZE, MAX_SHEET_ROWS = saved
