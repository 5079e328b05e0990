"""`--format json`: a versioned document; its schema is in README.md ("JSON output")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

from nomock_lint import __version__
from nomock_lint.fingerprint import in_order, with_occurrences
from nomock_lint.formats import RenderOptions
from nomock_lint.model import SORT_KEY, FileStatus, Finding, Report

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


def findings_json(
    findings: list[Finding], encoded: Mapping[str, tuple[int, str]] | None = None
) -> Encoded:
    """The findings list as `dumps` writes it at level 1, byte for byte: each finding an object
    of rule, name, severity, path, line, column, end_line, end_column, message, matched,
    alternative (only when there is one) and fingerprint. `findings` come sorted (by path
    first); a file's findings that `encoded` holds (how many, and their text by a FileEncoder,
    made while the workers went on: `api.check`'s `encode`) are taken from it.

    A warm run renders every finding of a project (18,500 on the moto corpus): one format string
    per finding instead of the generic encoder's dict, type checks and re-indenting took the
    rendering from three quarters of a second to a tenth. The test suite compares the two.
    """
    if not findings:
        return Encoded(["[]"])
    pieces = ["[\n    "]
    encoder = FileEncoder()
    if not encoded:
        encoder.append(with_occurrences(findings), pieces)
    else:
        start, total = 0, len(findings)
        while start < total:
            path = findings[start].path
            count, text = encoded.get(path, (0, ""))
            end = start + count
            if (
                count
                and end <= total
                and findings[end - 1].path == path
                and (end == total or findings[end].path != path)
            ):
                pieces.append(text)
            else:  # (the baseline took some of them: `Report.encoded`)
                end = start + 1
                while end < total and findings[end].path == path:
                    end += 1
                encoder.append(with_occurrences(findings[start:end]), pieces)
            start = end
    pieces[-1] = pieces[-1][: -len(",\n    ")] + "\n  ]"
    return Encoded(pieces)


class FileEncoder:
    """Findings as `findings_json` writes them, one file's at a time (`__call__`), each followed
    by `,` and the next one's indentation. What repeats from finding to finding and from file to
    file is encoded once: a rule's fields, messages, names, alternatives (the moto corpus:
    18,514 findings, 1,870 messages, 3 alternatives)."""

    __slots__ = ("alternatives", "heads", "messages", "names")

    def __init__(self) -> None:
        self.heads: dict[tuple[str, str, str], str] = {}  # rule, name, severity -> up to "path"
        self.messages: dict[str, str] = {}  # a message -> its member and the next one's key
        self.names: dict[str, str] = {}  # a matched name -> its JSON string
        self.alternatives: dict[str, str] = {}  # an alternative -> its member

    def __call__(self, findings: list[Finding]) -> str:
        """One file's findings, in their order in the report."""
        pieces: list[str] = []
        self.append(in_order(sorted(findings, key=SORT_KEY)), pieces)
        return "".join(pieces)

    def append(self, findings: list[tuple[Finding, str]], pieces: list[str]) -> None:
        """Each of the findings, with its occurrence key (fingerprint.with_occurrences), as a
        JSON object at level 2, appended to `pieces`."""
        enc = encode_basestring  # the C string encoder that json.dumps(ensure_ascii=False) uses
        heads, messages, names, alternatives = (
            self.heads,
            self.messages,
            self.names,
            self.alternatives,
        )
        path, path_line = "", ""
        # (the fields unpacked at once: cheaper than an attribute lookup for each)
        for (
            rule,
            rule_name,
            fpath,
            span,
            message,
            severity,
            name,
            alt,
            _,
            _,
        ), key in findings:
            head = heads.get((rule, rule_name, severity))
            if head is None:
                head = heads[(rule, rule_name, severity)] = (
                    f'{{\n      "rule": {enc(rule)},\n      "name": {enc(rule_name)},'
                    f'\n      "severity": {enc(severity)},\n      "path": '
                )
            if fpath != path:
                path, path_line = fpath, f'{enc(fpath)},\n      "line": '
            line, col, end_line, end_col = span
            member = messages.get(message)
            if member is None:
                member = f',\n      "message": {enc(message)},\n      "matched": '
                messages[message] = member
            matched = names.get(name)
            if matched is None:
                matched = names[name] = enc(name)
            alternative = ""
            if alt:
                alternative = alternatives.get(alt, "")
                if not alternative:
                    alternative = alternatives[alt] = f',\n      "alternative": {enc(alt)}'
            pieces.append(
                f'{head}{path_line}{line},\n      "column": {col},'
                f'\n      "end_line": {end_line},\n      "end_column": {end_col}'
                f"{member}{matched}{alternative},"
                f'\n      "fingerprint": {enc(key)}\n    }},\n    '
            )


def render(report: Report, options: RenderOptions) -> str:
    document = {
        "version": JSON_VERSION,
        "tool": {"name": "nomock", "version": __version__},
        "findings": findings_json(report.findings, report.encoded),
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
