"""globs.GlobList decides exactly as pathspec's GitIgnoreSpec, which defines the semantics."""

from __future__ import annotations

import itertools
from pathlib import Path

import pathspec
import pytest

from nomock_lint.config import DEFAULT_EXCLUDE, DEFAULT_TEST_PATHS
from nomock_lint.globs import GlobList, _translate

PATTERNS = [
    *DEFAULT_EXCLUDE,
    *DEFAULT_TEST_PATHS,
    "/top.py",
    "/src/",
    "src/*.py",
    "src/**/gen",
    "src/**/gen/",
    "**/fixtures",
    "**/fixtures/",
    "a/**",
    "a/**/",
    "**/a/**",
    "**/*.min.js",
    "*",
    "*/",
    "**",
    "**/",
    "/**",
    "**/*",
    "*/b",
    "a/*",
    "x**y.py",
    "a.b-c_d",
    "legacy/old_*.py",
    "e?.py",
    "[ab].py",
    "!keep.py",
    "sp ace.py",
    "esc\\*.py",
]

PATHS = [
    "top.py",
    "a/top.py",
    "src",
    "src/x.py",
    "src/deep/x.py",
    "src/gen",
    "src/gen/x.py",
    "src/a/b/gen/x.py",
    "pkg/src/x.py",
    "fixtures",
    "fixtures/x.py",
    "a/fixtures/b.ts",
    "a",
    "a/b",
    "a/b/c.py",
    "b/a/c.py",
    "lib/x.min.js",
    "x.min.js",
    "test_x.py",
    "pkg/test_x.py",
    "test_x.py/inner.py",
    "x_test.py",
    "conftest.py",
    "tests/a.py",
    "pkg/tests/a.py",
    "testsuite/a.py",
    "foo.test.ts",
    "foo.spec.js",
    "a/b.test.tsx",
    "node/.venv/lib.py",
    "venv/x.py",
    "myvenv/x.py",
    "build/x.py",
    "build",
    "build/",
    "xy.py",
    "x123y.py",
    "a.b-c_d",
    "z/a.b-c_d/e.py",
    "legacy/old_thing.py",
    "legacy/sub/old_thing.py",
    "e1.py",
    "a.py",
    "keep.py",
    "sp ace.py",
    "esc*.py",
    "../outside/test_x.py",
    "./tests/a.py",
    "/tests/a.py",
    "setupTests.ts",
    "jest.setup.js",
    "e2e/x.ts",
    "integration-tests/x.ts",
    "__mocks__/fs.ts",
]


def _oracle(patterns: list[str], path: str) -> bool:
    return pathspec.GitIgnoreSpec.from_lines(patterns).match_file(path)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_each_pattern_matches_as_pathspec(pattern: str) -> None:
    globs = GlobList([pattern])
    for path in PATHS:
        assert globs.matches(path) == _oracle([pattern], path), (pattern, path)


def test_lists_match_as_pathspec() -> None:
    lists = [list(DEFAULT_EXCLUDE), list(DEFAULT_TEST_PATHS), []]
    lists += [list(pair) for pair in itertools.combinations(PATTERNS[-12:], 2)]
    lists.append(["*.py", "!keep.py"])
    lists.append(["tests/", "!tests/keep.py", "tests/keep.py"])
    for patterns in lists:
        globs = GlobList(patterns)
        for path in PATHS:
            assert globs.matches(path) == _oracle(patterns, path), (patterns, path)


def test_plain_patterns_need_no_pathspec() -> None:
    for pattern in (*DEFAULT_EXCLUDE, *DEFAULT_TEST_PATHS, "/src/", "a/**/b", "**/*.min.js"):
        assert _translate(pattern) is not None, pattern
    for pattern in ("!x", "e?.py", "[ab].py", "esc\\*.py", "**", "*", "sp ace.py"):
        assert _translate(pattern) is None, pattern


def test_gitignore_files_decide_as_before(tmp_path: Path) -> None:
    """`.gitignore` files of plain patterns are matched without pathspec; a file with a
    negation, an escape or a trailing space still goes through it, and the deepest file with a
    matching pattern decides as in git."""
    from nomock_lint.config import Config
    from nomock_lint.discovery import Candidate, _ignore_spec, discover

    files = {
        ".gitignore": "# build output\nbuild/\n*.gen.py\n/top_only.py\n",
        "sub/.gitignore": "!keep.gen.py\n",
        "other/.gitignore": "trailing.py \n",
        "build/test_a.py": "",
        "a.gen.py": "",
        "top_only.py": "",
        "deep/top_only.py": "",
        "sub/keep.gen.py": "",
        "sub/drop.gen.py": "",
        "other/trailing.py": "",
        "other/kept.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / ".git").mkdir()
    config = Config(root=tmp_path)
    checked = sorted(c.relpath for c in discover([tmp_path], config) if isinstance(c, Candidate))
    assert checked == ["deep/top_only.py", "other/kept.py", "sub/keep.gen.py"]
    assert isinstance(_ignore_spec(["# c", "build/", "*.gen.py"]), GlobList)
    assert not isinstance(_ignore_spec(["!keep.gen.py"]), GlobList)
    assert not isinstance(_ignore_spec(["trailing.py "]), GlobList)
