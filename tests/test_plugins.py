"""Plugin rules: a real installed distribution (dist-info with entry points) on PYTHONPATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN_MODULE = """
import os
import pathlib

import libcst as cst
import libcst.matchers as m

from nomock_lint.plugins import PluginRule

pathlib.Path(os.environ["ACME_IMPORTED"]).write_text("imported")


class NoSleep(PluginRule):
    '''A test sleeps for a fixed time.

    Wait for the event itself (a port that accepts connections, a row that appears) instead.
    '''

    id = "ACME100"
    name = "sleep-in-test"
    message = "`{name}` waits for a fixed time instead of for the real event"
    severity = "error"
    scope = "test"

    def visit_Call(self, node: cst.Call) -> None:
        if m.matches(node.func, m.Attribute(value=m.Name("time"), attr=m.Name("sleep"))):
            self.report(node, name="time.sleep")


class NoPrint(PluginRule):
    id = "ACME200"
    name = "print-call"
    message = "print() in {name}"

    def visit_Call(self, node: cst.Call) -> None:
        if m.matches(node.func, m.Name("print")):
            self.report(node.func, name=self.context.path)


RULES = [NoSleep, NoPrint]


class Broken(PluginRule):
    id = "ACME900"
    name = "broken"
    message = "x"

    def visit_Call(self, node: cst.Call) -> None:
        raise KeyError("oops")


class Clashing(PluginRule):
    id = "NM201"
    name = "clash"
    message = "x"
"""

SOURCE = """import time

type Delay = float  # PEP 695: this file is read by the libcst front-end under 3.11


def test_waits() -> None:
    time.sleep(0.5)
    print(  "x")
    time.sleep(1)  # nomock: allow ACME100 -- the device needs a second after power-on
