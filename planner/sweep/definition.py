"""The sweep definition language: which input number moves, and through which values.

One definition is one line of text, the same on the command line (`--vary`), in a YAML file and in
the `Sweeps` sheet of a workbook:

    Settings.budget=0:20e9:11                       11 values from 0 to 20e9, both ends included
    Minerals.price[NdPr oxide]=x0.5,x1,x1.5         multipliers of the workbook's value
    Minerals.price=x0.8,x1.2                        the whole column
    Demand.demand[mineral=NdPr oxide,country=Japan]=x0.9,x1.1
    Scenarios.probability[ree-ban-12m]=0.05,0.1,0.2
    Minerals.coverage[gallium]=80%,90%

The address is `Sheet.column`, optionally followed by a row selector in brackets: either values of
the sheet's key columns in order (`[NdPr oxide]`, `[NdPr oxide, Japan]`) or `key=value` pairs
(`[country=Japan]`); a value that holds a comma, bracket or `=` is quoted (`["Korea, Rep."]`).
A selector may match several rows (every year of a Demand row, say); all of them move together.
Values are a list (`a,b,c`) or an inclusive range (`start:stop:count`); a leading `x` makes them
multipliers of the value each selected cell has in the workbook, a trailing `%` divides by 100.

This module only reads the text; `planner.sweep.target` checks it against the workbook.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import PlannerError
from planner.io.raw import RawSheet, cell_text

# The most runs a sweep may have, and so the most values one definition may list. A sweep records
# each run as a file and as a row of sweep.xlsx, and a worksheet holds at most 1,048,576 rows; a
# million runs of even a one-second solve also take eleven days on one core. A count beyond it is
# almost always a typo, and it is refused from the counts alone, before any value is built.
MAX_RUNS = 1_000_000
LIMIT_REASON = (
    f"a sweep has at most {MAX_RUNS:,} runs (each is a file and a row of sweep.xlsx, and a "
    "worksheet holds 1,048,576 rows)"
)


@dataclass(frozen=True)
class Issue:
    """One problem with a definition, located the way the user wrote it."""

    where: str  # e.g. "--vary 2", "Sweeps!B3", "study.yaml, vary 1"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class DefinitionError(PlannerError):
    """Definitions that cannot be used; carries every problem found, not only the first."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))

    def report(self) -> str:
        """Every problem on its own line, then what happened, as the command line prints it."""
        count = len(self.issues)
        lines = [f"error: {issue}" for issue in self.issues]
        noun = "problem" if count == 1 else "problems"
        return "\n".join([*lines, f"{count} {noun} in the sweep definitions: nothing was run."])


@dataclass(frozen=True)
class Address:
    """Which cells a definition moves: `sheet.column[selector]`.

    `selector` holds (key column or None for positional, value) pairs as written; names are as
    the user typed them until `planner.sweep.target` matches them to the schema.
    """

    sheet: str
    column: str
    selector: tuple[tuple[str | None, str], ...] = ()

    def __str__(self) -> str:
        text = f"{self.sheet}.{self.column}"
        if self.selector:
            parts = [_quote(v) if k is None else f"{k}={_quote(v)}" for k, v in self.selector]
            text += "[" + ",".join(parts) + "]"
        return text


@dataclass(frozen=True)
class Definition:
    """One varied input: its address and its values (multipliers when `relative`)."""

    address: Address
    values: tuple[float, ...]
    relative: bool
    where: str  # where the address was written, for messages: "--vary 2", "Sweeps!3, parameter"
    where_values: str = ""  # where the values were written, when elsewhere: "Sweeps!3, values"

    @property
    def label(self) -> str:
        """Column heading in results and charts: the address, marked when values multiply."""
        return f"{self.address} (x)" if self.relative else str(self.address)

    @property
    def text(self) -> str:
        """Canonical text: equal definitions have equal text (used to match a resumed sweep)."""
        prefix = "x" if self.relative else ""
        return f"{self.address}=" + ",".join(f"{prefix}{v!r}" for v in self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)


