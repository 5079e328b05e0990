"""Configuration: `[tool.nomock]` in pyproject.toml, or nomock.toml / .nomock.toml.

Configuration is data. Nothing in it is executed or imported; plugins are loaded only when
`plugins = [...]` names them. Unknown keys, unknown rule ids and wrong types are errors that name
the key (exit 2).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from nomock_lint.catalog import SEVERITIES, Catalog, Rule, load_catalog
from nomock_lint.globs import GlobList

CONFIG_FILES = ("nomock.toml", ".nomock.toml", "pyproject.toml")

# Always skipped while walking directories (a path given explicitly is still checked).
ALWAYS_SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".bzr", "_darcs", ".jj", "node_modules", ".nomock_cache"}
)
DEFAULT_EXCLUDE = (
    ".venv/",
    "venv/",
    ".direnv/",
    ".eggs/",
    "__pypackages__/",
    "dist/",
    "build/",
    "__pycache__/",
    ".tox/",
    ".nox/",
    ".mypy_cache/",
    ".ruff_cache/",
    ".pytest_cache/",
    "site-packages/",
    "bower_components/",
    ".next/",
    ".nuxt/",
    ".svelte-kit/",
    "coverage/",
)
DEFAULT_TEST_PATHS = (
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "tests/",
    "test/",
    "__tests__/",
    "__mocks__/",
    "__fixtures__/",
    "*.test.*",
    "*.spec.*",
    "e2e/",
    "integration-tests/",
    "setupTests.*",
    "*.setup.*",
)
DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024


class ConfigError(Exception):
    """A configuration or usage problem: one line, exit code 2."""


def _patterns(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings")
    return tuple(value)


_FIELDS = (
    "root",
    "source",
    "select",
    "ignore",
    "exclude",
    "extend_exclude",
    "test_paths",
    "allow",
    "allow_modules",
    "per_path_ignores",
    "severity",
    "max_file_size",
    "respect_gitignore",
    "plugins",
)


class Config:
    """A run's configuration: immutable, equal and hashed by its fields (a plain class, not a
    dataclass, whose generated methods cost an `exec` at every start: see records.py)."""

    root: Path
    source: Path | None  # the file it came from
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    test_paths: tuple[str, ...]
    allow: tuple[str, ...]
    allow_modules: tuple[str, ...]
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...]
    severity: tuple[tuple[str, str], ...]
    max_file_size: int
    respect_gitignore: bool
    plugins: tuple[str, ...]

    def __init__(
        self,
        root: Path | None = None,  # default: the working folder
        source: Path | None = None,
        select: tuple[str, ...] = ("NM",),
        ignore: tuple[str, ...] = (),
        exclude: tuple[str, ...] = DEFAULT_EXCLUDE,
        extend_exclude: tuple[str, ...] = (),
        test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS,
        allow: tuple[str, ...] = (),
        allow_modules: tuple[str, ...] = (),
        per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = (),
        severity: tuple[tuple[str, str], ...] = (),
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        respect_gitignore: bool = True,
        plugins: tuple[str, ...] = (),
    ) -> None:
        values = locals()
        values["root"] = Path.cwd() if root is None else root
        for name in _FIELDS:
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a Config")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a Config")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return "Config(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in _FIELDS) + ")"

    # -- derived --------------------------------------------------------------------------

    @cached_property
    def rules(self) -> tuple[Rule, ...]:
        """The active rules, severity overrides applied."""
        return active_rules(load_catalog(), self.select, self.ignore, dict(self.severity))

    @cached_property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules)

    @cached_property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.allow)

    @cached_property
    def allowed_modules(self) -> frozenset[str]:
        return frozenset(self.allow_modules)

    @cached_property
    def _exclude_globs(self) -> GlobList:
        return GlobList((*self.exclude, *self.extend_exclude))

    @cached_property
    def _test_globs(self) -> GlobList:
        return GlobList(self.test_paths)

    @cached_property
    def _per_path(self) -> list[tuple[GlobList, frozenset[str]]]:
        return [(GlobList([glob]), frozenset(ids)) for glob, ids in self.per_path_ignores]

    def is_excluded(self, relpath: str, is_dir: bool = False) -> bool:
        return self._exclude_globs.matches(relpath + "/" if is_dir else relpath)

    def is_test(self, relpath: str) -> bool:
        return self._test_globs.matches(relpath)

    def ignored_for(self, relpath: str) -> frozenset[str]:
        """Rule ids that `per-path-ignores` turns off for this file."""
        ids: set[str] = set()
        for globs, entries in self._per_path:
            if globs.matches(relpath):
                ids.update(r for r in self.rule_ids if _chosen(r, entries))
        return frozenset(ids)

    def rule_id_entries(self) -> list[tuple[str, tuple[str, ...]]]:
        """The keys that turn rules off or rank them, each with its rule ids (plugin rule ids
        may be among them: see `_validate_rule_ids`)."""
        entries = [("ignore", self.ignore)]
        entries += [(f"per-path-ignores.{glob}", ids) for glob, ids in self.per_path_ignores]
        entries += [(f"severity.{rule_id}", (rule_id,)) for rule_id, _ in self.severity]
        return entries

    def plugin_rule_on(self, rule_id: str, relpath: str) -> bool:
        """Whether a plugin rule runs on this file: `ignore` and `per-path-ignores` turn plugin
        rules off as they do catalog rules (an id, a prefix such as `ACME`, or `ALL`); they are
        turned on by `plugins`, not by `select`."""
        if _chosen(rule_id, self.ignore):
            return False
        return not any(g.matches(relpath) and _chosen(rule_id, e) for g, e in self._per_path)

    def severity_of(self, rule_id: str, default: str) -> str:
        """A rule's severity after the `severity` table's most specific entry for it."""
        return _severity_for(rule_id, dict(self.severity)) or default

    def fingerprint(self) -> str:
        """Everything that can change a file's findings (the cache key's configuration part)."""
        import hashlib
        import json

        data = {name: getattr(self, name) for name in _FIELDS if name not in ("root", "source")}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def with_overrides(self, **changes: Any) -> Config:
        """CLI flags over the file's values, validated the same way.

        Rule selection is layered as in Ruff: `--select` starts a new selection (the file's
        `select` and `ignore` no longer apply), `--ignore` alone removes rules from the file's.
        """
        changes = {k: v for k, v in changes.items() if v is not None}
        if not changes:
            return self
        for key in ("select", "ignore"):
            if key in changes:
                plugin_ids = key == "ignore" and bool(self.plugins)
                _validate_rule_ids(changes[key], f"--{key}", plugin_ids)
        if "select" in changes:
            changes.setdefault("ignore", ())
        elif "ignore" in changes:
            changes["ignore"] = (*self.ignore, *changes["ignore"])
        return Config(**{**{name: getattr(self, name) for name in _FIELDS}, **changes})


# A plugin rule's id (plugins.py), or a prefix of one.
PLUGIN_ID = re.compile(r"[A-Z]+[0-9]*")


def _validate_rule_ids(entries: Iterable[str], key: str, plugin_ids: bool = False) -> None:
    """Every entry names a catalog rule (an id, a prefix or `ALL`); with `plugin_ids`, an entry
    that is not `NM...` may name a plugin rule instead, which is checked once the plugins are
    loaded (plugins.check_rule_ids)."""
    known = [r.id for r in load_catalog().rules]
    for entry in entries:
        if entry == "ALL":
            continue
        if entry.startswith("NM") and any(rule_id.startswith(entry) for rule_id in known):
            continue
        plugin_like = not entry.startswith("NM") and PLUGIN_ID.fullmatch(entry) is not None
        if plugin_ids and plugin_like:
            continue
        hint = ""
        if key in ("select", "--select") and plugin_like:
            hint = "; plugin rules run when `plugins` names their package, `ignore` turns one off"
        raise ConfigError(f"`{key}`: unknown rule id `{entry}` (see `nomock rules`{hint})")


def _chosen(rule_id: str, entries: Iterable[str]) -> bool:
    """Whether a rule id is named by one of `entries`: an id, a prefix (`NM2`) or `ALL`."""
    return any(e == "ALL" or rule_id.startswith(e) for e in entries)


def _severity_for(rule_id: str, severity: dict[str, str]) -> str | None:
    """The override of the most specific entry: `NM201` over `NM2` over `ALL`."""
    matching = [e for e in severity if _chosen(rule_id, [e])]
    if not matching:
        return None
    return severity[max(matching, key=lambda e: 0 if e == "ALL" else len(e))]


def active_rules(
    catalog: Catalog, select: Sequence[str], ignore: Sequence[str], severity: dict[str, str]
) -> tuple[Rule, ...]:
    rules = []
    for rule in catalog.rules:
        if _chosen(rule.id, select) and not _chosen(rule.id, ignore):
            level = _severity_for(rule.id, severity)
            rules.append(rule.replace(severity=level) if level else rule)
    return tuple(rules)


# -- loading --------------------------------------------------------------------------------

_KEYS: dict[str, str] = {
    "select": "select",
    "ignore": "ignore",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "test-paths": "test_paths",
    "allow": "allow",
    "allow-modules": "allow_modules",
    "per-path-ignores": "per_path_ignores",
    "severity": "severity",
    "max-file-size": "max_file_size",
    "respect-gitignore": "respect_gitignore",
    "plugins": "plugins",
}


def parse_table(table: dict[str, Any], root: Path, source: Path | None) -> Config:
    where = f"{_shown(source)}: " if source else ""
    values: dict[str, Any] = {}
    for key, value in table.items():
        attr = _KEYS.get(key)
        if attr is None:
            hint = f" (did you mean `{key.replace('_', '-')}`?)" if "_" in key else ""
            if key == "tool":
                hint = " (outside pyproject.toml, leave out the [tool.nomock] header)"
            raise ConfigError(f"{where}unknown configuration key `{key}`{hint}")
        try:
            values[attr] = _convert(key, value)
        except ConfigError as exc:
            raise ConfigError(f"{where}{exc}") from None
    config = Config(root=root, source=source, **values)
    try:
        _validate_rule_ids(config.select, "select")
        for key, ids in config.rule_id_entries():
            _validate_rule_ids(ids, key, bool(config.plugins))
        for key, globs in (
            ("exclude", config.exclude),
            ("extend-exclude", config.extend_exclude),
            ("test-paths", config.test_paths),
            ("per-path-ignores", tuple(glob for glob, _ in config.per_path_ignores)),
        ):
            for glob in globs:
                _validate_glob(glob, key)
    except ConfigError as exc:
        raise ConfigError(f"{where}{exc}") from None
    return config


def _shown(path: Path) -> str:
    """A config file as the user would type it: relative to the working folder when inside it."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