"""


def _install(site: Path) -> None:
    """What `pip install` leaves behind: the module and a dist-info with entry_points.txt."""
    site.mkdir()
    (site / "acme_nomock.py").write_text(PLUGIN_MODULE)
    info = site / "acme_nomock-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-nomock\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[nomock_lint.rules]\n"
        "acme = acme_nomock:RULES\n"
        "clash = acme_nomock:Clashing\n"
        "broken = acme_nomock:Broken\n"
    )


def _run(
    project: Path, plugins: str | None, *args: str, extra: str = "", command: str = "check"
) -> subprocess.CompletedProcess[str]:
    table = "[tool.nomock]\n" + (f"plugins = {plugins}\n" if plugins is not None else "") + extra
    (project / "pyproject.toml").write_text(table)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(project.parent / "site"), *sys.path]),
        "ACME_IMPORTED": str(project.parent / "imported"),
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "nomock_lint", command, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    _install(tmp_path / "site")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "tests" / "test_device.py").write_text(SOURCE)
    (project / "app.py").write_text("print('x')\n")
    return project


def test_plugin_rules_run_with_exact_positions_and_suppressions(acme: Path) -> None:
    result = _run(acme, '["acme"]', "--format", "json", ".")
    assert result.returncode == 1, result.stderr
    got = {
        (f["path"], f["rule"], f["line"], f["column"], f["end_column"], f["severity"])
        for f in json.loads(result.stdout)["findings"]
    }
    assert got == {
        ("tests/test_device.py", "ACME100", 7, 5, 20, "error"),  # time.sleep(0.5), a test file
        ("tests/test_device.py", "ACME200", 8, 5, 10, "warning"),  # print, the name only
        ("app.py", "ACME200", 1, 1, 6, "warning"),  # ACME100 is scoped to test files
    }  # line 9 is suppressed inline with a reason
    assert (acme.parent / "imported").exists()


def test_nothing_is_imported_without_plugins(acme: Path) -> None:
    result = _run(acme, None, ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ACME" not in result.stdout
    assert not (acme.parent / "imported").exists()


def test_unknown_plugin_is_a_configuration_error(acme: Path) -> None:
    result = _run(acme, '["nope"]', ".")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "unknown plugin `nope`" in result.stderr and "acme" in result.stderr


def test_plugin_rule_may_not_take_a_catalog_id(acme: Path) -> None:
    result = _run(acme, '["clash"]', ".")
    assert result.returncode == 2
    assert "NM201" in result.stderr and result.stderr.count("\n") == 1


def test_allow_list_covers_plugin_findings(acme: Path) -> None:
    result = _run(acme, '["acme"]', ".", extra='allow = ["time.sleep"]\n')
    assert "ACME100" not in result.stdout and "ACME200" in result.stdout


def test_a_failing_plugin_stops_the_run_with_one_line(acme: Path) -> None:
    result = _run(acme, '["broken"]', ".")
    assert result.returncode == 2
    assert "failed on" in result.stderr and "KeyError" in result.stderr
    assert result.stderr.count("\n") == 1


def test_plugin_rules_are_turned_off_and_ranked_like_catalog_rules(acme: Path) -> None:
    """`ignore`, `per-path-ignores`, `--ignore` and `severity` take plugin ids and prefixes."""

    def found(*args: str, extra: str = "") -> set[tuple[str, str, str]]:
        result = _run(acme, '["acme"]', "--format", "json", *args, ".", extra=extra)
        assert result.returncode in (0, 1), result.stderr
        findings = json.loads(result.stdout)["findings"]
        return {(f["path"], f["rule"], f["severity"]) for f in findings}

    everything = {
        ("tests/test_device.py", "ACME100", "error"),
        ("tests/test_device.py", "ACME200", "warning"),
        ("app.py", "ACME200", "warning"),
    }
    assert found() == everything
    assert found(extra='ignore = ["ACME2"]\n') == {("tests/test_device.py", "ACME100", "error")}
    assert found("--ignore", "ACME100") == everything - {
        ("tests/test_device.py", "ACME100", "error")
    }
    per_path = '[tool.nomock.per-path-ignores]\n"tests/" = ["ACME"]\n'
    assert found(extra=per_path) == {("app.py", "ACME200", "warning")}
    ranked = found(extra='[tool.nomock.severity]\nACME = "note"\nACME100 = "warning"\n')
    assert ranked == {
        ("tests/test_device.py", "ACME100", "warning"),  # the most specific entry wins
        ("tests/test_device.py", "ACME200", "note"),
        ("app.py", "ACME200", "note"),
    }


def test_a_plugin_id_that_no_loaded_rule_has_is_a_configuration_error(acme: Path) -> None:
    result = _run(acme, '["acme"]', ".", extra='ignore = ["ACME300"]\n')
    assert result.returncode == 2
    assert "unknown rule id `ACME300`" in result.stderr and result.stderr.count("\n") == 1
    # Without `plugins`, a non-NM id is unknown as before; `select` does not take plugin ids.
    assert _run(acme, None, ".", extra='ignore = ["ACME100"]\n').returncode == 2
    selected = _run(acme, '["acme"]', ".", extra='select = ["ACME100"]\n')
    assert selected.returncode == 2 and "plugins" in selected.stderr


def test_rules_explain_and_sarif_describe_the_configured_plugin_rules(acme: Path) -> None:
    listed = _run(acme, '["acme"]', command="rules")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[-2].startswith("ACME100  sleep-in-test") and "A test sleeps" in lines[-2]
    assert lines[-2].endswith("(test code only)  (plugin acme)")
    assert lines[-1].startswith("ACME200  print-call") and "print-call" in lines[-1]  # no docstring
    rules = json.loads(_run(acme, '["acme"]', "--format", "json", command="rules").stdout)
    assert rules[-2] == {
        "id": "ACME100",
        "name": "sleep-in-test",
        "severity": "error",
        "scope": "test",
        "summary": "A test sleeps for a fixed time.",
        "plugin": "acme",
    }
    assert "plugin" not in rules[0]
    assert "ACME" not in _run(acme, None, command="rules").stdout
    (acme / "other.toml").write_text('plugins = ["acme"]\n')
    chosen = _run(acme, None, "--config", "other.toml", command="rules")
    assert chosen.stdout.splitlines()[-2:] == lines[-2:], chosen.stderr

    explained = _run(acme, '["acme"]', "ACME100", command="explain")
    assert explained.returncode == 0, explained.stderr
    assert "Wait for the event itself" in explained.stdout and "`acme`" in explained.stdout
    assert _run(acme, None, "ACME100", command="explain").returncode == 2

    from tests.test_sarif import assert_schema_valid

    sarif = _run(acme, '["acme"]', "--format", "sarif", ".")
    log = json.loads(sarif.stdout)
    assert_schema_valid(log)
    run = log["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids[-2:] == ["ACME100", "ACME200"] and ids[0] == "NM101"
    described = run["tool"]["driver"]["rules"][-2]
    assert described["shortDescription"]["text"] == "A test sleeps for a fixed time."
    assert described["defaultConfiguration"]["level"] == "error"
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    assert {r["ruleId"] for r in run["results"]} == {"ACME100", "ACME200"}