def _quote(value: str) -> str:
    if any(ch in value for ch in ',[]="') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def parse_definition(text: str, where: str) -> Definition:
    """Read one `address=values` definition; raise DefinitionError when it is malformed."""
    try:
        address_text, values_text = _split_address(text.strip())
    except _SyntaxProblem as problem:
        raise DefinitionError([Issue(where, str(problem))]) from None
    return parse_parts(address_text, values_text, where, where)


def parse_parts(
    address_text: str, values_text: str, where_address: str, where_values: str
) -> Definition:
    """Read a definition given as its two parts (a Sweeps sheet row, a YAML mapping)."""
    issues = []
    try:
        address = _parse_address(address_text)
    except _SyntaxProblem as problem:
        issues.append(Issue(where_address, str(problem)))
    try:
        values, relative = _parse_values(values_text)
    except _SyntaxProblem as problem:
        issues.append(Issue(where_values, str(problem)))
    if issues:
        raise DefinitionError(issues)
    return Definition(address, values, relative, where_address, where_values)


def collect(readers: Sequence[Callable[[], Definition]]) -> list[Definition]:
    """Call each reader; gather every DefinitionError into one, so all problems show at once."""
    definitions, issues = [], []
    for read in readers:
        try:
            definitions.append(read())
        except DefinitionError as error:
            issues.extend(error.issues)
    if issues:
        raise DefinitionError(issues)
    return definitions


class _SyntaxProblem(Exception):
    pass


def _split_address(text: str) -> tuple[str, str]:
    """Split at the `=` after the address (the selector may hold `=` itself)."""
    if not text:
        raise _SyntaxProblem("empty definition; write e.g. Settings.budget=0:20e9:11")
    bracket = _find_unquoted(text, "[")
    equals = _find_unquoted(text, "=")
    if bracket != -1 and (equals == -1 or bracket < equals):
        close = _find_unquoted(text, "]", bracket)
        if close == -1:
            raise _SyntaxProblem(f"'[' without a closing ']' in {text!r}")
        rest = text[close + 1 :].lstrip()
        if not rest.startswith("="):
            raise _SyntaxProblem(
                f"expected '=' and values after {text[: close + 1]!r}, e.g. ...]=x0.9,x1.1"
            )
        return text[: close + 1], rest[1:]
    if equals == -1:
        raise _SyntaxProblem(
            f"no '=' in {text!r}; write the address, '=' and the values, "
            "e.g. Minerals.price=x0.8,x1.2"
        )
    return text[:equals], text[equals + 1 :]


def _find_unquoted(text: str, char: str, start: int = 0) -> int:
    quoted = False
    for i in range(start, len(text)):
        if text[i] == '"':
            quoted = not quoted
        elif text[i] == char and not quoted:
            return i
    return -1


def _parse_address(text: str) -> Address:
    text = text.strip()
    selector: tuple[tuple[str | None, str], ...] = ()
    bracket = _find_unquoted(text, "[")
    if bracket != -1:
        if not text.endswith("]"):
            raise _SyntaxProblem(f"unexpected text after ']' in {text!r}")
        selector = _parse_selector(text[bracket + 1 : -1])
        text = text[:bracket].strip()
    sheet, dot, column = text.partition(".")
    if not dot or not sheet.strip() or not column.strip():
        raise _SyntaxProblem(
            f"address {text!r} is not Sheet.column (e.g. Minerals.price or Settings.budget)"
        )
    return Address(sheet.strip(), column.strip(), selector)


