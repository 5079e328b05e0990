"""Decoding source bytes and converting positions, shared by every front-end."""

from __future__ import annotations

import codecs
import io
import re
import tokenize

from nomock_lint.facts import ParseError, Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def decode_python(data: bytes) -> str:
    """Decode as the interpreter does: PEP 263 cookie or BOM, else UTF-8."""
    # ASCII bytes hold no BOM, and with no `coding` in the first two lines no cookie: UTF-8,
    # found without tokenize.detect_encoding (twice per parsed file).
    if data.isascii():
        second = data.find(b"\n", data.find(b"\n") + 1)
        if data.find(b"coding", 0, len(data) if second < 0 else second) < 0:
            return data.decode("ascii")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # unknown or conflicting cookie
        raise ParseError(f"undecodable: {exc.msg}") from exc
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise _undecodable(exc, encoding) from exc
    return text.removeprefix("\ufeff")


def decode_utf8(data: bytes) -> str:
    """Decode as editors and bundlers do for JS/TS: UTF-8, with or without a BOM."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _undecodable(exc, "UTF-8") from exc
    return text.removeprefix("\ufeff")


def _undecodable(exc: Exception, encoding: str) -> ParseError:
    """NM903's reason, at the line and column (in characters) of the first bad byte."""
    if not isinstance(exc, UnicodeDecodeError):
        return ParseError(f"undecodable: not valid {encoding}: {exc}")
    data = bytes(exc.object)
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    col = len(data[line_start : exc.start].decode(encoding, errors="replace")) + 1
    reason = f"undecodable: not valid {encoding}: byte 0x{data[exc.start]:02x} at {line}:{col}"
    return ParseError(reason, line, col)


def has_bom(data: bytes) -> bool:
    return data.startswith(codecs.BOM_UTF8)


class Lines:
    """Converts UTF-8 byte columns (what `ast` reports) to code-point columns, lazily."""

    __slots__ = ("_ascii", "_lines", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._ascii = text.isascii()
        self._lines: list[str] | None = None

    def line(self, lineno: int) -> str:
        if self._lines is None:
            # str.split is several times faster than the regex; the same lines without `\r`.
            text = self.text
            self._lines = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)
        if 1 <= lineno <= len(self._lines):
            return self._lines[lineno - 1]
        return ""

    def char_col(self, lineno: int, byte_col: int) -> int:
        if self._ascii:
            return byte_col
        line = self.line(lineno)
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    def span(self, line: int, byte_col: int, end_line: int, end_byte_col: int) -> Span:
        if self._ascii:
            return Span(line, byte_col + 1, end_line, end_byte_col + 1)
        return Span(
            line,
            self.char_col(line, byte_col) + 1,
            end_line,
            self.char_col(end_line, end_byte_col) + 1,
        )
