"""The result cache: hits never stale, safe when damaged, shared by concurrent runs, pruned."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nomock_lint import cache as cache_module
from nomock_lint.api import FileResult
from nomock_lint.config import Config
from nomock_lint.discovery import Candidate
from nomock_lint.facts import Span
from nomock_lint.model import FileOutcome, FileStatus, Finding

from .conftest import run_nomock

REPO = Path(__file__).resolve().parents[1]
TEST_FILE = "from unittest.mock import MagicMock\n\n\ndef test_a():\n    MagicMock()\n"


def _findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    return [(f["path"], f["line"], f["rule"]) for f in document["findings"]]


def _tree(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "test_a.py").write_text(TEST_FILE)
    (project / "app.py").write_text("import os\n\nDEBUG = os.environ.get('TESTING')\n")


def _entries(directory: Path) -> list[Path]:
    return [p for p in directory.glob("??/*") if not p.name.startswith(".tmp-")]


def test_cache_folder_is_tagged_and_ignored(project: Path) -> None:
    _tree(project)
    first = run_nomock(["check", "--format", "json", "."], project)
    folder = project / ".nomock_cache"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(_entries(folder)) == 2
    second = run_nomock(["check", "--format", "json", "."], project)
    assert second.stdout == first.stdout


def test_no_cache_and_cache_dir(project: Path, tmp_path_factory: object) -> None:
    _tree(project)
    run_nomock(["check", "--no-cache", "."], project)
    assert not (project / ".nomock_cache").exists()
    run_nomock(["check", "--cache-dir", "elsewhere", "."], project)
    assert not (project / ".nomock_cache").exists()
    assert len(_entries(project / "elsewhere")) == 2


def test_editing_the_file_gives_fresh_results(project: Path) -> None:
    _tree(project)
    before = _findings(run_nomock(["check", "--format", "json", "."], project))
    assert ("tests/test_a.py", 5, "NM201") in before
    (project / "tests" / "test_a.py").write_text(TEST_FILE.replace("MagicMock()", "pass"))
    after = _findings(run_nomock(["check", "--format", "json", "."], project))
    assert ("tests/test_a.py", 5, "NM201") not in after
    assert ("tests/test_a.py", 1, "NM101") in after


def test_editing_the_config_gives_fresh_results(project: Path) -> None:
    _tree(project)
    assert ("app.py", 3, "NM401") in _findings(
        run_nomock(["check", "--format", "json", "."], project)
    )
    (project / "nomock.toml").write_text('ignore = ["NM401"]\n')
    after = _findings(run_nomock(["check", "--format", "json", "."], project))
    assert ("app.py", 3, "NM401") not in after
    assert ("tests/test_a.py", 5, "NM201") in after
    (project / "nomock.toml").write_text('test-paths = ["nothing/"]\n')
    # tests/test_a.py is now production code: the same bytes, a different class of file.
    reclassified = _findings(run_nomock(["check", "--format", "json", "."], project))
    assert reclassified != after


def test_editing_the_catalog_gives_fresh_results(project: Path, tmp_path: Path) -> None:
    """A copy of nomock with its own rules/ folder; a new module in the catalog is seen at once."""
    install = tmp_path / "install"
    shutil.copytree(REPO / "src" / "nomock_lint", install / "src" / "nomock_lint")
    shutil.copytree(REPO / "rules", install / "rules")
    work = project / "work"
    work.mkdir()
    (work / "test_b.py").write_text("import sqlite3_double\n")
    env = {**os.environ, "PYTHONPATH": str(install / "src")}
    command = [sys.executable, "-m", "nomock_lint", "check", "--format", "json", "."]

    def findings() -> list[tuple[str, int, str]]:
        result = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env)
        return _findings(result)

    assert findings() == []
    rule = install / "rules" / "NM101.toml"
    text = rule.read_text()
    assert 'modules = ["unittest.mock",' in text
    rule.write_text(
        text.replace('modules = ["unittest.mock",', 'modules = ["sqlite3_double", "unittest.mock",')
    )
    assert findings() == [("work/test_b.py", 1, "NM101")]


def test_damaged_entries_are_misses(project: Path) -> None:
    _tree(project)
    first = run_nomock(["check", "--format", "json", "."], project)
    for entry in _entries(project / ".nomock_cache"):
        entry.write_bytes(b'{"s": "checked", "f": [[1, 2')
    second = run_nomock(["check", "--format", "json", "."], project)
    assert second.stdout == first.stdout


def test_concurrent_runs_agree(project: Path) -> None:
    for i in range(40):
        (project / f"test_{i}.py").write_text(TEST_FILE * (1 + i % 3))
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "nomock_lint", "check", "--format", "json", "."]
    runs = [
        subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(4)
    ]
    outputs = {run.communicate(timeout=120)[0] for run in runs}
    assert len(outputs) == 1
    again = run_nomock(["check", "--format", "json", "."], project)
    assert again.stdout in outputs
    assert len(json.loads(again.stdout)["findings"]) > 40


def test_prune_removes_old_entries_once_a_day(tmp_path: Path) -> None:
    from nomock_lint.api import FileResult
    from nomock_lint.model import FileOutcome, FileStatus

    cache = cache_module.Cache(tmp_path / "c", Config(root=tmp_path))
    result = FileResult(FileOutcome("a.py", FileStatus.CHECKED, "", "python", False))
    key = cache.key(b"x = 1\n", "a.py", "python", False)
    cache.put(key, result)
    assert cache.get(key, "a.py") == result
    assert cache.prune() == 0  # fresh entries stay
    entry = next((tmp_path / "c").glob("??/*"))
    os.utime(entry, (0, 0))  # unused since 1970
    assert cache.prune() == 0  # pruned today already: no second walk
    os.utime(tmp_path / "c" / "last-prune", (0, 0))
    assert cache.prune() == 1
    assert cache.get(key, "a.py") is None


def _index_round(
    root: Path, candidate: Candidate, config: Config, racy_ns: int
) -> tuple[FileResult | None, FileResult]:
    """One run's use of the stat index for one file: (served from the index, checked result)."""
    from nomock_lint import runner

    cache = cache_module.Cache(root / ".nomock_cache", config)
    index = cache.index(root, racy_ns=racy_ns)
    served = index.get(candidate)
    result = runner.check_cached(candidate, config, cache)
    index.record(result)
    index.save()
    return served, result