MAX_STARS_PER_SEGMENT = 2
MAX_DEEP_WILDCARDS = 3


def _validate_glob(glob: str, key: str) -> None:
    """Globs become backtracking regexes: `*a*a*a*a*b` takes seconds per path and a run would
    never end. Two `*` per path segment and three `**` cover real patterns (`*.test.*`)."""
    segments = [s for s in glob.strip("/").split("/") if s]
    deep = sum(1 for s in segments if s == "**")
    stars = max((len(re.findall(r"\*+", s)) for s in segments if s != "**"), default=0)
    if stars > MAX_STARS_PER_SEGMENT or deep > MAX_DEEP_WILDCARDS:
        raise ConfigError(
            f"`{key}`: glob `{glob}` has too many wildcards (at most "
            f"{MAX_STARS_PER_SEGMENT} `*` per path segment and {MAX_DEEP_WILDCARDS} `**`)"
        )


def _convert(key: str, value: Any) -> Any:
    if key in ("per-path-ignores", "severity"):
        if not isinstance(value, dict):
            raise ConfigError(f"`{key}` must be a table")
        if key == "severity":
            for rule_id, level in value.items():
                if level not in SEVERITIES:
                    raise ConfigError(
                        f"`severity.{rule_id}` must be one of {', '.join(SEVERITIES)}"
                    )
            return tuple(sorted(value.items()))
        return tuple(sorted((g, _patterns(ids, f"{key}.{g}")) for g, ids in value.items()))
    if key in ("allow", "allow-modules"):
        names = _patterns(value, key)
        for name in names:
            if not name or name != name.strip() or any(c.isspace() for c in name):
                raise ConfigError(f"`{key}`: `{name}` is not a qualified name or call path")
        return names
    if key == "max-file-size":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError("`max-file-size` must be a positive number of bytes")
        return value
    if key == "respect-gitignore":
        if not isinstance(value, bool):
            raise ConfigError("`respect-gitignore` must be true or false")
        return value
    return _patterns(value, key)


