"""docs/cli-and-results.md's results-workbook table is generated from the layout."""

from __future__ import annotations

from planner.results import layout
from planner.results.layout_docs import DOCS_PATH, END, START, render


def test_the_committed_page_is_what_the_layout_renders() -> None:
    page = DOCS_PATH.read_text(encoding="utf-8")
    assert render(page) == page, "run: python -m planner.results.layout_docs"


def test_every_sheet_and_column_is_on_the_page() -> None:
    block = DOCS_PATH.read_text(encoding="utf-8").partition(START)[2].partition(END)[0]
    for sheet in layout.SHEETS:
        assert f"| {sheet.name} |" in block
        for column in sheet.columns:
            assert f"`{column.header}`" in block, (sheet.name, column.header)
