"""Code-point columns to UTF-16 code units, for SARIF and GitHub annotations."""

from __future__ import annotations

from pathlib import Path

from nomock_lint.facts import Span
from nomock_lint.formats.columns import Utf16Columns, utf16_col
from nomock_lint.model import Finding


def finding(path: str, span: Span, context: str) -> Finding:
    return Finding("NM201", "mock-object", path, span, "m", "error", "x", None, context)


def test_utf16_col() -> None:
    assert utf16_col("abc", 2) == 2
    assert utf16_col("é😀x", 3) == 4  # é is one unit, 😀 two
    assert utf16_col("😀", 5) == 6  # past the end of the line: the rest counts as one unit each


def test_multi_line_span_reads_the_end_line_from_the_file(tmp_path: Path) -> None:
    (tmp_path / "t.py").write_text('x = call(\n    "😀😀", y)\n', encoding="utf-8")
    f = finding("t.py", Span(1, 5, 2, 14), "x = call(")
    assert Utf16Columns(tmp_path).span(f) == Span(1, 5, 2, 16)


def test_missing_file_keeps_code_points(tmp_path: Path) -> None:
    f = finding("gone.py", Span(1, 9, 1, 12), 's = "😀"; m()')
    assert Utf16Columns(tmp_path).span(f) == Span(1, 9, 1, 12)


def test_ascii_single_line_needs_no_file(tmp_path: Path) -> None:
    f = finding("gone.py", Span(3, 5, 3, 16), "client = MagicMock()")
    assert Utf16Columns(tmp_path).span(f) is f.span
