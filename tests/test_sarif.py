"""SARIF output: the official schema, GitHub's ingestion rules, URIs, columns, fingerprints."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import jsonschema
import pytest

from nomock_lint import __version__, api
from nomock_lint.catalog import load_catalog
from nomock_lint.config import load_config
from nomock_lint.formats import RenderOptions
from nomock_lint.formats import sarif as sarif_format

from .conftest import run_nomock

SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_FILES = ("sarif-schema-2.1.0.json", "sarif-schema-2.1.0-rtm.5.json")
MULTITOOL_PACKAGE = "@microsoft/sarif-multitool@5.7.0"

SPACED = "tests/dir with space/test_café ü.py"

# One file per concern; together they trigger every rule in the catalog.
EVERY_RULE_TREE = {
    "tests/test_all.py": """\
import fakeredis
from freezegun import freeze_time
from unittest.mock import MagicMock
import sys


def test_things(monkeypatch):
    client = MagicMock()
    sys.modules["boto3"] = object()
    monkeypatch.setattr("app.clock.now", lambda: 0)
    import mock  # nomock: allow NM101
    import os  # nomock: allow NM203 -- nothing here to silence


class FakeRedis:
    pass
""",
    "src/service.py": """\
import os

mock_users = [{"id": 1}]
if os.environ.get("TESTING"):
    pass
