"""`--format json`: a versioned document; its schema is in README.md ("JSON output")."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from nomock_lint import __version__
from nomock_lint.fingerprint import with_occurrences
from nomock_lint.formats import RenderOptions
from nomock_lint.model import FileStatus, Finding, Report

JSON_VERSION = 1
_SCALARS = frozenset({str, int, float, bool, type(None)})
_STR = frozenset({str})
# Containers of scalars are encoded in C: the indentation goes into the item separator.
_FLAT = json.JSONEncoder(ensure_ascii=False, separators=(",\n  ", ": "))


class Encoded:
    """A value already encoded as `dumps` encodes it at its level of the document, in pieces
    that are joined once with the rest (a warm run's 10 MB document, put together with `+`,
    was copied about ten times: each copy of fresh memory cost 7-9 ms)."""

    __slots__ = ("pieces",)

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces


def findings_json(findings: list[Finding]) -> Encoded:
    """The findings list as `dumps` writes it at level 1, byte for byte: each finding an object
    of rule, name, severity, path, line, column, end_line, end_column, message, matched,
    alternative (only when there is one) and fingerprint.

    A warm run renders every finding of a project (18,500 on the moto corpus): one format string
    per finding instead of the generic encoder's dict, type checks and re-indenting took the
    rendering from three quarters of a second to a tenth. The test suite compares the two.
    """
    if not findings:
        return Encoded(["[]"])
    enc = encode_basestring  # the C string encoder that json.dumps(ensure_ascii=False) uses
    pieces = ["[\n    "]
    # A rule's three fields, and a file's path, encoded once (they repeat finding after finding).
    heads: dict[tuple[str, str, str], str] = {}
    # Messages, matched names and alternatives repeat too (the moto corpus: 18,514 findings,
    # 1,870 messages, 3 alternatives), each string encoded once.
    texts: dict[str, str] = {}  # a message or name -> its JSON string
    alternatives: dict[str, str] = {}  # an alternative -> its member
    path, path_line = "", ""
    for f, key in with_occurrences(findings):
        head = heads.get((f.rule_id, f.rule_name, f.severity))
        if head is None:
            head = heads[(f.rule_id, f.rule_name, f.severity)] = (
                f'{{\n      "rule": {enc(f.rule_id)},\n      "name": {enc(f.rule_name)},'
                f'\n      "severity": {enc(f.severity)},'
            )
        if f.path != path:
            path, path_line = f.path, f'\n      "path": {enc(f.path)},'
        span = f.span
        alternative = ""
        if f.alternative:
            alternative = alternatives.get(f.alternative, "")
            if not alternative:
                member = f',\n      "alternative": {enc(f.alternative)}'
                alternative = alternatives[f.alternative] = member
        message = texts.get(f.message)
        if message is None:
            message = texts[f.message] = enc(f.message)
        name = texts.get(f.name)
        if name is None:
            name = texts[f.name] = enc(f.name)
        pieces.append(
            f"{head}{path_line}"
            f'\n      "line": {span.line},\n      "column": {span.col},'
            f'\n      "end_line": {span.end_line},\n      "end_column": {span.end_col},'
            f'\n      "message": {message},\n      "matched": {name}{alternative},'
            f'\n      "fingerprint": {enc(key)}\n    }},\n    '
        )
    pieces[-1] = pieces[-1][: -len(",\n    ")] + "\n  ]"
    return Encoded(pieces)


def render(report: Report, options: RenderOptions) -> str:
    document = {
        "version": JSON_VERSION,
        "tool": {"name": "nomock", "version": __version__},
        "findings": findings_json(report.findings),
        "files": {
            "checked": report.count(FileStatus.CHECKED),
            "skipped": report.count(FileStatus.SKIPPED),
            "unparsable": report.count(FileStatus.UNPARSABLE),
            "details": [
                {
                    "path": f.path,
                    "status": f.status.value,
                    **({"reason": f.reason} if f.reason else {}),
                }
                for f in report.files
                if f.status is not FileStatus.CHECKED
            ],
        },
        "suppressed": report.suppressed,
        "baselined": report.baselined,
        "baseline_fixed": report.baseline_fixed,
    }
    out: list[str] = []
    _encode(document, 0, out)
    out.append("\n")
    return "".join(out)


def dumps(value: Any, level: int = 0) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, `level` deep.

    The standard library indents in pure Python, which took most of a warm run with 20,000
    findings. A JSON text never holds a raw newline (strings escape it), so a piece encoded at
    level 0 moves to `level` by replacing each newline.
    """
    out: list[str] = []
    _encode(value, level, out)
    return "".join(out)


def _encode(value: Any, level: int, out: list[str]) -> None:
    """`dumps`, appending the pieces of the text to `out`."""
    if isinstance(value, Encoded):
        out += value.pieces
        return
    pad = "\n" + "  " * level
    if isinstance(value, dict) and value and _STR.issuperset(map(type, value)):
        if _SCALARS.issuperset(map(type, value.values())):
            out.append(("{\n  " + _FLAT.encode(value)[1:-1] + "\n}").replace("\n", pad))
            return
        separator = "{" + pad + "  "
        for k, v in value.items():
            out.append(f"{separator}{_FLAT.encode(k)}: ")
            _encode(v, level + 1, out)
            separator = "," + pad + "  "
        out.append(pad + "}")
        return
    if isinstance(value, list) and value:
        if _SCALARS.issuperset(map(type, value)):
            out.append(("[\n  " + _FLAT.encode(value)[1:-1] + "\n]").replace("\n", pad))
            return
        separator = "[" + pad + "  "
        for v in value:
            out.append(separator)
            _encode(v, level + 1, out)
            separator = "," + pad + "  "
        out.append(pad + "]")
        return
    out.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", pad))
