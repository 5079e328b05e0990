"""Third-party rules: libcst visitors, batched into one traversal per file as Fixit does.

A package adds rules through the `nomock_lint.rules` entry-point group; the entry point's name
is what a project writes in its configuration, its object is a `PluginRule` subclass or a list
of them:

    # the plugin's pyproject.toml
    [project.entry-points."nomock_lint.rules"]
    acme = "acme_nomock:RULES"

    # the project's pyproject.toml
    [tool.nomock]
    plugins = ["acme"]

Configuration stays data: only installed entry points can be named (never a module path), and
nothing is imported unless `plugins` names it. A Python file gets a libcst pass only then.
Plugin findings go through the same inline suppressions, allowlist and report as built-in ones;
`ignore`, `per-path-ignores` and `severity` take plugin rule ids (config.plugin_rule_on).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import ClassVar

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from nomock_lint.catalog import load_catalog
from nomock_lint.config import Config, ConfigError
from nomock_lint.engine import under
from nomock_lint.facts import ParseError, Span
from nomock_lint.model import Finding, PluginRuleInfo

GROUP = "nomock_lint.rules"
_RULE_ID = re.compile(r"[A-Z]+[0-9]+")
_SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True, slots=True)
class FileContext:
    path: str  # relative to the project root, `/`-separated
    is_test: bool


class PluginRule(cst.BatchableCSTVisitor):
    """Base class of a plugin rule: define `visit_<Node>` methods and call `report`.

    `id` must not start with `NM` (the built-in catalog's prefix); `message` may use `{name}`.
    `scope` limits the rule to "test" or "production" files ("all" by default). The class's
    docstring describes the rule in `nomock rules`, `nomock explain` and SARIF's rule list (its
    first paragraph is the summary). A rule that needs libcst metadata (say
    `QualifiedNameProvider`) lists it in `METADATA_DEPENDENCIES` and reads it with
    `self.get_metadata`; positions of reported nodes are resolved for it.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    severity: ClassVar[str] = "warning"
    scope: ClassVar[str] = "all"

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.reports: list[tuple[cst.CSTNode, str, str]] = []

    def report(self, node: cst.CSTNode, name: str = "", message: str | None = None) -> None:
        """A finding on `node`'s exact position; `name` is what matched (the allowlist sees it)."""
        text = message if message is not None else self.message.format(name=name)
        self.reports.append((node, name, text))


def check(text: str, relpath: str, is_test: bool, config: Config) -> list[Finding]:
    """The findings of the plugin rules that `config` enables, in one libcst traversal."""
    rules = [
        r
        for r in load(config.plugins)
        if (r.scope == "all" or (r.scope == "test") == is_test)
        and config.plugin_rule_on(r.id, relpath)
    ]
    if not rules:
        return []
    from nomock_lint.frontends.python_cst import parse_module

    try:
        wrapper = MetadataWrapper(parse_module(text), unsafe_skip_copy=True)
        context = FileContext(relpath, is_test)
        visitors = [rule(context) for rule in rules]
        wrapper.visit_batched(visitors)
    except (ParseError, RecursionError):
        return []  # the built-in rules still checked this file (or reported it as NM903)
    except Exception as exc:  # a bug in a plugin stops the run with one line naming it
        plugins = ", ".join(config.plugins)
        raise ConfigError(
            f"plugin ({plugins}) failed on {relpath}: {type(exc).__name__}: {exc}"
        ) from exc
    if not any(v.reports for v in visitors):
        return []
    # Positions cost a second pass over the tree as long as the parse: only files with a
    # finding pay for it (a rule may still declare PositionProvider among its own dependencies).
    positions = wrapper.resolve(PositionProvider)
    allowed = config.allowed
    findings = []
    for v in visitors:
        for node, name, text in v.reports:
            if allowed and name and under(name, allowed):
                continue
            where = positions.get(node)
            if where is None:
                raise ConfigError(f"plugin rule {v.id} reported a node not in {relpath}'s tree")
            start, end = where.start, where.end
            span = Span(start.line, start.column + 1, end.line, end.column + 1)
            severity = config.severity_of(v.id, v.severity)
            findings.append(Finding(v.id, v.name, relpath, span, text, severity, name))
    return findings


