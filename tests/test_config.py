"""Configuration through the real CLI: every key, precedence, and a bad value for every key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nomock_lint.config import load_config

from .conftest import run_nomock

MOCKS = (
    "from unittest.mock import MagicMock\n"  # NM101
    "\n"
    "client = MagicMock()\n"  # NM201
)
PRODUCTION = (
    "import os\n"
    "\n"
    "MOCK_USERS = []\n"  # NM302
    'if os.getenv("TESTING"):\n'  # NM401
    "    pass\n"
)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def findings(root: Path, *args: str, cwd: Path | None = None) -> list[tuple[str, int, str]]:
    """(path, line, rule) of every finding, from `nomock check --format json`."""
    result = run_nomock(["check", "--format", "json", *args], cwd or root)
    assert result.returncode in (0, 1), result.stderr
    return [(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"]]


def config_error(root: Path, *args: str) -> str:
    result = run_nomock(["check", *args], root)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- each key ---------------------------------------------------------------------------------


def test_defaults_without_config(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS, "app.py": PRODUCTION})
    assert findings(project) == [
        ("app.py", 3, "NM302"),
        ("app.py", 4, "NM401"),
        ("tests/test_a.py", 1, "NM101"),
        ("tests/test_a.py", 3, "NM201"),
    ]


def test_select_and_prefixes(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS, "app.py": PRODUCTION})
    (project / "nomock.toml").write_text('select = ["NM2", "NM401"]\n')
    assert findings(project) == [("app.py", 4, "NM401"), ("tests/test_a.py", 3, "NM201")]


def test_ignore(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS, "app.py": PRODUCTION})
    (project / "nomock.toml").write_text('ignore = ["NM101", "NM4"]\n')
    assert findings(project) == [("app.py", 3, "NM302"), ("tests/test_a.py", 3, "NM201")]


def test_exclude_replaces_the_default_excludes(project: Path) -> None:
    write(project, {"legacy/test_a.py": MOCKS, "build/test_b.py": MOCKS, "tests/test_c.py": MOCKS})
    (project / "nomock.toml").write_text('exclude = ["legacy/"]\n')
    assert {p for p, _, _ in findings(project)} == {"build/test_b.py", "tests/test_c.py"}


def test_extend_exclude_adds_to_the_default_excludes(project: Path) -> None:
    write(project, {"legacy/test_a.py": MOCKS, "build/test_b.py": MOCKS, "tests/test_c.py": MOCKS})
    (project / "nomock.toml").write_text('extend-exclude = ["legacy/", "*_generated.py"]\n')
    write(project, {"tests/api_generated.py": MOCKS})
    assert {p for p, _, _ in findings(project)} == {"tests/test_c.py"}


def test_test_paths_decide_what_is_production_code(project: Path) -> None:
    write(project, {"qa/helpers.py": PRODUCTION, "tests/helpers.py": PRODUCTION})
    assert {p for p, _, _ in findings(project)} == {"qa/helpers.py"}
    (project / "nomock.toml").write_text('test-paths = ["qa/"]\n')
    # qa/ is test code now; tests/ is no longer a test path, so it is production code.
    assert {p for p, _, _ in findings(project)} == {"tests/helpers.py"}


def test_allow_a_qualified_name_and_what_is_under_it(project: Path) -> None:
    write(
        project,
        {
            "tests/test_a.py": (
                "from unittest.mock import create_autospec\n"
                "from unittest import mock\n"
                "\n"
                "create_autospec(int)\n"
                'mock.patch("app.x")\n'
            )
        },
    )
    assert findings(project) == [
        ("tests/test_a.py", 1, "NM101"),
        ("tests/test_a.py", 2, "NM101"),
        ("tests/test_a.py", 4, "NM201"),
        ("tests/test_a.py", 5, "NM201"),
    ]
    (project / "nomock.toml").write_text('allow = ["unittest.mock.create_autospec"]\n')
    # The import of the whole module still gives access to `patch`: it stays flagged.
    assert findings(project) == [("tests/test_a.py", 2, "NM101"), ("tests/test_a.py", 5, "NM201")]


def test_allow_module_silences_its_imports_and_uses_not_the_mocks_it_makes(project: Path) -> None:
    write(
        project,
        {
            "tests/test_a.py": (
                "import responses\n"
                "from unittest import mock\n"
                "\n"
                "\n"
                "@responses.activate\n"
                "def test_x():\n"
                '    responses.add(responses.GET, "http://localhost")\n'
                '    mock.patch("app.x")\n'
            )
        },
    )
    assert [r for _, _, r in findings(project)] == ["NM102", "NM101", "NM102", "NM102", "NM201"]
    (project / "nomock.toml").write_text('allow-modules = ["responses", "unittest.mock"]\n')
    assert findings(project) == [("tests/test_a.py", 8, "NM201")]


def test_per_path_ignores(project: Path) -> None:
    write(
        project,
        {
            "tests/legacy/test_old.py": MOCKS,
            "tests/test_new.py": MOCKS,
            "scripts/seed.py": PRODUCTION,
        },
    )
    (project / "nomock.toml").write_text(
        '[per-path-ignores]\n"tests/legacy/" = ["NM2"]\n"scripts/*.py" = ["ALL"]\n'
    )
    assert findings(project) == [
        ("tests/legacy/test_old.py", 1, "NM101"),
        ("tests/test_new.py", 1, "NM101"),
        ("tests/test_new.py", 3, "NM201"),
    ]


def test_severity_overrides_exit_code_and_output(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS})
    (project / "nomock.toml").write_text('[severity]\nNM1 = "warning"\nNM201 = "note"\n')
    result = run_nomock(["check", "--format", "json", "--fail-on", "error"], project)
    assert result.returncode == 0, result.stdout
    levels = {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]}
    assert levels == {"NM101": "warning", "NM201": "note"}
    result = run_nomock(["check", "--fail-on", "warning"], project)
    assert result.returncode == 1


def test_severity_most_specific_entry_wins(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS})
    (project / "nomock.toml").write_text('[severity]\nALL = "note"\nNM2 = "warning"\n')
    result = run_nomock(["check", "--format", "json"], project)
    levels = {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]}
    assert levels == {"NM101": "note", "NM201": "warning"}


def test_max_file_size(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS + "#" * 200 + "\n", "tests/test_b.py": MOCKS})
    (project / "nomock.toml").write_text("max-file-size = 100\n")
    result = run_nomock(["check"], project)
    assert "tests/test_a.py" not in result.stdout
    assert "tests/test_b.py:3:10: NM201" in result.stdout
    assert "1 skipped (too large" in result.stdout.splitlines()[-1]


def test_respect_gitignore(project: Path) -> None:
    write(project, {".gitignore": "generated/\n", "generated/test_a.py": MOCKS})
    assert findings(project) == []
    (project / "nomock.toml").write_text("respect-gitignore = false\n")
    assert {p for p, _, _ in findings(project)} == {"generated/test_a.py"}


def test_pyproject_table(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS})
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.nomock]\nignore = ["NM101"]\n'
    )
    assert findings(project) == [("tests/test_a.py", 3, "NM201")]


def test_dot_nomock_toml(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS})
    (project / ".nomock.toml").write_text('select = ["NM101"]\n')
    assert findings(project) == [("tests/test_a.py", 1, "NM101")]


# -- precedence: CLI > nearest config > defaults ----------------------------------------------


def test_cli_select_overrides_config(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS})
    (project / "nomock.toml").write_text('select = ["NM101"]\n')
    assert findings(project, "--select", "NM201") == [("tests/test_a.py", 3, "NM201")]


def test_cli_select_starts_a_new_selection(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS})
    (project / "nomock.toml").write_text('ignore = ["NM201"]\n')
    assert findings(project) == [("tests/test_a.py", 1, "NM101")]
    assert findings(project, "--select", "NM201") == [("tests/test_a.py", 3, "NM201")]


def test_cli_ignore_adds_to_config_ignore(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS, "app.py": PRODUCTION})
    (project / "nomock.toml").write_text('ignore = ["NM4"]\n')
    assert findings(project, "--ignore", "NM1,NM302") == [("tests/test_a.py", 3, "NM201")]


def test_nearest_config_wins(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS, "sub/tests/test_b.py": MOCKS})
    (project / "pyproject.toml").write_text('[tool.nomock]\nselect = ["NM101"]\n')
    (project / "sub" / "nomock.toml").write_text('select = ["NM201"]\n')
    assert findings(project) == [
        ("sub/tests/test_b.py", 1, "NM101"),
        ("tests/test_a.py", 1, "NM101"),
    ]
    # Found by walking up from the checked path; paths are relative to the config's folder.
    assert findings(project, "sub") == [("tests/test_b.py", 3, "NM201")]
    assert findings(project, ".", cwd=project / "sub") == [("tests/test_b.py", 3, "NM201")]


def test_walking_up_from_a_file_and_from_a_subfolder(project: Path) -> None:
    write(project, {"pkg/tests/test_a.py": MOCKS})
    (project / "nomock.toml").write_text('select = ["NM201"]\n')
    assert findings(project, "pkg/tests/test_a.py") == [("pkg/tests/test_a.py", 3, "NM201")]
    assert findings(project, ".", cwd=project / "pkg" / "tests") == [
        ("pkg/tests/test_a.py", 3, "NM201")
    ]


def test_nomock_toml_wins_over_pyproject_in_the_same_folder(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS})
    (project / "pyproject.toml").write_text('[tool.nomock]\nselect = ["NM101"]\n')
    (project / "nomock.toml").write_text('select = ["NM201"]\n')
    assert findings(project) == [("tests/test_a.py", 3, "NM201")]


def test_pyproject_without_a_nomock_table_is_passed_over(project: Path) -> None:
    write(project, {"sub/tests/test_a.py": MOCKS})
    (project / "nomock.toml").write_text('select = ["NM201"]\n')
    (project / "sub" / "pyproject.toml").write_text('[project]\nname = "sub"\n')
    assert findings(project, "sub") == [("sub/tests/test_a.py", 3, "NM201")]


def test_config_option_overrides_the_nearest_file(project: Path) -> None:
    write(project, {"tests/test_a.py": MOCKS, "ci/strict.toml": 'select = ["NM101"]\n'})
    (project / "nomock.toml").write_text('select = ["NM201"]\n')
    assert findings(project, "--config", "ci/strict.toml", ".") == [("tests/test_a.py", 1, "NM101")]


def test_config_is_data_never_executed(project: Path) -> None:
    marker = project / "executed"
    write(project, {"tests/test_a.py": MOCKS})
    (project / "nomock.toml").write_text(
        f"allow = [\"__import__('pathlib').Path({str(marker)!r}).touch()\"]\n"
    )
    findings(project)
    assert not marker.exists()


def test_load_config_api_precedence(project: Path) -> None:
    (project / "nomock.toml").write_text('ignore = ["NM3"]\nselect = ["NM1", "NM3"]\n')
    config = load_config(project)
    assert config.root == project.resolve()
    assert {r.id for r in config.rules} == {"NM101", "NM102", "NM103"}
    assert {r.id for r in config.with_overrides(ignore=("NM102",)).rules} == {"NM101", "NM103"}
    assert "NM302" in {r.id for r in config.with_overrides(select=("NM3",)).rules}


# -- bad configuration: exit 2, one line naming the key ---------------------------------------

BAD_VALUES = [
    ("select", '"NM201"', "`select` must be a list of strings"),
    ("select", '["NM999"]', "`select`: unknown rule id `NM999`"),
    ("ignore", "[1]", "`ignore` must be a list of strings"),
    ("ignore", '["XX1"]', "`ignore`: unknown rule id `XX1`"),
    ("exclude", '"build/"', "`exclude` must be a list of strings"),
    ("extend-exclude", "true", "`extend-exclude` must be a list of strings"),
    ("test-paths", "{}", "`test-paths` must be a list of strings"),
    ("allow", '"vi.fn"', "`allow` must be a list of strings"),
    ("allow", '["vi .fn"]', "`allow`: `vi .fn` is not a qualified name or call path"),
    ("allow-modules", "[[]]", "`allow-modules` must be a list of strings"),
    ("allow-modules", '[""]', "`allow-modules`: `` is not a qualified name or call path"),
    ("per-path-ignores", '["tests/"]', "`per-path-ignores` must be a table"),
    ("per-path-ignores", '{"tests/" = "NM201"}', "`per-path-ignores.tests/` must be a list"),
    ("per-path-ignores", '{"tests/" = ["NM777"]}', "`per-path-ignores.tests/`: unknown rule id"),
    ("severity", '"warning"', "`severity` must be a table"),
    ("severity", '{NM201 = "fatal"}', "`severity.NM201` must be one of error, warning, note"),
    ("severity", "{NM201 = 2}", "`severity.NM201` must be one of error, warning, note"),
    ("severity", '{NM777 = "error"}', "`severity.NM777`: unknown rule id `NM777`"),
    ("max-file-size", '"1MB"', "`max-file-size` must be a positive number of bytes"),
    ("max-file-size", "0", "`max-file-size` must be a positive number of bytes"),
    ("respect-gitignore", '"yes"', "`respect-gitignore` must be true or false"),
    ("plugins", '"x"', "`plugins` must be a list of strings"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD_VALUES)
def test_bad_value_names_the_key(project: Path, key: str, value: str, message: str) -> None:
    (project / "nomock.toml").write_text(f"{key} = {value}\n")
    line = config_error(project)
    assert line.startswith("nomock: error: nomock.toml: ")
    assert message in line


@pytest.mark.parametrize(("key", "value", "message"), BAD_VALUES[::8])
def test_bad_value_in_pyproject_names_the_key(
    project: Path, key: str, value: str, message: str
) -> None:
    (project / "pyproject.toml").write_text(f"[tool.nomock]\n{key} = {value}\n")
    assert message in config_error(project)


def test_unknown_key(project: Path) -> None:
    (project / "nomock.toml").write_text('selekt = ["NM201"]\n')
    assert config_error(project) == (
        "nomock: error: nomock.toml: unknown configuration key `selekt`"
    )


def test_snake_case_key_gets_a_hint(project: Path) -> None:
    (project / "nomock.toml").write_text('allow_modules = ["x"]\n')
    assert config_error(project).endswith(
        "unknown configuration key `allow_modules` (did you mean `allow-modules`?)"
    )


def test_tool_table_outside_pyproject_gets_a_hint(project: Path) -> None:
    (project / "nomock.toml").write_text('[tool.nomock]\nselect = ["NM201"]\n')
    assert config_error(project).endswith(
        "unknown configuration key `tool` "
        "(outside pyproject.toml, leave out the [tool.nomock] header)"
    )


def test_error_names_the_file_found_by_walking_up(project: Path) -> None:
    (project / "nomock.toml").write_text('ignore = "NM201"\n')
    (project / "pkg").mkdir()
    result = run_nomock(["check", "."], project / "pkg")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"nomock: error: {(project / 'nomock.toml').resolve()}: `ignore` must be a list of strings"
    )


def test_invalid_toml(project: Path) -> None:
    (project / "nomock.toml").write_text("select = [\n")
    assert "nomock.toml: invalid TOML" in config_error(project)


def test_tool_nomock_not_a_table(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool]\nnomock = "on"\n')
    assert "[tool.nomock] must be a table" in config_error(project)


def test_config_option_missing_file_or_table(project: Path) -> None:
    assert config_error(project, "--config", "nope.toml") == (
        "nomock: error: config file not found: nope.toml"
    )
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert "has no [tool.nomock] table" in config_error(project, "--config", "pyproject.toml")


def test_bad_cli_rule_ids(project: Path) -> None:
    assert config_error(project, "--ignore", "NM1,NM9999") == (
        "nomock: error: `--ignore`: unknown rule id `NM9999` (see `nomock rules`)"
    )