def test_stat_index_serves_unchanged_files_and_rechecks_a_same_mtime_rewrite(
    project: Path,
) -> None:
    path = project / "test_a.py"
    path.write_text(TEST_FILE)
    config = Config(root=project)
    candidate = Candidate(str(path), "test_a.py", "python", True)
    # No margin: the file's own timestamps are older than the run that records them.
    served, first = _index_round(project, candidate, config, racy_ns=0)
    assert served is None
    served, again = _index_round(project, candidate, config, racy_ns=0)
    assert served == first == again
    # The same size, the same mtime, other content: the ctime still tells.
    before = path.stat()
    path.write_text(TEST_FILE.replace("MagicMock()", "print(12)  "))
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    served, fresh = _index_round(project, candidate, config, racy_ns=0)
    assert served is None
    assert [f.rule_id for f in fresh.findings] == ["NM101"]
    assert [f.rule_id for f in first.findings] == ["NM101", "NM201"]


def test_stat_index_does_not_trust_a_file_changed_around_its_run(project: Path) -> None:
    path = project / "test_a.py"
    path.write_text(TEST_FILE)
    config = Config(root=project)
    candidate = Candidate(str(path), "test_a.py", "python", True)
    _index_round(project, candidate, config, racy_ns=cache_module.RACY_NS)
    # Written a moment before the run that recorded it: a same-tick edit could hide behind it.
    served, _ = _index_round(project, candidate, config, racy_ns=cache_module.RACY_NS)
    assert served is None


