"""`--format json`: versioned, and valid against the schema that README.md documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from nomock_lint.facts import Span
from nomock_lint.fingerprint import with_occurrences
from nomock_lint.formats import RenderOptions, json_format
from nomock_lint.model import Finding, Report

from .conftest import run_nomock
from .test_sarif import EVERY_RULE_TREE, write_tree

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "docs" / "json-output.schema.json").read_text(encoding="utf-8"))


def json_output(root: Path) -> dict[str, Any]:
    result = run_nomock(["check", "--format", "json"], root)
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_rule_tree_matches_the_schema(project: Path) -> None:
    write_tree(project, EVERY_RULE_TREE)
    data = json_output(project)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["version"] == 1
    assert data["files"]["unparsable"] >= 1
    assert data["suppressed"] >= 2
    fingerprints = [f["fingerprint"] for f in data["findings"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_empty_run_matches_the_schema(project: Path) -> None:
    data = json_output(project)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["findings"] == []


def test_readme_documents_every_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON output", 1)[1].split("\n## ", 1)[0]
    keys = set(SCHEMA["properties"]) | set(SCHEMA["$defs"]["finding"]["properties"])
    keys |= set(SCHEMA["properties"]["files"]["properties"])
    missing = sorted(k for k in keys if f"`{k}`" not in section)
    assert not missing, f"README.md's JSON output section does not mention {missing}"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_dumps_is_the_standard_indented_encoding(value: object) -> None:
    assert json_format.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def _reference_findings(findings: list[Finding]) -> list[dict[str, Any]]:
    """The findings list as the generic encoder would get it (the shape README.md documents)."""
    items = []
    for f, key in with_occurrences(findings):
        item: dict[str, Any] = {
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
            item["alternative"] = f.alternative
        items.append({**item, "fingerprint": key})
    return items


_FINDINGS = st.lists(
    st.builds(
        Finding,
        rule_id=st.sampled_from(["NM101", "NM201", "X100"]),
        rule_name=st.text(max_size=8),
        path=st.sampled_from(["a.py", 'dir/"q".py', "tests/\u00e9\\t.ts"]),
        span=st.builds(Span, *[st.integers(min_value=1, max_value=10**6)] * 4),
        message=st.text(),
        severity=st.sampled_from(["error", "warning", "note"]),
        name=st.text(max_size=12),
        alternative=st.none() | st.text(max_size=6),
        context=st.sampled_from(["", "x = 1", "mock()"]),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(_FINDINGS)
def test_findings_json_is_the_generic_encoding(findings: list[Finding]) -> None:
    expected = json_format.dumps(_reference_findings(findings), level=1)
    assert "".join(json_format.findings_json(findings).pieces) == expected
    report = Report(findings=findings)
    document = json.loads(json_format.render(report, RenderOptions()))
    assert document["findings"] == _reference_findings(findings)
