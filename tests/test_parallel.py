"""Worker processes: same report as one process; a worker that dies costs one file (NM903)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from nomock_lint import api, runner
from nomock_lint.cache import Cache
from nomock_lint.config import Config, ConfigError
from nomock_lint.discovery import Candidate, discover
from nomock_lint.facts import Span
from nomock_lint.model import FileStatus, Finding

from .conftest import run_nomock

TEST_FILE = (
    "from unittest.mock import patch\n\n\n@patch('os.getcwd')\ndef test_a(getcwd):\n    pass\n"
)


def _tree(project: Path, count: int = 60) -> None:
    (project / "tests").mkdir()
    for i in range(count):
        body = TEST_FILE if i % 3 else "def test_ok():\n    assert True\n"
        (project / "tests" / f"test_{i:03}.py").write_text(body * (1 + i % 4))


def test_jobs_give_the_same_report_as_one_process(project: Path) -> None:
    _tree(project)
    one = run_nomock(["check", "--no-cache", "--jobs", "1", "--format", "json", "."], project)
    two = run_nomock(["check", "--no-cache", "--jobs", "2", "--format", "json", "."], project)
    assert one.returncode == two.returncode == 1, two.stderr
    assert one.stdout == two.stdout


def _dies_on_test_007(candidate: Candidate, config: Config, cache: Cache | None) -> api.FileResult:
    """A check that kills its worker process on one file, as a crash in C code would."""
    if candidate.relpath.endswith("test_007.py"):
        os._exit(70)
    return runner.check_cached(candidate, config, cache)


@pytest.fixture(params=["fork", "executor"])
def pool_kind(request: pytest.FixtureRequest) -> str:
    """Each pool test with the forked workers (Linux) and with the executor (elsewhere)."""
    if request.param == "fork" and not runner.FORK:
        pytest.skip("no fork on this platform")
    return str(request.param)


def test_a_dead_worker_costs_one_file(project: Path, pool_kind: str) -> None:
    _tree(project)
    config = Config(root=project)
    candidates = [c for c in discover([project], config) if isinstance(c, Candidate)]
    fork = pool_kind == "fork"
    results = runner.run(candidates, config, jobs=2, check_one=_dies_on_test_007, fork=fork)
    by_path = {r.outcome.path: r for r in results}
    assert sorted(by_path) == sorted(c.relpath for c in candidates)
    dead = by_path["tests/test_007.py"]
    assert dead.outcome.status is FileStatus.UNPARSABLE
    assert "worker process died" in dead.outcome.reason
    assert [f.rule_id for f in dead.findings] == ["NM903"]
    expected = runner.run(candidates, config, jobs=1)
    for result in expected:
        if result.outcome.path != "tests/test_007.py":
            assert by_path[result.outcome.path] == result


def _dies_always(candidate: Candidate, config: Config, cache: Cache | None) -> api.FileResult:
    os._exit(70)


def test_workers_that_all_die_cost_each_file_its_own_nm903(project: Path, pool_kind: str) -> None:
    """When no worker is left for the chunks not handed out yet, they are lost too, not
    dropped: every file is tried alone, and each one that kills its worker is NM903."""
    _tree(project, count=6)
    config = Config(root=project)
    candidates = [c for c in discover([project], config) if isinstance(c, Candidate)]
    results = _pool(candidates, config, _dies_always, pool_kind)
    assert sorted(r.outcome.path for r in results) == sorted(c.relpath for c in candidates)
    assert all("worker process died" in r.outcome.reason for r in results)


class _Refused(Exception):
    pass


def _raises_on_test_004(
    candidate: Candidate, config: Config, cache: Cache | None
) -> api.FileResult:
    if candidate.relpath.endswith("test_004.py"):
        raise ConfigError("plugin `broken` failed: boom")
    return runner.check_cached(candidate, config, cache)


def _raises_unpicklable(
    candidate: Candidate, config: Config, cache: Cache | None
) -> api.FileResult:
    error = _Refused("not this one")
    error.handle = lambda: None  # type: ignore[attr-defined]  # a lambda does not pickle
    raise error


def test_an_error_in_a_worker_stops_the_run_with_it(project: Path, pool_kind: str) -> None:
    """A failing plugin raises ConfigError in a worker: the run stops with that error (one
    line from the CLI), and no worker is left behind."""
    _tree(project, count=12)
    config = Config(root=project)
    candidates = [c for c in discover([project], config) if isinstance(c, Candidate)]
    before = _children() if pool_kind == "fork" else set()
    with pytest.raises(ConfigError, match="plugin `broken` failed: boom"):
        _pool(candidates, config, _raises_on_test_004, pool_kind)
    if pool_kind == "fork":  # (the executor sends what it can pickle)
        with pytest.raises(RuntimeError, match="_Refused: not this one"):
            _pool(candidates, config, _raises_unpicklable, pool_kind)
        assert _children() <= before  # every worker was waited for


def _pool(
    candidates: list[Candidate], config: Config, check_one: runner.CheckOne, kind: str
) -> list[api.FileResult]:
    """Through a pool of two workers, however few the files (runner.run checks fewer than
    MIN_FILES_FOR_POOL in this process, where these checks would stop the tests)."""
    results: list[api.FileResult] = []
    runner._run_pool(candidates, config, 2, None, check_one, results.extend, kind == "fork")
    return results


def _children() -> set[str]:
    """This process's child processes (Linux)."""
    return {
        child
        for task in Path(f"/proc/{os.getpid()}/task").iterdir()
        for child in (task / "children").read_text().split()
    }