def describe(config: Config) -> tuple[PluginRuleInfo, ...]:
    """The rules of the configured plugins, for `nomock rules`, `explain` and SARIF's rules."""
    described = []
    for plugin, rules in by_plugin(config.plugins):
        for rule in rules:
            doc = inspect.cleandoc(rule.__doc__) if rule.__doc__ else ""  # (not inherited)
            summary = doc.split("\n\n", 1)[0].replace("\n", " ") if doc else rule.name
            described.append(
                PluginRuleInfo(
                    rule.id, rule.name, rule.severity, rule.scope, summary, doc or summary, plugin
                )
            )
    return tuple(described)


def check_rule_ids(config: Config) -> None:
    """Every entry of `ignore`, `per-path-ignores` and `severity` that names no catalog rule
    names a rule of the loaded plugins (config.py let it through for this)."""
    known = [rule.id for rule in load(config.plugins)]
    for key, ids in config.rule_id_entries():
        for entry in ids:
            if entry == "ALL" or entry.startswith("NM"):
                continue  # checked against the catalog when the configuration was read
            if not any(rule_id.startswith(entry) for rule_id in known):
                raise ConfigError(f"`{key}`: unknown rule id `{entry}` (no catalog or plugin rule)")


@functools.cache
def load(names: tuple[str, ...]) -> tuple[type[PluginRule], ...]:
    """The rule classes behind the named entry points (imported here, and only here)."""
    return tuple(rule for _, rules in by_plugin(names) for rule in rules)


@functools.cache
def by_plugin(names: tuple[str, ...]) -> tuple[tuple[str, tuple[type[PluginRule], ...]], ...]:
    """Each named entry point with its rule classes, every one validated against the others."""
    if not names:
        return ()
    available = {ep.name: ep for ep in entry_points(group=GROUP)}
    rules: list[type[PluginRule]] = []
    loaded_by_plugin = []
    for plugin in names:
        ep = available.get(plugin)
        if ep is None:
            known = ", ".join(sorted(available)) or "none installed"
            raise ConfigError(f"`plugins`: unknown plugin `{plugin}` (entry points: {known})")
        try:
            loaded = ep.load()
        except Exception as exc:
            raise ConfigError(f"plugin `{plugin}` failed to load: {exc}") from exc
        own = _rule_classes(plugin, loaded)
        for rule in own:
            _validate(plugin, rule, rules)
            rules.append(rule)
        loaded_by_plugin.append((plugin, tuple(own)))
    return tuple(loaded_by_plugin)


def _rule_classes(plugin: str, loaded: object) -> list[type[PluginRule]]:
    items: Iterable[object]
    if isinstance(loaded, type):
        items = [loaded]
    elif isinstance(loaded, list | tuple):
        items = loaded
    else:
        items = [loaded]
    out = []
    for item in items:
        if not (isinstance(item, type) and issubclass(item, PluginRule)):
            raise ConfigError(
                f"plugin `{plugin}`: {item!r} is not a nomock_lint.plugins.PluginRule"
            )
        out.append(item)
    return out


def _validate(plugin: str, rule: type[PluginRule], seen: list[type[PluginRule]]) -> None:
    where = f"plugin `{plugin}`: rule {rule.__name__}"
    for attr in ("id", "name", "message"):
        if not isinstance(getattr(rule, attr, None), str) or not getattr(rule, attr):
            raise ConfigError(f"{where} has no `{attr}`")
    if (
        not _RULE_ID.fullmatch(rule.id)
        or rule.id.startswith("NM")
        or rule.id in load_catalog().by_id
    ):
        raise ConfigError(
            f"{where}: id `{rule.id}` must be capital letters then digits, not starting with NM"
        )
    if any(other.id == rule.id for other in seen):
        raise ConfigError(f"{where}: id `{rule.id}` is used by another plugin rule")
    if rule.severity not in _SEVERITIES:
        raise ConfigError(f"{where}: severity must be one of {', '.join(_SEVERITIES)}")
    if rule.scope not in ("all", "test", "production"):
        raise ConfigError(f"{where}: scope must be all, test or production")
