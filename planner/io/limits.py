"""Size limits on what is read, so a hostile or mistaken file fails fast with a message.

A real planning case is a few megabytes; these limits are far above that and far below what would
exhaust memory.
"""

MAX_BYTES = 200 * 1024 * 1024  # uncompressed size of all sheets together
MAX_ROWS = 1_000_000  # rows per sheet
MAX_CELLS = 10_000_000  # non-blank cells of all sheets together
