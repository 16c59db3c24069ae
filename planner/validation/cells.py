"""One cell at a time: the value a cell holds for its schema column, or what is wrong with it.

Numbers are accepted only in the forms workbook.md documents: plain (`1200`, `-3.5`, `.5`),
grouped by commas between thousands (`1,200`), scientific (`12e9`) and, for shares and rates,
percentages (`80%`). Python's `float()` accepts more (`6_5000`, full-width digits, `inf`, `nan`);
those are refused here, and so is every non-finite number and every number above the column's
plausible upper bound (`Field.most`).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from planner.io.raw import Value, cell_text
from planner.schema import YEAR_MAX, YEAR_MIN, Field, Kind

# ASCII digits only: `\d` would match full-width and other scripts' digits.
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")

Parsed = tuple[Any, str]


def parse_cell(field: Field, value: Value) -> Parsed:
    """The value of one cell for `field`: `(parsed, "")`, `(None, "")` when blank, or
    `(None, problem)` when it cannot be used. Bounds are checked here; defaults are not applied."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    kind = field.kind
    if kind is Kind.ID:
        return _identifier(value)
    if kind is Kind.TEXT:
        return (value.strip() if isinstance(value, str) else cell_text(value)), ""
    if kind is Kind.CHOICE:
        return _choice(field, value)
    if kind is Kind.YEAR:
        return _year(value)
    return _quantity(field, value)


def _identifier(value: Value) -> Parsed:
    text = cell_text(value)
    for character in text:
        if unicodedata.category(character) == "Cc":
            code = f"U+{ord(character):04X}"
            return None, (
                f"holds a control character ({code}, invisible in most programs); retype the "
                "identifier with letters, digits, spaces and punctuation only"
            )
    return text, ""


def _choice(field: Field, value: Value) -> Parsed:
    choice = cell_text(value).casefold().replace("-", "_").replace(" ", "_")
    choice = dict(field.aliases).get(choice, choice)
    if choice in field.choices:
        return choice, ""
    return None, f"must be {field.range_text} (found {shown(value)})"


def _year(value: Value) -> Parsed:
    number, problem = _number(value)
    if problem or not number.is_integer() or not YEAR_MIN <= number <= YEAR_MAX:
        return None, f"must be a year from {YEAR_MIN} to {YEAR_MAX} (found {shown(value)})"
    return int(number), ""


def _quantity(field: Field, value: Value) -> Parsed:
    """A NUMBER or WHOLE cell: form, finiteness, whole-ness and bounds."""
    if isinstance(value, str) and value.strip().endswith("%") and not field.takes_percent:
        what = "money" if field.is_money else f"a quantity in {field.unit}"
        return None, f"a percentage where {what} is expected (found {shown(value)}); {how(field)}"
    number, problem = _number(value)
    if problem:
        return None, f"{problem}; {how(field)}"
    if field.kind is Kind.WHOLE and not number.is_integer():
        return None, f"must be a whole number (found {shown(value)})"
    if field.most is not None and number > field.most:
        return None, (
            f"must be at most {field.most_text} (found {shown(value)}); a larger value is a "
            "typing mistake (extra zeros or another unit)"
        )
    if not field.accepts(number):
        return None, f"must be {field.range_text} (found {shown(value)})"
    return (int(number) if field.kind is Kind.WHOLE else number), ""


def _number(value: Value) -> tuple[float, str]:
    """A finite number from a numeric cell or from text like `1,200`, `80%`, ` 3.5 ` or `12e9`."""
    if isinstance(value, int | float):
        number = float(value)
    else:
        number, problem = _number_from_text(str(value).strip())
        if problem:
            return math.nan, f"{problem} (found {shown(value)})"
    if not math.isfinite(number):
        return math.nan, f"must be a finite number (found {shown(value)})"
    return number, ""


def _number_from_text(text: str) -> tuple[float, str]:
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    if text.casefold().lstrip("+-") in ("inf", "infinity", "nan"):
        return math.nan, "must be a finite number"
    if "," in text:
        if not _GROUPED.fullmatch(text):
            return math.nan, (
                "not a number; use a point for decimals and commas only between thousands"
            )
        text = text.replace(",", "")
    elif not _PLAIN.fullmatch(text):
        return math.nan, "not a number"
    number = float(text)
    return (number / 100 if percent else number), ""


def how(field: Field) -> str:
    """How to write a number for `field`, with its unit."""
    if field.is_money:
        return f"write e.g. 12e9 or 12,000,000,000 ({field.unit})"
    if field.takes_percent and field.high == 1.0:
        return "write e.g. 0.8 or 80%"
    unit = f" ({field.unit})" if field.unit else ""
    return f"write e.g. 1200, 1,200 or 1.2e3{unit}"


def shown(value: Value) -> str:
    """A cell as a message quotes it: text in quotes, numbers as written."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, float) and abs(value) >= 1e16:
        return repr(value)  # 1e+100, not a hundred digits
    return cell_text(value)


def number_text(value: float) -> str:
    """A number as a message shows it: whole numbers without a point."""
    return cell_text(value) if value.is_integer() else f"{value:g}"


def is_blank(value: Value) -> bool:
    """Whether a cell is blank (None or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest candidate (case differences first), or nothing."""
    folded = {candidate.casefold(): candidate for candidate in candidates}
    match = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean '{folded[match[0]]}'?)" if match else ""
