"""`--format github`: GitHub Actions workflow commands, one per finding."""

from __future__ import annotations

import re
from pathlib import Path

from nomock_lint.formats.github import escape_data, escape_property

from .conftest import run_nomock

COMMAND = re.compile(
    r"^::(?P<kind>error|warning|notice) "
    r"file=(?P<file>[^,]*),line=(?P<line>\d+),endLine=(?P<end_line>\d+),"
    r"col=(?P<col>\d+),endColumn=(?P<end_col>\d+),title=(?P<title>[^,]*)::(?P<message>.*)$"
)


def unescape(value: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


def test_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    # `%` first, so an already escaped-looking value survives a round trip.
    assert unescape(escape_property("%2C")) == "%2C"


def test_one_annotation_per_finding(project: Path) -> None:
    tests = project / "tests" / "odd, name: ü"
    tests.mkdir(parents=True)
    (tests / "test_a.py").write_text("from unittest.mock import MagicMock\nMagicMock()\n")
    (project / "app.py").write_text("import os\nmock_rows = [1]\n")
    result = run_nomock(["check", "--format", "github"], project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    parsed = [COMMAND.match(line) for line in lines]
    assert all(parsed), lines
    first, second, third = (m.groupdict() for m in parsed if m)
    assert first == {
        "kind": "warning",
        "file": "app.py",
        "line": "2",
        "end_line": "2",
        "col": "1",
        "end_col": "10",
        "title": "NM302 mock-data",
        "message": first["message"],
    }
    assert unescape(second["file"]) == "tests/odd, name: ü/test_a.py"
    assert "," not in second["file"] and ":" not in second["file"]
    assert second["kind"] == "error" and second["title"] == "NM101 mock-import"
    assert (second["line"], second["col"], second["end_col"]) == ("1", "27", "36")
    assert third["title"] == "NM201 mock-object" and third["line"] == "2"
    assert third["message"].startswith("`unittest.mock.MagicMock` creates a test double")


def test_clean_tree_prints_nothing(project: Path) -> None:
    (project / "test_ok.py").write_text("def test_sum():\n    assert sum([1]) == 1\n")
    result = run_nomock(["check", "--format", "github"], project)
    assert result.returncode == 0
    assert result.stdout == ""
