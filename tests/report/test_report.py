"""The HTML report: every section, every number equal to the workbook's, nothing from elsewhere.

The page ties each number to workbook cells with a query (`data-q`, see planner/report/numbers.py)
and prints it in units of `data-scale`. `workbook_value` below evaluates the query again, on the
workbook read with openpyxl and plain Python (no code shared with the report), and the printed
text must equal that value rounded to the printed decimals.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from planner.report import read_results, render, write_report
from planner.results.layout import column_key, column_positions

PLAN_SECTIONS = ["headline", "builds", "cfd", "stock", "coverage", "costs", "inputs"]


class Page(HTMLParser):
    """Sections, numbers (query, scale, text), right-aligned cells' text outside numbers, links."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.numbers: list[tuple[dict, float, str]] = []
        self.references: list[str] = []
        self.tags: set[str] = set()
        self.loose_digits: list[str] = []
        self._number: tuple[dict, float] | None = None
        self._number_text = ""
        self._numeric_cell = 0  # depth inside a right-aligned cell or a headline figure
        self._svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.add(tag)
        self.references += [v for k, v in attrs if k in ("href", "src", "xmlns") and v]
        if tag == "section":
            self.sections.append(attributes["id"] or "")
        if tag == "svg":
            self._svg += 1
        if (tag == "td" and attributes.get("class") == "r") or tag == "dd":
            self._numeric_cell += 1
        if tag == "span" and "n" in (attributes.get("class") or "").split():
            self._number = (json.loads(attributes["data-q"] or ""), float(attributes["data-scale"]))
            self._number_text = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg -= 1
        if tag in ("td", "dd") and self._numeric_cell:
            self._numeric_cell -= 1
        if tag == "span" and self._number is not None:
            self.numbers.append((*self._number, self._number_text))
            self._number = None

    def handle_data(self, data: str) -> None:
        if self._number is not None:
            self._number_text += data
        elif self._numeric_cell and not self._svg and re.search(r"\d", data):
            self.loose_digits.append(data)
        self.references += re.findall(r"https?://[^\s\"'<>)]+", data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def workbook_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    header = [column_key(name) for name in rows[0]]
    return [
        dict(zip(header, row, strict=False)) for row in rows[1:] if any(v is not None for v in row)
    ]


def workbook_value(path: Path, query: dict) -> float | None:
    """The query evaluated on the workbook, independently of planner.report.numbers."""
    if query["s"] == "Summary":
        figures = {row["metric"]: row["value"] for row in workbook_rows(path, "Summary")}
        return sum(sign * figures[metric] for metric, sign in query["m"].items())
    rows = workbook_rows(path, query["s"])
    for column, wanted in query["w"].items():
        if column == "#":
            rows = [rows[wanted]]
        else:
            rows = [row for row in rows if row[column] == wanted or str(row[column]) == str(wanted)]
    values = [row[query["c"]] for row in rows if isinstance(row[query["c"]], int | float)]
    if query["a"] == "one":
        assert len(values) == 1, query
        return values[0]
    return {"sum": sum, "min": min, "max": max}[query["a"]](values)


def assert_numbers_are_the_workbooks(page: Page, path: Path) -> None:
    assert page.numbers
    for query, scale, text in page.numbers:
        value = workbook_value(path, query)
        assert value is not None, query
        decimals = len(text.split(".")[1]) if "." in text else 0
        expected = f"{value / scale:.{decimals}f}"
        shown = text.replace(",", "")  # years print without a thousands separator
        assert shown in (expected, expected.lstrip("-")), (query, text, expected)


def test_every_section_and_every_number_is_the_workbooks(example_results):
    """The example's page has every plan section in order, each number equals the workbook's
    (re-evaluated here), and numeric cells hold no number that is not tied to the workbook."""
    _, path = example_results
    page = parse(render(read_results(path)))
    assert [s for s in page.sections if s in PLAN_SECTIONS] == PLAN_SECTIONS
    assert_numbers_are_the_workbooks(page, path)
    assert page.loose_digits == []
    # Spot checks against figures read straight from the Summary.
    figures = {row["metric"]: row["value"] for row in workbook_rows(path, "Summary")}
    printed = {
        (t, scale)
        for q, scale, t in page.numbers
        if q == {"s": "Summary", "m": {"expected_cost": 1}}
    }
    assert printed == {
        (f"{figures['expected_cost'] / 1e9:,.2f}", 1e9),  # the headline
        (f"{figures['expected_cost'] / 1e6:,.1f}", 1e6),  # the total of the cost split
    }


def test_the_page_loads_nothing_from_elsewhere(example_results):
    """No script, style sheet, image or font from anywhere: the only URL is the SVG namespace."""
    _, path = example_results
    page = parse(render(read_results(path)))
    assert set(page.references) == {"http://www.w3.org/2000/svg"}
    assert not page.tags & {"script", "link", "img", "iframe", "object", "embed"}


def test_an_infeasible_result_shows_its_diagnosis_instead_of_a_plan(infeasible_results):
    page = parse(render(read_results(infeasible_results)))
    assert page.sections == ["headline", "diagnosis", "inputs"]
    assert_numbers_are_the_workbooks(page, infeasible_results)
    assert sorted(text for *_, text in page.numbers) == ["12.5", "300.0"]


def test_absent_sheets_are_left_out_and_later_sheets_are_shown(example_results, tmp_path):
    """Without the Balance sheet the stock falls back to the Stockpile band and coverage is
    left out; a Value sheet (revision 3) appears; an obligation column draws a dashed line."""
    _, path = example_results
    changed = tmp_path / "changed.xlsx"
    book = openpyxl.load_workbook(path)
    del book["Balance"]
    value = book.create_sheet("Value")
    value.append(["decision", "value (USD)"])
    value.append(["Texas separation plant", 123_456_789.0])
    stockpile = book["Stockpile"]
    header = column_positions(cell.value for cell in stockpile[1])
    column = header.get("obligation", len(header)) + 1
    stockpile.cell(1, column, "obligation (t)")
    for row in range(2, stockpile.max_row + 1):
        stockpile.cell(row, column, 10.0)
    book.save(changed)
    text = render(read_results(changed))
    page = parse(text)
    assert "coverage" not in page.sections and "value" in page.sections
    assert "<th class=r>value (USD)</th>" in text  # the header as the workbook writes it
    assert "stock" in page.sections and "stroke-dasharray" in text
    assert_numbers_are_the_workbooks(page, changed)


def test_planner_report_writes_the_page_and_refuses_what_is_not_a_results_workbook(
    example_results, tmp_path
):
    _, path = example_results
    target = tmp_path / "page.html"
    done = subprocess.run(
        [sys.executable, "-m", "planner", "report", str(path), "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    missing = subprocess.run(
        [sys.executable, "-m", "planner", "report", str(tmp_path / "none.xlsx")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr


def _chromium() -> str | None:
    return next(
        (shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None
    )


@pytest.mark.skipif(
    _chromium() is None, reason="no headless chromium here (apt-get install chromium)"
)
def test_a_real_browser_renders_and_prints_the_page(example_results, tmp_path):
    """Headless chromium draws the page to PNG and prints it to PDF (A4 via the print CSS)."""
    _, path = example_results
    page = write_report(path, tmp_path / "page.html")
    browser = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    png, pdf = tmp_path / "page.png", tmp_path / "page.pdf"
    for option in (f"--screenshot={png}", f"--print-to-pdf={pdf}"):
        subprocess.run(
            [*browser, "--window-size=1100,3000", option, page.as_uri()],
            capture_output=True,
            timeout=120,
            check=True,
        )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    document = pdf.read_bytes()
    assert document.startswith(b"%PDF")
    # A4 is 595 x 842 points.
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]", document)