def test_same_size_same_mtime_rewrite_between_runs_is_checked_again(project: Path) -> None:
    _tree(project)
    target = project / "tests" / "test_a.py"
    before = _findings(run_nomock(["check", "--format", "json", "."], project))
    assert ("tests/test_a.py", 5, "NM201") in before
    stat = target.stat()
    target.write_text(TEST_FILE.replace("MagicMock()", "print(12)  "))
    assert target.stat().st_size == stat.st_size
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = _findings(run_nomock(["check", "--format", "json", "."], project))
    assert ("tests/test_a.py", 5, "NM201") not in after
    assert ("tests/test_a.py", 1, "NM101") in after


def test_damaged_index_is_ignored(project: Path) -> None:
    _tree(project)
    first = run_nomock(["check", "--format", "json", "."], project)
    indexes = list((project / ".nomock_cache").glob("index-*.json"))
    assert len(indexes) == 1
    for damage in (b"", b"[1, 2", b'{"format": 1, "started": 0, "files": {"app.py": [1]}}'):
        indexes[0].write_bytes(damage)
        assert run_nomock(["check", "--format", "json", "."], project).stdout == first.stdout


def test_concurrent_warm_runs_with_an_edit_between_agree_with_no_cache(project: Path) -> None:
    for i in range(30):
        (project / f"test_{i}.py").write_text(TEST_FILE * (1 + i % 3))
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "nomock_lint", "check", "--format", "json", "."]

    def concurrently() -> set[str]:
        runs = [
            subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, text=True, env=env)
            for _ in range(3)
        ]
        return {run.communicate(timeout=120)[0] for run in runs}

    for edit in range(3):
        expected = run_nomock(["check", "--no-cache", "--format", "json", "."], project).stdout
        assert concurrently() == {expected}
        (project / f"test_{edit}.py").write_text("x = 1\n")
    index = next((project / ".nomock_cache").glob("index-*.json"))
    assert json.loads(index.read_bytes())["format"] == cache_module.INDEX_FORMAT


def test_index_keeps_files_outside_the_run_and_drops_deleted_ones(project: Path) -> None:
    from nomock_lint import runner

    config = Config(root=project)
    paths = [project / name for name in ("a.py", "b.py", "c.py")]
    for path in paths:
        path.write_text("x = 1\n")
    candidates = [Candidate(str(path), path.name, "python", False) for path in paths]
    cache = cache_module.Cache(project / ".nomock_cache", config)

    def run(checked: list[Candidate]) -> set[str]:
        index = cache.index(project, racy_ns=0)
        for candidate in checked:
            index.get(candidate)
            index.record(runner.check_cached(candidate, config, cache))
        index.save()
        return set(json.loads(index.path.read_bytes())["files"])

    assert run(candidates) == {"a.py", "b.py", "c.py"}
    paths[2].unlink()
    paths[1].write_text("y = 2\n")
    assert run([candidates[1]]) == {"a.py", "b.py"}


def test_entry_rows_round_trip_and_damaged_rows_are_misses() -> None:
    finding = Finding("NM201", "mock-call", "a.py", Span(5, 5, 5, 16), "msg", "error", "m.Mock")
    outcome = FileOutcome("a.py", FileStatus.CHECKED, "", "python", True)
    result = FileResult(outcome, [finding._replace(context="Mock()")], 2)
    stored = json.loads(json.dumps(cache_module._dump(result)))
    loaded = cache_module._load(stored, "a.py")
    assert loaded == result
    assert type(loaded.findings[0]) is Finding and type(loaded.findings[0].span) is Span
    row = stored["f"][0]
    span_at = Finding._fields.index("span")
    damaged = [
        {**stored, "s": "bogus"},
        {**stored, "f": [row[:-1]]},
        {**stored, "f": [[*row[:span_at], [5, 5, 5], *row[span_at + 1 :]]]},
        {**stored, "f": [[*row[:span_at], 5, *row[span_at + 1 :]]]},
    ]
    for data in damaged:
        with pytest.raises((ValueError, KeyError, TypeError, IndexError)):
            cache_module._load(data, "a.py")
