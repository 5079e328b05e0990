"""`--format sarif`: SARIF 2.1.0 that GitHub code scanning ingests without a warning.

Choices (see README "SARIF output"):
- `tool.driver.rules` is the whole catalog, in catalog order, so `ruleIndex` is stable; the
  configured plugins' rules follow it (their class docstrings describe them).
- Locations are repo-relative, percent-encoded URIs under `%SRCROOT%` (the project root,
  declared in `originalUriBaseIds`).
- Columns are UTF-16 code units (`columnKind` says so): SARIF's default and what GitHub assumes.
- `partialFingerprints.primaryLocationLineHash` comes from `nomock_lint.fingerprint`.
- Suppressed and baselined findings are left out: GitHub ignores SARIF `suppressions` and would
  show them as open alerts.
- No `security-severity`: that would turn testing-policy findings into security alerts.
- Unparsable files are NM903 results; when NM903 is disabled, and for files skipped for a reason
  the user may not expect (too large), they become tool execution notifications.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nomock_lint import __version__
from nomock_lint.catalog import Rule, load_catalog
from nomock_lint.fingerprint import with_occurrences
from nomock_lint.formats import RenderOptions
from nomock_lint.formats.columns import Utf16Columns
from nomock_lint.model import FileOutcome, FileStatus, Finding, PluginRuleInfo, Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/nomock/nomock"
SRCROOT = "%SRCROOT%"
# GitHub's limit for shortDescription and fullDescription.
_DESCRIPTION_LIMIT = 1024
# Skip reasons that are the user's own choice and need no notification.
_QUIET_SKIPS = ("excluded", "gitignored", "not a source file")
# GitHub's `problem.severity` vocabulary for non-security rules.
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def artifact_uri(relpath: str) -> str:
    """A repo-relative path as a relative URI reference: `/`-separated, percent-encoded UTF-8.

    Spaces, non-ASCII characters, `%`, `#`, `?` and `:` are all encoded, so the reference can
    never be read as absolute or as carrying a query or fragment; `urllib.parse.unquote` undoes it.
    """
    return quote(relpath.removeprefix("./"), safe="/", errors="surrogateescape")


def category_id(category: str) -> str:
    """`automationDetails.id` for a category: GitHub reads everything up to the last `/`."""
    category = category.strip() or "nomock/"
    return category if category.endswith("/") else category + "/"


def _text(value: str) -> str:
    value = " ".join(value.split())
    if len(value) > _DESCRIPTION_LIMIT:
        value = value[: _DESCRIPTION_LIMIT - 1] + "…"
    return value


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _descriptor(
    rule: Rule | PluginRuleInfo, full: str, help_text: str, help_uri: str | None, tag: str
) -> dict[str, Any]:
    """A reportingDescriptor: catalog and plugin rules differ in their texts and one tag."""
    tags = ["testing", "maintainability", "nomock", *([tag] if tag else [])]
    if rule.scope == "production":
        tags.append("production-code")
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _text(_sentence(rule.summary))},
        "fullDescription": {"text": _text(_sentence(full))},
        "help": {"text": help_text, "markdown": rule.doc_markdown()},
    }
    if help_uri:
        descriptor["helpUri"] = help_uri
    descriptor["defaultConfiguration"] = {"level": rule.severity}
    descriptor["properties"] = {
        "tags": tags,
        **({"precision": "very-high"} if not tag else {}),
        "problem.severity": _PROBLEM_SEVERITY[rule.severity],
    }
    return descriptor


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    help_text = f"{_sentence(rule.summary)}\n\n{rule.what}\n\n{rule.why}"
    if rule.use_instead:
        help_text += f"\n\nUse instead:\n{rule.use_instead}"
    return _descriptor(rule, rule.what, help_text, rule.help_uri, "")


def plugin_rule_descriptor(rule: PluginRuleInfo) -> dict[str, Any]:
    # No precision claimed for rules that nomock did not write.
    return _descriptor(rule, rule.description, rule.description, None, "plugin")


def _location(finding: Finding, columns: Utf16Columns) -> dict[str, Any]:
    span = columns.span(finding)
    start_line = max(span.line, 1)
    start_col = max(span.col, 1)
    end_line = max(span.end_line, start_line)
    end_col = max(span.end_col, 1)
    if end_line == start_line:
        end_col = max(end_col, start_col)
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": SRCROOT},
            "region": {
                "startLine": start_line,
                "startColumn": start_col,
                "endLine": end_line,
                "endColumn": end_col,
            },
        }
    }


def result(
    finding: Finding, fingerprint: str, index: dict[str, int], columns: Utf16Columns
) -> dict[str, Any]:
    data: dict[str, Any] = {"ruleId": finding.rule_id}
    if finding.rule_id in index:
        data["ruleIndex"] = index[finding.rule_id]
    data["level"] = finding.severity
    data["message"] = {"text": _sentence(finding.message)}
    data["locations"] = [_location(finding, columns)]
    data["partialFingerprints"] = {"primaryLocationLineHash": fingerprint}
    return data


def _notification(outcome: FileOutcome, level: str, text: str) -> dict[str, Any]:
    return {
        "level": level,
        "message": {"text": _sentence(text)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(outcome.path), "uriBaseId": SRCROOT}
                }
            }
        ],
    }


def notifications(report: Report) -> list[dict[str, Any]]:
    """Files that were not checked and have no result to say so."""
    reported = {f.path for f in report.findings if f.rule_id == "NM903"}
    notes = []
    for outcome in report.files:
        if outcome.status is FileStatus.UNPARSABLE and outcome.path not in reported:
            notes.append(_notification(outcome, "warning", f"Not checked: {outcome.reason}"))
        elif outcome.status is FileStatus.SKIPPED and outcome.reason not in _QUIET_SKIPS:
            notes.append(_notification(outcome, "note", f"Skipped: {outcome.reason}"))
    return notes


def _root_uri(root: str) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def document(report: Report, options: RenderOptions) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict (one run)."""
    rules = load_catalog().rules
    descriptors = [rule_descriptor(rule) for rule in rules]
    descriptors += [plugin_rule_descriptor(rule) for rule in options.plugin_rules]
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    columns = Utf16Columns(report.root)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notes = notifications(report)
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "nomock",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "automationDetails": {"id": category_id(options.sarif_category)},
        "originalUriBaseIds": {
            SRCROOT: {
                "uri": _root_uri(report.root),
                "description": {
                    "text": "The project root, which every result's path is relative to."
                },
            }
        },
        "columnKind": "utf16CodeUnits",
        "invocations": [invocation],
        "results": [
            result(finding, key, index, columns)
            for finding, key in with_occurrences(report.findings)
        ],
        "properties": {"suppressed": report.suppressed, "baselined": report.baselined},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, options: RenderOptions) -> str:
    return json.dumps(document(report, options), indent=2, ensure_ascii=False) + "\n"
