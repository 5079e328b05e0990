"""Code-point columns (what findings carry) to UTF-16 code units (what GitHub reads).

SARIF's default `columnKind` is `utf16CodeUnits`, and GitHub code scanning ignores `columnKind`
altogether, so SARIF and GitHub annotations get UTF-16 columns. They differ from code points
only after a character outside the Basic Multilingual Plane (an emoji, say) on the same line.
A finding's `context` is its stripped line: when that holds no such character and the span is
on one line, the columns are already right and no file is read. Otherwise the line is read back
from the file; if it cannot be (standard input, a file since deleted), code points are kept.
"""

from __future__ import annotations

from pathlib import Path

from nomock_lint.facts import ParseError, Span
from nomock_lint.frontends.source import Lines
from nomock_lint.model import Finding

_ASTRAL = "\U00010000"


def _has_astral(text: str) -> bool:
    return not text.isascii() and max(text) >= _ASTRAL


def utf16_col(line: str, col: int) -> int:
    """1-based code-point column `col` of `line` as a 1-based UTF-16 column."""
    prefix = line[: max(col - 1, 0)]
    if not _has_astral(prefix):
        return col
    return col + sum(1 for c in prefix if c >= _ASTRAL)


class Utf16Columns:
    """Converts finding spans, reading each file at most once and only when needed."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._files: dict[str, Lines | None] = {}

    def span(self, finding: Finding) -> Span:
        s = finding.span
        if s.line == s.end_line and not _has_astral(finding.context):
            return s
        lines = self._lines(finding.path)
        if lines is None:
            return s
        return Span(
            s.line,
            utf16_col(lines.line(s.line), s.col),
            s.end_line,
            utf16_col(lines.line(s.end_line), s.end_col),
        )

    def _lines(self, relpath: str) -> Lines | None:
        if relpath not in self._files:
            self._files[relpath] = _read_lines(self.root / relpath, relpath)
        return self._files[relpath]


def _read_lines(path: Path, relpath: str) -> Lines | None:
    from nomock_lint.discovery import language_of
    from nomock_lint.frontends.source import decode_python, decode_utf8

    try:
        data = path.read_bytes()
        text = decode_python(data) if language_of(relpath) == "python" else decode_utf8(data)
    except (OSError, ParseError):
        return None
    return Lines(text)
