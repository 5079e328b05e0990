"""`nomock baseline` and `nomock check --baseline`: only new findings fail the build."""

from __future__ import annotations

import json
from pathlib import Path

from nomock_lint.baseline import Baseline
from nomock_lint.facts import Span
from nomock_lint.fingerprint import fingerprint, with_occurrences
from nomock_lint.model import Finding

from .conftest import run_nomock

OLD_TEST = (
    "from unittest.mock import MagicMock, patch\n"
    "\n"
    "\n"
    "def test_cache():\n"
    "    client = MagicMock()\n"
    "    other = MagicMock()\n"
    "    other = MagicMock()\n"
    '    with patch("app.cache.redis"):\n'
    "        pass\n"
)
PRODUCTION = 'import os\n\nDEBUG = os.getenv("TESTING") == "1"\n'


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def record(root: Path, *args: str, cwd: Path | None = None) -> str:
    result = run_nomock(["baseline", *args], cwd or root)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def check(root: Path, *args: str, cwd: Path | None = None) -> tuple[int, dict[str, object]]:
    result = run_nomock(["check", "--format", "json", *args], cwd or root)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def new_findings(document: dict[str, object]) -> list[tuple[str, int, str]]:
    findings = document["findings"]
    assert isinstance(findings, list)
    return [(f["path"], f["line"], f["rule"]) for f in findings]


def seeded(project: Path) -> Path:
    write(project, {"tests/test_cache.py": OLD_TEST, "app/settings.py": PRODUCTION})
    assert record(project) == "Wrote 7 findings to .nomock-baseline.json."
    return project / ".nomock-baseline.json"


def test_round_trip_reports_nothing(project: Path) -> None:
    seeded(project)
    code, document = check(project, "--baseline", ".nomock-baseline.json")
    assert code == 0
    assert new_findings(document) == []
    assert document["baselined"] == 7
    result = run_nomock(["check", "--baseline", ".nomock-baseline.json"], project)
    assert result.stdout.strip() == "Found 0 findings in 2 files checked; 7 in the baseline."


def test_lines_inserted_and_removed_above_findings(project: Path) -> None:
    seeded(project)
    moved = OLD_TEST.replace("\n\ndef test_cache", "\nimport os\n\n\nX = 1\n\n\ndef test_cache")
    write(project, {"tests/test_cache.py": moved, "app/settings.py": "# settings\n" + PRODUCTION})
    code, document = check(project, "--baseline", ".nomock-baseline.json")
    assert (code, new_findings(document), document["baselined"]) == (0, [], 7)
    lines = moved.splitlines()
    del lines[1:4]  # now remove lines above the findings
    write(project, {"tests/test_cache.py": "\n".join(lines) + "\n"})
    code, document = check(project, "--baseline", ".nomock-baseline.json")
    assert (code, new_findings(document), document["baselined"]) == (0, [], 7)


def test_reindented_line_keeps_its_fingerprint(project: Path) -> None:
    seeded(project)
    write(project, {"tests/test_cache.py": OLD_TEST.replace("client = ", "client  =  ")})
    code, _ = check(project, "--baseline", ".nomock-baseline.json")
    assert code == 0


def test_only_new_findings_are_reported(project: Path) -> None:
    seeded(project)
    grown = OLD_TEST + "    again = MagicMock()\n" + "    other = MagicMock()\n"
    write(project, {"tests/test_cache.py": grown})
    code, document = check(project, "--baseline", ".nomock-baseline.json")
    assert code == 1
    # A third `other = MagicMock()`: the occurrence index tells it from the two baselined ones.
    assert new_findings(document) == [
        ("tests/test_cache.py", 10, "NM201"),
        ("tests/test_cache.py", 11, "NM201"),
    ]
    assert document["baselined"] == 7


