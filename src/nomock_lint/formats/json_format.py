"""`--format json`: a versioned document; its schema is in README.md ("JSON output")."""

from __future__ import annotations

import json
from typing import Any

from nomock_lint import __version__
from nomock_lint.fingerprint import with_occurrences
from nomock_lint.formats import RenderOptions
from nomock_lint.model import FileStatus, Finding, Report

JSON_VERSION = 1


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
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
