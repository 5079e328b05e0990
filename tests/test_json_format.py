"""`--format json`: versioned, and valid against the schema that README.md documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from nomock_lint.formats import json_format

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
