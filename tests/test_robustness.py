"""Bad input never crashes a run: a tree of nasty files next to ordinary ones, through the CLI."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from .conftest import run_nomock

MOCK_IMPORT = "from unittest import mock\n"


def _nasty_tree(root: Path, outside: Path) -> dict[str, tuple[str, str]]:
    """Writes the tree; returns {path: (status, reason substring)} for every nasty file."""
    rng = random.Random(8)
    nasty = root / "nasty"
    nasty.mkdir()
    expected: dict[str, tuple[str, str]] = {}

    def put(name: str, data: bytes, status: str, reason: str = "") -> None:
        (nasty / name).write_bytes(data)
        expected[f"nasty/{name}"] = (status, reason)

    put("syntax_error.py", b"from unittest import mock\ndef f(:\n", "unparsable", "syntax error")
    # Random bytes, with a trigger word so the prefilter lets them through to the parser.
    noise = bytes(rng.randrange(256) for _ in range(4000))
    put("random.py", b"mock" + noise, "unparsable", "")
    put("random.ts", b"vi.mock" + noise, "unparsable", "")
    put(
        "latin1.py",
        b"# -*- coding: latin-1 -*-\nfrom unittest import mock\ns = '\xe9t\xe9'\n",
        "checked",
    )
    put(
        "invalid_utf8.py",
        b"from unittest import mock\nx = '\xff\xfe'\n",
        "unparsable",
        "undecodable: not valid utf-8: byte 0xff at 2:6",
    )
    put("bom.py", b"\xef\xbb\xbf" + MOCK_IMPORT.encode(), "checked")
    put("crlf.py", b"from unittest import mock\r\nx = mock.Mock()\r\n", "checked")
    put(
        "columns.py",
        "from unittest import mock\n\n\ndef f():\n\tx = '日本🎉'; y = mock.Mock()\n".encode(),
        "checked",
    )
    put(
        "deep_parens.py",
        # (A statement that holds a trigger: code after a file's last one is not parsed, nor
        # an assignment to one name of what holds none, see python_outline.)
        (MOCK_IMPORT + "mock.patch" + "(" * 3000 + "1" + ")" * 3000 + "\n").encode(),
        "unparsable",
        "nested parentheses",
    )
    put(
        "long_sum.py",
        (MOCK_IMPORT + "mock.patch(" + " + ".join(["1"] * 5000) + ")\n").encode(),
        "checked",
    )
    put(
        "deep_brackets.ts",
        ("import { vi } from 'vitest';\nconst x = " + "[" * 20000 + "]" * 20000 + ";\n").encode(),
        "",
    )
    put("big.py", (MOCK_IMPORT + "x = 1\n" * 400_000).encode(), "checked")
    put("huge.py", b"# mock\n" + b"#" * 3_200_000 + b"\n", "skipped", "too large")
    put(
        "template.ts",
        b"import { vi } from 'vitest';\nconst s = `unterminated ${vi.fn(\n",
        "",
    )
    put("empty.py", b"", "checked")
    os.symlink(".", nasty / "loop")  # a folder that contains itself
    os.symlink("self_loop.py", nasty / "self_loop.py")
    expected["nasty/self_loop.py"] = ("skipped", "symlink loop")
    os.symlink("missing.py", nasty / "dangling.py")
    expected["nasty/dangling.py"] = ("skipped", "dangling symlink")
    os.mkfifo(nasty / "fifo.py")
    expected["nasty/fifo.py"] = ("skipped", "not a regular file")
    (outside / "elsewhere.py").write_text(MOCK_IMPORT)
    os.symlink(outside / "elsewhere.py", nasty / "outside.py")
    expected["nasty/outside.py"] = ("skipped", "outside the tree")
    return expected


def _ordinary_tree(root: Path) -> list[tuple[str, int, int, str]]:
    (root / "tests").mkdir()
    (root / "tests" / "test_service.py").write_text(
        "from unittest.mock import MagicMock\n\n\ndef test_a():\n    MagicMock()\n"
    )
    (root / "app.py").write_text("import os\n\nif os.environ.get('TESTING'):\n    DEBUG = True\n")
    return [
        ("app.py", 3, 4, "NM401"),
        ("tests/test_service.py", 1, 27, "NM101"),
        ("tests/test_service.py", 5, 5, "NM201"),
    ]


@pytest.fixture
def nasty_project(tmp_path: Path) -> tuple[Path, dict[str, tuple[str, str]], list[Any]]:
    root = tmp_path / "project"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "nomock.toml").write_text("max-file-size = 3_000_000\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    return root, _nasty_tree(root, outside), _ordinary_tree(root)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_nasty_files_next_to_ordinary_ones(
    nasty_project: tuple[Path, dict[str, tuple[str, str]], list[Any]], jobs: str
) -> None:
    root, expected, ordinary = nasty_project
    result = run_nomock(["check", "--no-cache", "--jobs", jobs, "--format", "json", "."], root)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    document = json.loads(result.stdout)
    found = {(f["path"], f["line"], f["column"], f["rule"]) for f in document["findings"]}
    for finding in ordinary:
        assert finding in found
    # Decoded as Python does, columns in code points after tabs, wide and non-BMP characters.
    assert ("nasty/latin1.py", 2, 22, "NM101") in found
    assert ("nasty/bom.py", 1, 22, "NM101") in found
    assert ("nasty/crlf.py", 2, 5, "NM201") in found
    assert ("nasty/columns.py", 5, 17, "NM201") in found
    assert ("nasty/long_sum.py", 1, 22, "NM101") in found
    assert ("nasty/big.py", 1, 22, "NM101") in found

    files = document["files"]
    details = {d["path"]: d for d in files["details"]}
    source_files = len(expected) + 2
    assert files["checked"] + files["skipped"] + files["unparsable"] == source_files
    for path, (status, reason) in expected.items():
        if status == "checked":
            assert path not in details, details.get(path)
        elif status:
            assert details[path]["status"] == status, (path, details.get(path))
            assert reason in details[path].get("reason", ""), (path, details[path])
        # TS files: checked or unparsable depending on the front-end, but always accounted for.
        if status == "unparsable":
            assert any(f[0] == path and f[3] == "NM903" for f in found), path
    assert files["unparsable"] == sum(1 for f in found if f[3] == "NM903")


def test_text_summary_names_every_skip_reason(
    nasty_project: tuple[Path, dict[str, tuple[str, str]], list[Any]],
) -> None:
    root, _, _ = nasty_project
    result = run_nomock(["check", "--no-cache", "."], root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    summary = result.stdout.splitlines()[-1]
    for reason in ("dangling symlink", "symlink loop", "not a regular file", "too large"):
        assert reason in summary
    assert "unparsable" in summary


@pytest.mark.parametrize(
    "line",
    [
        'exclude = ["*a*a*a*a*a*a*a*a*a*a*a*a*a*b"]',
        'test-paths = ["**/a/**/b/**/c/**/d"]',
        '[per-path-ignores]\n"x*y*z*.py" = ["NM201"]',
    ],
)
def test_a_glob_that_could_hang_the_run_is_a_config_error(project: Path, line: str) -> None:
    """`*a*a*...b` is a backtracking regex: it took minutes per long path before this check."""
    folder = project / ("a" * 40)
    folder.mkdir()
    (folder / ("a" * 120 + ".py")).write_text(MOCK_IMPORT)
    (project / "nomock.toml").write_text(line + "\n")
    result = run_nomock(["check", "--no-cache", "."], project, timeout=60)
    assert result.returncode == 2
    assert "too many wildcards" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ordinary_globs_are_accepted(project: Path) -> None:
    (project / "nomock.toml").write_text(
        'exclude = ["**/generated/**", "*.pb.*"]\ntest-paths = ["**/*_spec.*", "it/**"]\n'
    )
    (project / "test_a.py").write_text(MOCK_IMPORT)
    result = run_nomock(["check", "--no-cache", "."], project)
    assert result.returncode == 1, result.stderr


def test_a_listed_file_that_cannot_be_read_is_unparsable_and_not_cached(tmp_path: Path) -> None:
    # Gone between listing and reading, replaced by a folder: opening it works, reading fails.
    from nomock_lint import api
    from nomock_lint.config import load_config
    from nomock_lint.discovery import Candidate

    (tmp_path / "gone.py").mkdir()
    (tmp_path / "big.py").write_bytes(b"from unittest import mock\n" * 10_000)
    config = load_config(tmp_path)
    result = api.load_file(Candidate(str(tmp_path / "gone.py"), "gone.py", "python", False), config)
    assert isinstance(result, api.FileResult)
    assert result.outcome.status.value == "unparsable"
    assert result.outcome.reason == "unreadable: Is a directory"
    assert not result.reusable
    big = api.load_file(Candidate(str(tmp_path / "big.py"), "big.py", "python", False), config)
    assert big == (tmp_path / "big.py").read_bytes()