def _parse_selector(text: str) -> tuple[tuple[str | None, str], ...]:
    items = [item for item in _split_unquoted(text, ",")]
    if not any(item.strip() for item in items):
        raise _SyntaxProblem("empty row selector '[]'; name a row, e.g. [NdPr oxide]")
    parsed: list[tuple[str | None, str]] = []
    for item in items:
        equals = _find_unquoted(item, "=")
        key = None
        if equals != -1:
            key = item[:equals].strip()
            if not key:
                raise _SyntaxProblem(f"selector item {item.strip()!r} has no column before '='")
            item = item[equals + 1 :]
        parsed.append((key, _unquote(item.strip())))
    if any(k is None for k, _ in parsed) and any(k is not None for k, _ in parsed):
        raise _SyntaxProblem(
            "a selector is either key values in order ([NdPr oxide, Japan]) "
            "or column=value pairs ([mineral=NdPr oxide,country=Japan]), not both"
        )
    return tuple(parsed)


def _split_unquoted(text: str, separator: str) -> list[str]:
    parts, start = [], 0
    while True:
        at = _find_unquoted(text, separator, start)
        if at == -1:
            parts.append(text[start:])
            return parts
        parts.append(text[start:at])
        start = at + 1


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('""', '"')
    if '"' in value:
        raise _SyntaxProblem(f"unbalanced quote in {value!r}")
    return value


def _parse_values(text: str) -> tuple[tuple[float, ...], bool]:
    text = text.strip()
    if not text:
        raise _SyntaxProblem("no values after '='; give a list (a,b,c) or a range (start:stop:n)")
    if ":" in text:
        return _parse_range(text)
    if text.count(",") >= MAX_RUNS:
        raise _SyntaxProblem(f"the list has more than {MAX_RUNS:,} values: {LIMIT_REASON}")
    values, relative = _one_kind([_parse_number(part) for part in text.split(",")], text)
    if len(set(values)) != len(values):
        raise _SyntaxProblem(f"{text!r} repeats a value")
    return values, relative


def _parse_range(text: str) -> tuple[tuple[float, ...], bool]:
    parts = text.split(":")
    if len(parts) != 3:
        raise _SyntaxProblem(f"range {text!r} is not start:stop:count (e.g. 0:20e9:11)")
    (start, stop), relative = _one_kind([_parse_number(p) for p in parts[:2]], text)
    count_text = parts[2].strip()
    try:
        count = int(count_text)
    except ValueError:
        raise _SyntaxProblem(
            f"range count {count_text!r} is not a whole number (start:stop:count)"
        ) from None
    if count < 1:
        raise _SyntaxProblem(f"range count must be at least 1, not {count}")
    if count > MAX_RUNS:
        raise _SyntaxProblem(f"range {text!r} has {count:,} values: too many, since {LIMIT_REASON}")
    if count == 1:
        if start != stop:
            raise _SyntaxProblem("a range of 1 value needs start = stop; give count >= 2")
        return (start,), relative
    if start == stop:
        raise _SyntaxProblem(f"range {text!r} has equal ends; give different ends or count 1")
    last = count - 1
    values = (*(start + (stop - start) * i / last for i in range(last)), stop)
    if len(set(values)) != count:
        raise _SyntaxProblem(f"range {text!r} is too fine: its values repeat")
    return values, relative


def _one_kind(numbers: list[tuple[float, bool]], text: str) -> tuple[tuple[float, ...], bool]:
    """The values, and whether they are multipliers; refuses a mix of both kinds."""
    kinds = {relative for _, relative in numbers}
    if len(kinds) > 1:
        raise _SyntaxProblem(
            f"{text!r} mixes multipliers (x...) and values; use one kind per definition"
        )
    return tuple(value for value, _ in numbers), kinds.pop()


def _parse_number(text: str) -> tuple[float, bool]:
    raw = text.strip()
    body = raw
    relative = body[:1] in ("x", "X", "×", "*")
    if relative:
        body = body[1:].strip()
    scale = 1.0
    if body.endswith("%"):
        body, scale = body[:-1].strip(), 100.0
    try:
        value = float(body) / scale
    except ValueError:
        raise _SyntaxProblem(
            f"{raw!r} is not a number (write e.g. 0.5, 20e9, 80% or x1.5 for a multiplier)"
        ) from None
    if not math.isfinite(value):
        raise _SyntaxProblem(f"{raw!r} is not a finite number")
    if relative and value < 0:
        raise _SyntaxProblem(f"multiplier {raw!r} is negative")
    return value, relative


