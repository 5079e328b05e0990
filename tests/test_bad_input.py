"""Bad input never crashes a run (SPEC §6): NM903 or a named skip, and the run goes on."""

from __future__ import annotations

import io
import itertools
import tokenize
from pathlib import Path

from nomock_lint import api
from nomock_lint.config import Config
from nomock_lint.facts import ParseError
from nomock_lint.frontends.source import decode_python
from nomock_lint.model import FileStatus

MOCK_IMPORT = b"from unittest import mock\n"


def _write(root: Path, name: str, data: bytes) -> None:
    path = root / "tests" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _run(root: Path) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, FileStatus]]:
    report = api.check([root], Config(root=root))
    findings: dict[str, list[tuple[int, int, str]]] = {}
    for f in report.findings:
        findings.setdefault(f.path, []).append((f.span.line, f.span.col, f.rule_id))
    return findings, {o.path: o.status for o in report.files}


def test_encodings_bom_crlf_and_columns(project: Path) -> None:
    _write(project, "test_latin1.py", b"# -*- coding: latin-1 -*-\nx = '\xe9'\n" + MOCK_IMPORT)
    _write(project, "test_bom.py", b"\xef\xbb\xbf" + MOCK_IMPORT)
    _write(
        project, "test_crlf.py", b"import os\r\nfrom unittest import mock\r\nmock.patch('x')\r\n"
    )
    # Columns count code points: a tab, a wide character and a non-BMP emoji before the call.
    _write(project, "test_wide.py", MOCK_IMPORT + "x = ('\t全😀', mock.Mock())\n".encode())
    findings, status = _run(project)
    assert findings["tests/test_latin1.py"] == [(3, 22, "NM101")]
    assert findings["tests/test_bom.py"] == [(1, 22, "NM101")]
    assert findings["tests/test_crlf.py"] == [(2, 22, "NM101"), (3, 1, "NM201")]
    assert findings["tests/test_wide.py"] == [(1, 22, "NM101"), (2, 13, "NM201")]
    assert set(status.values()) == {FileStatus.CHECKED}


def test_broken_files_are_nm903_and_the_rest_is_checked(project: Path) -> None:
    _write(project, "test_syntax.py", MOCK_IMPORT + b"def broken(:\n")
    _write(project, "test_invalid_utf8.py", MOCK_IMPORT + b"x = '\xff\xfe'\n")
    _write(project, "test_null.py", MOCK_IMPORT + b"\x00\x00")
    _write(project, "test_deep.py", MOCK_IMPORT + b"print" + b"(" * 3000 + b")" * 3000 + b"\n")
    _write(project, "test_empty.py", b"")
    _write(project, "test_ok.py", MOCK_IMPORT)
    findings, status = _run(project)
    for name in ("test_syntax", "test_invalid_utf8", "test_null", "test_deep"):
        path = f"tests/{name}.py"
        assert status[path] is FileStatus.UNPARSABLE, path
        assert [rule for _, _, rule in findings[path]] == ["NM903"], path
    assert findings["tests/test_syntax.py"][0][:2] == (2, 12)
    assert status["tests/test_empty.py"] is FileStatus.CHECKED
    assert findings["tests/test_ok.py"] == [(1, 22, "NM101")]


def test_nm903_message_names_the_reason(project: Path) -> None:
    _write(project, "test_invalid_utf8.py", MOCK_IMPORT + b"x = '\xff'\n")
    report = api.check([project], Config(root=project))
    [finding] = report.findings
    assert finding.message == (
        "could not check this file: undecodable: not valid utf-8: byte 0xff at 2:6"
    )


_LINES = (b"", b"\n", b"x = 1\n", b"# coding: latin-1\n", b"# -*- coding: cp037 -*-\n")
_LINES += (b"# coding=nonesuch\n", b"#!/usr/bin/env python\n", b"s = 'coding'\n", b"\r\n")


def test_ascii_sources_decode_as_the_interpreter_reads_them() -> None:
    """decode_python's shortcut for ASCII bytes (no cookie in the first two lines: UTF-8) gives
    what tokenize.detect_encoding decides, or the same NM903, for any three of these lines."""

    def decoded(data: bytes, reference: bool) -> str | None:
        try:
            if not reference:
                return decode_python(data)
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            return data.decode(encoding)
        except (ParseError, SyntaxError, LookupError, UnicodeDecodeError):
            return None

    for lines in itertools.product(_LINES, repeat=3):
        data = b"".join(lines)
        assert decoded(data, False) == decoded(data, True), data
