"""`--format github`: one GitHub Actions workflow command per finding (an annotation).

    ::error file=tests/test_api.py,line=3,endLine=3,col=1,endColumn=10,title=NM201 mock-object::…

Escaping follows the Actions toolkit: `%`, CR and LF in the message; those and `:` and `,` in
property values. Columns are UTF-16 code units, like the SARIF output's.
"""

from __future__ import annotations

from nomock_lint.formats import RenderOptions
from nomock_lint.formats.columns import Utf16Columns
from nomock_lint.model import Finding, Report

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, columns: Utf16Columns) -> str:
    span = columns.span(finding)
    properties = {
        "file": finding.path,
        "line": str(span.line),
        "endLine": str(span.end_line),
        "col": str(span.col),
        "endColumn": str(span.end_col),
        "title": f"{finding.rule_id} {finding.rule_name}",
    }
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{_COMMAND.get(finding.severity, 'error')} {props}::{escape_data(finding.message)}"


def render(report: Report, options: RenderOptions) -> str:
    columns = Utf16Columns(report.root)
    return "".join(annotation(f, columns) + "\n" for f in report.findings)