""",
    "tests/test_broken.py": "import mock\ndef broken(:\n",
    SPACED: "from unittest.mock import patch\n",
    "tests/test_astral.py": 's = "😀😀"; from unittest.mock import MagicMock\n',
    "tests/test_suppressed.py": (
        "from unittest import mock  # nomock: allow NM101 -- legacy, tracked in #12\n"
    ),
    # Whatever the JavaScript front-end does with it (findings, or NM903 while it is a stub),
    # the SARIF must stay valid.
    "tests/app.test.ts": 'import { vi } from "vitest";\nvi.mock("./db");\n',
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def sarif_for(root: Path, category: str = "nomock/") -> dict[str, Any]:
    config = load_config(root)
    report = api.check([root], config)
    return sarif_format.document(report, RenderOptions(sarif_category=category))


@cache
def schema_validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def assert_schema_valid(log: dict[str, Any]) -> None:
    for name in SCHEMA_FILES:
        errors = sorted(schema_validator(name).iter_errors(log), key=lambda e: list(e.path))
        assert not errors, f"{name}: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
        )


@pytest.fixture
def every_rule(project: Path) -> Path:
    write_tree(project, EVERY_RULE_TREE)
    return project


def test_every_rule_tree_validates_against_the_official_schema(every_rule: Path) -> None:
    log = sarif_for(every_rule)
    assert_schema_valid(log)
    rule_ids = {r["ruleId"] for r in log["runs"][0]["results"]}
    missing = sorted({rule.id for rule in load_catalog().rules} - rule_ids)
    assert not missing, f"add files that trigger {missing} to EVERY_RULE_TREE"


def test_empty_and_clean_runs_are_valid(project: Path) -> None:
    empty = sarif_for(project)
    assert_schema_valid(empty)
    run = empty["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert len(run["tool"]["driver"]["rules"]) == len(load_catalog().rules)
    (project / "test_ok.py").write_text("def test_sum():\n    assert sum([1]) == 1\n")
    assert_schema_valid(sarif_for(project))


def test_driver_rules_come_from_the_catalog(project: Path) -> None:
    driver = sarif_for(project)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "nomock"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"].startswith("https://")
    for descriptor, rule in zip(driver["rules"], load_catalog().rules, strict=True):
        assert descriptor["id"] == rule.id
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["text"]
        assert len(descriptor["fullDescription"]["text"]) <= 1024
        assert descriptor["help"]["text"] and descriptor["help"]["markdown"]
        assert descriptor["helpUri"] == rule.help_uri
        assert descriptor["defaultConfiguration"]["level"] == rule.severity
        assert "testing" in descriptor["properties"]["tags"]
        assert "security" not in descriptor["properties"]["tags"]
    # Policy findings must not become security alerts.
    assert "security-severity" not in json.dumps(driver)


def test_results_reference_rules_and_locations(every_rule: Path) -> None:
    run = sarif_for(every_rule)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"]
        (location,) = res["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= region.keys()
        assert (region["endLine"], region["endColumn"]) >= (
            region["startLine"],
            region["startColumn"],
        )
        assert res["partialFingerprints"]["primaryLocationLineHash"]
        assert "suppressions" not in res
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["automationDetails"]["id"] == "nomock/"


def test_suppressed_findings_are_left_out(every_rule: Path) -> None:
    log = sarif_for(every_rule)
    paths = {
        unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in log["runs"][0]["results"]
    }
    assert "tests/test_suppressed.py" not in paths
    assert log["runs"][0]["properties"]["suppressed"] >= 2


def test_uris_round_trip_spaces_and_non_ascii(every_rule: Path) -> None:
    run = sarif_for(every_rule)["runs"][0]
    root_uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root_uri.startswith("file:///") and root_uri.endswith("/")
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    for uri in uris:
        assert not uri.startswith(("./", "/")) and not urlsplit(uri).scheme
        assert uri.isascii() and " " not in uri
        resolved = Path(url2pathname(urlsplit(urljoin(root_uri, uri)).path))
        assert resolved.is_file(), uri
        assert resolved.resolve() == (every_rule / unquote(uri)).resolve()
    spaced = "tests/dir%20with%20space/test_caf%C3%A9%20%C3%BC.py"
    assert spaced in uris
    assert unquote(spaced) == SPACED


def test_root_uri_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    root = tmp_path / "my project ü"
    (root / ".git").mkdir(parents=True)
    (root / "test_a.py").write_text("from unittest import mock\n")
    run = sarif_for(root)["runs"][0]
    root_uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root_uri.isascii() and root_uri.endswith("/my%20project%20%C3%BC/")
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    resolved = Path(url2pathname(urlsplit(urljoin(root_uri, uri)).path))
    assert resolved == (root / "test_a.py").resolve()


def test_columns_are_utf16_code_units(every_rule: Path) -> None:
    run = sarif_for(every_rule)["runs"][0]
    (res,) = [
        r
        for r in run["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "tests/test_astral.py"
    ]
    line = (every_rule / "tests/test_astral.py").read_text(encoding="utf-8").splitlines()[0]
    start = line.index("MagicMock")
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region["startColumn"] == len(line[:start].encode("utf-16-le")) // 2 + 1
    assert region["startColumn"] == start + 1 + 2  # two emoji, two code units each
    assert region["endColumn"] - region["startColumn"] == len("MagicMock")


def test_fingerprints_survive_unrelated_edits(project: Path) -> None:
    test_file = project / "tests" / "test_x.py"
    test_file.parent.mkdir()
    body = "from unittest.mock import MagicMock\n\n\ndef test_a():\n    MagicMock()\n"
    test_file.write_text(body)

    def keyed() -> dict[tuple[str, str], tuple[str, int]]:
        results = sarif_for(project)["runs"][0]["results"]
        return {
            (r["ruleId"], r["message"]["text"]): (
                r["partialFingerprints"]["primaryLocationLineHash"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in results
        }

    before = keyed()
    test_file.write_text('"""Docstring."""\nimport os\n\n' + body.replace("    M", "        M"))
    after = keyed()
    assert before.keys() == after.keys() and before
    for key in before:
        assert before[key][0] == after[key][0]
        assert after[key][1] == before[key][1] + 3


def test_identical_findings_are_numbered(project: Path) -> None:
    (project / "test_y.py").write_text(
        "from unittest.mock import MagicMock\n\n"
        "def test_a():\n    MagicMock()\n\ndef test_b():\n    MagicMock()\n"
    )
    results = sarif_for(project)["runs"][0]["results"]
    hashes = [
        r["partialFingerprints"]["primaryLocationLineHash"]
        for r in results
        if r["ruleId"] == "NM201"
    ]
    assert len(hashes) == 2
    assert hashes[0].split(":")[0] == hashes[1].split(":")[0]
    assert [h.split(":")[1] for h in hashes] == ["1", "2"]


def test_unparsable_files_without_nm903_become_notifications(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.nomock]\nignore = ["NM903"]\n')
    (project / "test_b.py").write_text("import mock\ndef broken(:\n")
    log = sarif_for(project)
    assert_schema_valid(log)
    run = log["runs"][0]
    assert run["results"] == []
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert "syntax error" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "test_b.py"


def test_oversized_files_become_notifications(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.nomock]\nmax-file-size = 100\n")
    (project / "test_big.py").write_text("import mock\n" + "x = 1\n" * 100)
    (project / "excluded.txt").write_text("not a source file\n")
    log = sarif_for(project)
    assert_schema_valid(log)
    (note,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note"
    assert note["message"]["text"].startswith("Skipped: too large")
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "test_big.py"


def test_cli_writes_sarif_with_a_category(every_rule: Path) -> None:
    out = every_rule / "out dir" / "nomock.sarif"
    out.parent.mkdir()
    result = run_nomock(
        ["check", "--format", "sarif", "--sarif-category", "nomock/backend", "-o", str(out)],
        every_rule,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    log = json.loads(out.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["automationDetails"]["id"] == "nomock/backend/"
    assert_schema_valid(log)


def test_category_ids() -> None:
    assert sarif_format.category_id("nomock/") == "nomock/"
    assert sarif_format.category_id("frontend") == "frontend/"
    assert sarif_format.category_id("  ") == "nomock/"


def test_artifact_uri_encoding() -> None:
    assert sarif_format.artifact_uri("./a b/ü.py") == "a%20b/%C3%BC.py"
    assert sarif_format.artifact_uri("c:d#e?f%.py") == "c%3Ad%23e%3Ff%25.py"
    assert unquote(sarif_format.artifact_uri("c:d#e?f%.py")) == "c:d#e?f%.py"


# Microsoft's SARIF validator, with GitHub's ingestion rules ("Gh") and the SARIF rules.
# SARIF2006 fetches every URI in the log over HTTP: disabled, as tests use no network.
VALIDATOR_CONFIG = """\
<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
"""


def _validator_env() -> dict[str, str]:
    # Runs without ICU where libicu is absent; no telemetry.
    return {
        **os.environ,
        "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1",
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
    }


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nomock-tests" / "sarif-multitool-5.7.0"


def _resolve_multitool(prefix: Path) -> Path | None:
    node = shutil.which("node")
    if node is None or not (prefix / "node_modules").is_dir():
        return None
    found = subprocess.run(
        [node, "-p", "require('@microsoft/sarif-multitool')"],
        cwd=prefix,
        capture_output=True,
        text=True,
        timeout=60,
    )
    path = Path(found.stdout.strip())
    return path if found.returncode == 0 and path.is_file() else None


def multitool() -> Path:
    """The validator: $NOMOCK_SARIF_MULTITOOL (CI), else installed once into a user cache."""
    configured = os.environ.get("NOMOCK_SARIF_MULTITOOL")
    if configured:
        binary = Path(configured)
        assert binary.is_file(), f"NOMOCK_SARIF_MULTITOOL={configured} is not a file"
    else:
        binary = _install_multitool()
    if not os.access(binary, os.X_OK):
        binary.chmod(binary.stat().st_mode | 0o100)  # npm may skip the package's chmod script
    return binary


def _install_multitool() -> Path:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("node/npm not on PATH: cannot install @microsoft/sarif-multitool")
    prefix = _cache_dir()
    binary = _resolve_multitool(prefix)
    if binary is None:
        prefix.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", MULTITOOL_PACKAGE],
            capture_output=True,
            text=True,
            timeout=600,
        )
        binary = _resolve_multitool(prefix)
        if binary is None:
            last = (install.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"could not install {MULTITOOL_PACKAGE} with npm: {last}")
    return binary


def run_validator(
    sarif_file: Path, work: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    config = work / "validator-config.xml"
    config.write_text(VALIDATOR_CONFIG, encoding="utf-8")
    log_file = work / "validation.sarif"
    command = [
        str(multitool()),
        "validate",
        "--rule-kind",
        "Gh;Sarif",
        "--level",
        "Error;Warning;Note",
        "--config",
        str(config),
        "--output",
        str(log_file),
        str(sarif_file),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=_validator_env()
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert log_file.is_file(), done.stdout + done.stderr
    return done, json.loads(log_file.read_text(encoding="utf-8-sig"))


def test_microsoft_validator_with_github_rules_reports_no_errors(
    every_rule: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("validator")
    sarif_file = work / "nomock.sarif"
    result = run_nomock(["check", "--format", "sarif", "-o", str(sarif_file)], every_rule)
    assert result.returncode == 1, result.stderr
    done, validation = run_validator(sarif_file, work)
    found = validation["runs"][0].get("results", [])
    levels = Counter(r.get("level", "warning") for r in found)
    by_rule = Counter(f"{r.get('level', 'warning')} {r['ruleId']}" for r in found)
    # Shown with `pytest -s`: the figures quoted in the docs.
    print(f"\nvalidator results by level: {dict(levels)}; by rule: {dict(sorted(by_rule.items()))}")
    print("\n".join(line for line in done.stdout.splitlines() if " note " not in line))
    problems = [
        f"{r['ruleId']}: {r['message'].get('text') or r['message'].get('arguments')}"
        for r in found
        if r.get("level", "warning") in ("error", "warning")
    ]
    assert not problems, "\n".join(problems)
    # The validator itself must have seen problems in a broken log (it checks something).
    broken = json.loads(sarif_file.read_text(encoding="utf-8"))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    del broken["runs"][0]["tool"]["driver"]["rules"][0]["help"]
    broken_file = work / "broken.sarif"
    broken_file.write_text(json.dumps(broken), encoding="utf-8")
    (work / "validation.sarif").unlink()
    _, broken_validation = run_validator(broken_file, work)
    broken_rules = {
        r["ruleId"]
        for r in broken_validation["runs"][0].get("results", [])
        if r.get("level", "warning") == "error"
    }
    assert broken_rules, "the validator found nothing wrong in a log with a column 0"