def test_same_fingerprints_from_another_working_directory(project: Path, tmp_path: Path) -> None:
    baseline = seeded(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, document = check(project, "--baseline", str(baseline), str(project), cwd=elsewhere)
    assert (code, document["baselined"]) == (0, 7)
    code, document = check(project, "--baseline", "../.nomock-baseline.json", cwd=project / "app")
    assert (code, document["baselined"], document["baseline_fixed"]) == (0, 1, 0)
    # Recorded from a subfolder, the file is byte for byte the same.
    again = record(project, str(project), "--output", str(tmp_path / "b.json"), cwd=elsewhere)
    assert again.startswith("Wrote 7 findings")
    assert (tmp_path / "b.json").read_text() == baseline.read_text()


def test_file_is_sorted_diff_friendly_json(project: Path) -> None:
    baseline = seeded(project)
    text = baseline.read_text()
    document = json.loads(text)
    assert text.endswith("}\n")
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["version"] == 1
    entries = document["entries"]
    assert [(e["path"], e["rule"]) for e in entries] == [
        ("app/settings.py", "NM401"),
        ("tests/test_cache.py", "NM101"),
        ("tests/test_cache.py", "NM101"),
        ("tests/test_cache.py", "NM201"),
        ("tests/test_cache.py", "NM201"),
        ("tests/test_cache.py", "NM201"),
        ("tests/test_cache.py", "NM201"),
    ]
    assert all(set(e) == {"context", "fingerprint", "path", "rule"} for e in entries)
    # No line numbers: recording again after code moved changes nothing.
    write(project, {"tests/test_cache.py": "\n\n" + OLD_TEST})
    record(project)
    assert baseline.read_text() == text


def test_fixed_entries_are_counted_and_pruned(project: Path) -> None:
    baseline = seeded(project)
    write(project, {"tests/test_cache.py": OLD_TEST.replace("    client = MagicMock()\n", "")})
    result = run_nomock(["check", "--baseline", ".nomock-baseline.json"], project)
    assert result.returncode == 0
    assert result.stdout.strip() == (
        "Found 0 findings in 2 files checked; 6 in the baseline; 1 baseline entry fixed "
        "(run `nomock baseline --prune` to tighten the baseline)."
    )
    write(project, {"tests/test_new.py": "from unittest import mock\n"})
    assert record(project, "--prune") == "Pruned 1 fixed entry; 6 left in .nomock-baseline.json."
    contexts = [e["context"] for e in json.loads(baseline.read_text())["entries"]]
    assert "client = MagicMock()" not in contexts
    assert len(contexts) == 6  # pruning never adds the new finding
    code, document = check(project, "--baseline", ".nomock-baseline.json")
    assert (code, document["baseline_fixed"], new_findings(document)) == (
        1,
        0,
        [("tests/test_new.py", 1, "NM101")],
    )


def test_checking_a_subset_does_not_count_other_files_as_fixed(project: Path) -> None:
    seeded(project)
    code, document = check(project, "--baseline", ".nomock-baseline.json", "app")
    assert (code, document["baselined"], document["baseline_fixed"]) == (0, 1, 0)
    record(project, "--prune", "app")
    assert len(json.loads((project / ".nomock-baseline.json").read_text())["entries"]) == 7


def test_deleted_file_entries_are_fixed(project: Path) -> None:
    seeded(project)
    (project / "tests" / "test_cache.py").unlink()
    code, document = check(project, "--baseline", ".nomock-baseline.json", "app")
    assert (code, document["baselined"], document["baseline_fixed"]) == (0, 1, 6)


def test_baseline_with_config_and_output(project: Path) -> None:
    write(project, {"tests/test_cache.py": OLD_TEST, "nomock.toml": 'select = ["NM201"]\n'})
    assert record(project, "-o", "ci/baseline.json") == "Wrote 4 findings to ci/baseline.json."
    code, document = check(project, "--baseline", "ci/baseline.json", "--select", "NM1,NM201")
    assert (code, document["baselined"]) == (1, 4)
    assert [r for _, _, r in new_findings(document)] == ["NM101", "NM101"]


def test_bad_baseline_files_are_one_line_exit_2(project: Path) -> None:
    write(project, {"app.py": "x = 1\n", "bad.json": "{", "old.json": '{"version": 0}'})
    write(project, {"odd.json": '{"version": 1, "entries": [{"rule": "NM201"}]}'})
    expected = {
        "missing.json": "nomock: error: baseline file not found: missing.json",
        "bad.json": "nomock: error: bad.json: not a nomock baseline (",
        "old.json": "nomock: error: old.json: not a nomock baseline (version 1 expected)",
        "odd.json": "nomock: error: odd.json: `entries` must be a list of",
    }
    for name, message in expected.items():
        result = run_nomock(["check", "--baseline", name], project)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith(message), result.stderr
    result = run_nomock(["baseline", "--prune", "--output", "missing.json"], project)
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "nomock: error: baseline file not found: missing.json",
    )


def test_statistics_per_rule_and_top_level_folder(project: Path) -> None:
    write(
        project,
        {
            "tests/test_cache.py": OLD_TEST,
            "app/settings.py": PRODUCTION,
            "test_top.py": "import mock\n",
        },
    )
    result = run_nomock(["check", "--statistics"], project)
    assert result.returncode == 1
    text = result.stdout
    by_rule = text[text.index("Findings by rule:") : text.index("Findings by top-level folder:")]
    assert [line.split() for line in by_rule.strip().splitlines()[1:]] == [
        ["3", "NM101", "mock-import"],
        ["4", "NM201", "mock-object"],
        ["1", "NM401", "test-mode-branch"],
    ]
    by_folder = text[text.index("Findings by top-level folder:") :].strip().splitlines()
    assert [line.split() for line in by_folder[1:4]] == [["6", "tests"], ["1", "."], ["1", "app"]]
    # With a baseline, the statistics count what is left to pay down beyond it.
    record(project, "tests")
    result = run_nomock(["check", "--statistics", "--baseline", ".nomock-baseline.json"], project)
    assert "6  tests" not in result.stdout
    assert "1  app" in result.stdout


def test_entries_use_the_shared_fingerprints() -> None:
    def at(line: int, context: str) -> Finding:
        span = Span(line, 5, line, 16)
        return Finding("NM201", "mock-object", "tests/a.py", span, "m", "error", context=context)

    findings = [at(9, "x()"), at(2, "x()"), at(5, "y()")]
    entries = Baseline.from_findings(findings).entries
    assert sorted(e.fingerprint for e in entries) == sorted(
        fp for _, fp in with_occurrences(findings)
    )
    assert {e.fingerprint.rsplit(":", 1)[0] for e in entries} == {
        fingerprint(at(1, "x()")),
        fingerprint(at(1, "y()")),
    }
    # Moved and re-indented: the same entries.
    moved = [at(19, "x()"), at(12, " x() "), at(15, "y()")]
    assert Baseline.from_findings(moved).dumps() == Baseline.from_findings(findings).dumps()