def definitions_from_yaml(path: Path) -> tuple[list[Definition], dict[str, Any]]:
    """Read a YAML sweep file: `vary:` (a list of definitions) and optional run options.

    Each `vary` item is a definition string, or a mapping with `parameter` and `values` (a
    string, or a list of numbers and `x...` strings). The other top-level keys (`mode`,
    `samples`, `seed`) are returned as options for the command line to merge.
    """
    import yaml

    name = path.name
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DefinitionError([Issue(name, f"cannot read the file ({error.strerror})")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}, line {mark.line + 1}" if mark else name
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise DefinitionError([Issue(where, str(problem))]) from None
    if not isinstance(document, dict) or "vary" not in document:
        raise DefinitionError(
            [Issue(name, "expected a mapping with a 'vary:' list of definitions")]
        )
    known = {"vary", "mode", "samples", "seed"}
    unknown = sorted(set(document) - known)
    if unknown:
        raise DefinitionError(
            [
                Issue(
                    name,
                    f"unknown key(s) {', '.join(map(str, unknown))}; "
                    f"known: {', '.join(sorted(known))}",
                )
            ]
        )
    items = document["vary"]
    if not isinstance(items, list) or not items:
        raise DefinitionError([Issue(f"{name}, vary", "expected a non-empty list")])
    readers = [
        functools.partial(_yaml_item, item, f"{name}, vary {i}")
        for i, item in enumerate(items, start=1)
    ]
    options = {key: document[key] for key in ("mode", "samples", "seed") if key in document}
    return collect(readers), options


def _yaml_item(item: Any, where: str) -> Definition:
    if isinstance(item, str):
        return parse_definition(item, where)
    if isinstance(item, dict) and set(item) == {"parameter", "values"}:
        values = item["values"]
        if isinstance(values, list):
            values = ",".join(str(v) for v in values)
        return parse_parts(str(item["parameter"]), str(values), where, f"{where}, values")
    raise DefinitionError(
        [Issue(where, "expected a definition string or a mapping with 'parameter' and 'values'")]
    )


def definitions_from_sheet(sheet: RawSheet) -> list[Definition]:
    """Read the `Sweeps` sheet of a workbook: one definition per row, either whole in a column
    `definition` (e.g. `Settings.budget=0:20e9:11`) or split into columns `parameter` (e.g.
    `Minerals.price[NdPr oxide]`) and `values` (e.g. `x0.5,x1,x1.5`)."""
    whole = sheet.column_index("definition")
    parameter, values = sheet.column_index("parameter"), sheet.column_index("values")
    if whole is None and (parameter is None or values is None):
        raise DefinitionError(
            [
                Issue(
                    sheet.name,
                    "a Sweeps sheet has a column definition (e.g. Settings.budget=0:20e9:11), "
                    "or the columns parameter (e.g. Minerals.price[NdPr oxide]) and values "
                    "(e.g. x0.5,x1,x1.5)",
                )
            ]
        )
    readers: list[Callable[[], Definition]] = []
    for row in sheet.rows:
        where = f"{sheet.name}!{row.number}"
        if whole is not None:
            text = cell_text(row[whole])
            if text:
                readers.append(functools.partial(parse_definition, text, f"{where}, definition"))
            continue
        assert parameter is not None and values is not None  # checked above
        address, listed = cell_text(row[parameter]), cell_text(row[values])
        if address or listed:
            readers.append(
                functools.partial(
                    parse_parts, address, listed, f"{where}, parameter", f"{where}, values"
                )
            )
    if not readers:
        raise DefinitionError([Issue(sheet.name, "the sheet defines no sweep (no rows)")])
    return collect(readers)
