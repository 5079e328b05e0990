"""The README's configuration and suppression examples work as documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nomock_lint.config import _KEYS

from .conftest import run_nomock

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def rules_in(root: Path, *args: str) -> list[tuple[str, int, str]]:
    result = run_nomock(["check", "--format", "json", *args], root)
    assert result.returncode in (0, 1), result.stderr
    return [(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"]]


def test_every_key_is_documented_with_an_example() -> None:
    text = section("Configuration")
    example = README.split("<!-- config-example -->\n```toml\n", 1)[1].split("```", 1)[0]
    for key in _KEYS:
        assert f"| `{key}` |" in text, key
        assert re.search(rf'^(\[tool\.nomock\.)?"?{re.escape(key)}"?\b', example, re.M), key


def test_full_example_is_a_valid_configuration(project: Path) -> None:
    example = README.split("<!-- config-example -->\n```toml\n", 1)[1].split("```", 1)[0]
    (project / "pyproject.toml").write_text(example)
    (project / "tests" / "legacy").mkdir(parents=True)
    (project / "tests" / "legacy" / "test_old.py").write_text(
        "from unittest import mock\nmock.patch('x')\n"
    )
    (project / "scripts").mkdir()
    (project / "scripts" / "seed.py").write_text('import os\nif os.getenv("TESTING"):\n    pass\n')
    assert rules_in(project) == [("tests/legacy/test_old.py", 1, "NM101")]
    # The same keys without the table prefix in nomock.toml.
    (project / "pyproject.toml").unlink()
    (project / "nomock.toml").write_text(
        example.replace("[tool.nomock]\n", "").replace("[tool.nomock.", "[")
    )
    assert rules_in(project) == [("tests/legacy/test_old.py", 1, "NM101")]


def test_allow_examples(project: Path) -> None:
    allow, allow_modules = blocks(section("Configuration"), "toml")[1:3]
    (project / "tests").mkdir()
    (project / "tests" / "test_a.py").write_text(
        "import responses\n"
        "from unittest import mock\n"
        "from unittest.mock import call, sentinel\n"
        "from pytest_mock import MockerFixture\n"
        "\n"
        "\n"
        "@responses.activate\n"
        "def test_a(mocker: MockerFixture) -> None:\n"
        "    assert call(sentinel.x) == mock.call(sentinel.x)\n"
    )
    before = rules_in(project)
    assert [r for _, _, r in before] == ["NM102", "NM101", "NM101", "NM101", "NM102", "NM201"]
    (project / "pyproject.toml").write_text(allow)
    assert [line for _, line, _ in rules_in(project)] == [1, 2, 4, 7, 8]
    (project / "pyproject.toml").write_text(allow_modules)
    assert [line for _, line, _ in rules_in(project)] == [2, 3, 8]


def test_python_suppression_examples(project: Path) -> None:
    first, second = blocks(section("Inline suppressions"), "python")
    (project / "tests").mkdir()
    (project / "tests" / "test_a.py").write_text(
        "import sys\n"
        "from unittest.mock import MagicMock, patch  # nomock: allow NM101 -- README example\n"
        "plugin = load_plugins = object\n" + first
    )
    assert rules_in(project) == []
    (project / "tests" / "gen_pb2.py").write_text(second + "class StoreStub:\n    pass\n")
    assert rules_in(project) == []
