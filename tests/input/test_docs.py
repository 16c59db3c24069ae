"""docs/workbook.md is what planner.schema renders: a changed column cannot leave it stale."""

from __future__ import annotations

from planner.schema import SETTINGS, SHEETS
from planner.schema_docs import DOCS_PATH, main, render


def test_committed_docs_match_the_schema() -> None:
    assert DOCS_PATH.read_text(encoding="utf-8") == render(), (
        "docs/workbook.md is out of date; run: python -m planner.schema_docs"
    )
    assert main(["--check"]) == 0


def test_docs_name_every_sheet_column_and_setting_with_its_bound() -> None:
    text = render()
    for sheet in SHEETS.values():
        assert f"## {sheet.name}" in text
        for field in (*sheet.columns, *(SETTINGS if sheet.name == "Settings" else ())):
            line = next(line for line in text.splitlines() if line.startswith(f"| `{field.name}`"))
            assert field.most_text in line and field.range_text in line
    assert "| `min_days` | no | none | days | ≥ 0 | 36500 days |" in text
    assert "## SupplyCaps (optional)" in text


def test_check_reports_a_stale_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "workbook.md"
    stale.write_text("old", encoding="utf-8")
    monkeypatch.setattr("planner.schema_docs.DOCS_PATH", stale)
    assert main(["--check"]) == 1
    assert main([]) == 0
    assert stale.read_text(encoding="utf-8") == render()