def test_chunks_a_broken_pool_refuses_are_lost_not_fatal(project: Path) -> None:
    """A worker can die while the chunks are still being handed out (seen in CI: the submit
    itself raised): the refused chunks come back as lost files, checked one by one later."""
    _tree(project, count=12)
    config = Config(root=project)
    candidates = [c for c in discover([project], config) if isinstance(c, Candidate)]
    dying = [c for c in candidates if c.relpath.endswith("test_007.py")]
    with runner._executor(1, config, None, _dies_on_test_007) as pool:
        with pytest.raises(BrokenProcessPool):
            pool.submit(runner._check_chunk, dying).result()
        pending, lost = runner._submit(pool, [[c] for c in candidates])
    assert pending == {}
    assert lost == candidates


SPAWNED_RUN = """
import json, multiprocessing, sys

if __name__ == "__main__":
    # As on macOS and Windows: no fork, so runner takes the platform's default, spawn.
    multiprocessing.get_all_start_methods = lambda: ["spawn"]
    multiprocessing.set_start_method("spawn")
    from nomock_lint import api, runner

    runner.FORK = False

    started = []
    executor = runner._executor

    def spied(*args):
        pool = executor(*args)
        started.append(pool._mp_context.get_start_method())
        return pool

    runner._executor = spied
    report = api.check([sys.argv[1]], jobs=2)
    assert started == ["spawn"], started
    print(json.dumps(sorted([f.path, f.span.line, f.rule_id] for f in report.findings)))
"""


def test_workers_started_by_spawn_give_the_same_findings(project: Path, tmp_path: Path) -> None:
    """Where there is no fork (macOS, Windows), workers import nomock afresh and get the
    configuration, the cache and the check by pickling."""
    _tree(project)
    script = tmp_path / "spawned.py"
    script.write_text(SPAWNED_RUN)
    done = subprocess.run(
        [sys.executable, str(script), str(project)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    one = api.check([project], jobs=1)
    expected = sorted([f.path, f.span.line, f.rule_id] for f in one.findings)
    assert expected and json.loads(done.stdout) == expected


def test_chunks_cover_every_file_once(project: Path) -> None:
    _tree(project, count=101)
    config = Config(root=project)
    candidates = [c for c in discover([project], config) if isinstance(c, Candidate)]
    chunks = runner.chunked(candidates, 2)
    flat = [c for chunk in chunks for c in chunk]
    assert sorted(c.relpath for c in flat) == sorted(c.relpath for c in candidates)
    assert max(len(chunk) for chunk in chunks) <= runner.MAX_CHUNK
    assert len(chunks[-1]) == 1  # the tail is fine-grained, so no worker idles at the end
    assert [len(c) for c in chunks[:2]] == [1, 1]  # so is the head: the largest files spread


class _Name(str):
    """A plugin's own string type, which `marshal` does not write."""


def _odd_results(candidate: Candidate, config: Config, cache: Cache | None) -> api.FileResult:
    """Results of every shape that a worker sends back: findings, none, an unparsable file,
    and (test_005) a finding that holds a `str` subclass."""
    result = runner.check_cached(candidate, config, cache)
    if candidate.relpath.endswith("test_003.py"):
        return api.unparsable(candidate.relpath, "python", True, "bad (1:1)", 1, 1, config)
    if candidate.relpath.endswith("test_005.py"):
        result.findings = [f._replace(name=_Name(f.name)) for f in result.findings]
    return result


def test_results_come_back_from_workers_as_they_were_made(project: Path, pool_kind: str) -> None:
    """The forked workers send plain rows (and pickle what `marshal` refuses): every result,
    finding and span comes back equal, and of its own type."""
    _tree(project, count=30)
    config = Config(root=project)
    candidates = [c for c in discover([project], config) if isinstance(c, Candidate)]
    results = {r.outcome.path: r for r in _pool(candidates, config, _odd_results, pool_kind)}
    expected = {c.relpath: _odd_results(c, config, None) for c in candidates}
    assert results == expected
    assert type(results["tests/test_005.py"].findings[0].name) is _Name
    assert results["tests/test_003.py"].outcome.status is FileStatus.UNPARSABLE
    for result in results.values():
        assert type(result.outcome) is type(expected[result.outcome.path].outcome)
        for finding in result.findings:
            assert (type(finding), type(finding.span)) == (Finding, Span)