def read_config_file(path: Path) -> dict[str, Any] | None:
    """The nomock table of a config file; None for a pyproject.toml without [tool.nomock]."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("nomock")
        if table is not None and not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.nomock] must be a table")
        return table
    return data


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above `start`."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file():
                table = read_config_file(candidate)
                if table is not None:
                    return candidate, table
    return None


def find_project_root(start: Path) -> Path:
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        if (folder / ".git").exists():
            return folder
    return Path.cwd()


def load_config(start: Path | None = None, config_file: Path | None = None) -> Config:
    """The configuration for a run: `--config` if given, else the nearest file above `start`."""
    start = start or Path.cwd()
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file not found: {config_file}")
        table = read_config_file(config_file)
        if table is None:
            raise ConfigError(f"{config_file}: has no [tool.nomock] table")
        return parse_table(table, _root_without_config(start), config_file.resolve())
    found = find_config_file(start)
    if found is None:
        return Config(root=find_project_root(start))
    path, table = found
    return parse_table(table, path.parent, path)


def _root_without_config(start: Path) -> Path:
    """The root that `start` would have without `--config`, so that paths (and baseline
    fingerprints) do not depend on where a shared configuration file lives."""
    try:
        found = find_config_file(start)
    except ConfigError:  # the overridden file may well be broken
        found = None
    return found[0].parent if found else find_project_root(start)
