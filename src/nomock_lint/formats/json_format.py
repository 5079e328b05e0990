"""`--format json`: a versioned document; its schema is in README.md ("JSON output")."""

from __future__ import annotations

import json
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


def finding_dict(f: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": f.rule_id,
        "name": f.rule_name,
        "severity": f.severity,
        "path": f.path,
        "line": f.span.line,
        "column": f.span.col,
        "end_line": f.span.end_line,
        "end_column": f.span.end_col,
        "message": f.message,
        "matched": f.name,
    }
    if f.alternative:
        data["alternative"] = f.alternative
    return data


def render(report: Report, options: RenderOptions) -> str:
    document = {
        "version": JSON_VERSION,
        "tool": {"name": "nomock", "version": __version__},
        "findings": [
            {**finding_dict(f), "fingerprint": key} for f, key in with_occurrences(report.findings)
        ],
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
    return dumps(document) + "\n"


def dumps(value: Any, level: int = 0) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, `level` deep.

    The standard library indents in pure Python, which took most of a warm run with 20,000
    findings. A JSON text never holds a raw newline (strings escape it), so a piece encoded at
    level 0 moves to `level` by replacing each newline.
    """
    pad = "\n" + "  " * level
    if isinstance(value, dict) and value and _STR.issuperset(map(type, value)):
        if _SCALARS.issuperset(map(type, value.values())):
            return ("{\n  " + _FLAT.encode(value)[1:-1] + "\n}").replace("\n", pad)
        items = [f"{_FLAT.encode(k)}: {dumps(v, level + 1)}" for k, v in value.items()]
        return "{" + pad + "  " + ("," + pad + "  ").join(items) + pad + "}"
    if isinstance(value, list) and value:
        if _SCALARS.issuperset(map(type, value)):
            return ("[\n  " + _FLAT.encode(value)[1:-1] + "\n]").replace("\n", pad)
        items = [dumps(v, level + 1) for v in value]
        return "[" + pad + "  " + ("," + pad + "  ").join(items) + pad + "]"
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", pad)
