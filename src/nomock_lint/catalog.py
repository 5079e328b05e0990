"""The rule catalog: one TOML file per rule in `rules/`, shipped inside the wheel.

The catalog is data. Adding a mock library is an edit to a TOML file; the matchers in
`engine.py` read the per-language tables defined here:

  modules          imports of these modules (or anything under them); a table maps a module to
                   the real alternative named in the message (NM102)
  flag_uses        also flag calls / decorators / `with` on anything imported from `modules`
  calls            qualified call paths (call, decorator or `with`); `x.*` is any member of x
  call_arg0        calls whose first argument is `arg0` or is bound as `arg0_binding`
  fixtures         pytest fixtures, flagged where a function requests them as a parameter
  fixture_calls    calls on a fixture parameter (`monkeypatch.setattr`)
  method_calls     method names on any receiver (`.mockReturnValue(...)`)
  subscript_assign `x[...] = ...` on these paths
  assign_imported  `imported_module.attr = ...`
  assign_roots     `Root.attr = ...` where Root is an unbound global (`Date.now = ...`)
  implements_partial  a class that `implements Partial<X>` (test files only)
  triggers         extra prefilter regular expressions, for matchers whose words cannot be
                   derived from the data above (see prefilter.py)
  allow            names under a flagged module that are harmless values (`unittest.mock.ANY`)

`[common]` holds data that every language shares (name words, env variable names).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

LANGUAGES = ("python", "javascript")
SEVERITIES = ("error", "warning", "note")
SCOPES = ("all", "production")
DOCS_URL = "https://github.com/nomock/nomock/blob/main/docs/rules.md"

_LIST_KEYS = (
    "calls",
    "fixtures",
    "fixture_calls",
    "method_calls",
    "subscript_assign",
    "assign_roots",
    "class_words",
    "factory_prefixes",
    "manual_mock_dirs",
    "binding_prefixes",
    "env_flags",
    "test_values",
    "attributes",
    "sys_modules",
    "allow",
    "triggers",
)
_BOOL_KEYS = ("flag_uses", "assign_imported", "implements_partial")


class CatalogError(Exception):
    pass


# NamedTuples and plain classes rather than dataclasses: see records.py.
class CallArg0(NamedTuple):
    call: str
    arg0: str | None = None
    binding: str | None = None  # binding of the call's own root (None: import or global)
    arg0_binding: str | None = None


class Matchers(NamedTuple):
    """What one rule matches in one language (merged with the rule's `[common]` table)."""

    modules: dict[str, str | None] = {}  # noqa: RUF012  # never changed after parsing
    flag_uses: bool = False
    calls: tuple[str, ...] = ()
    call_arg0: tuple[CallArg0, ...] = ()
    fixtures: tuple[str, ...] = ()
    fixture_calls: tuple[str, ...] = ()
    method_calls: tuple[str, ...] = ()
    subscript_assign: tuple[str, ...] = ()
    assign_imported: bool = False
    assign_roots: tuple[str, ...] = ()
    implements_partial: bool = False
    class_words: tuple[str, ...] = ()
    factory_prefixes: tuple[str, ...] = ()
    manual_mock_dirs: tuple[str, ...] = ()
    binding_prefixes: tuple[str, ...] = ()
    env_flags: tuple[str, ...] = ()
    test_values: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    sys_modules: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()  # extra prefilter regexes (see prefilter.py)
    allow: tuple[str, ...] = ()  # harmless names under a flagged module (`unittest.mock.ANY`)

    def is_empty(self) -> bool:
        return self == Matchers()


class Rule:
    """One rule of the catalog. Immutable, and hashed by identity: the catalog is loaded once."""

    __slots__ = (
        "alternative",
        "example",
        "id",
        "languages",
        "message",
        "name",
        "scope",
        "severity",
        "summary",
        "supersedes",
        "use_instead",
        "what",
        "why",
    )
    id: str
    name: str
    severity: str
    scope: str  # "all" or "production" (non-test files only)
    summary: str
    message: str
    what: str
    why: str
    example: str
    use_instead: str
    alternative: str
    supersedes: tuple[str, ...]
    languages: dict[str, Matchers]

    def __init__(
        self,
        id: str,
        name: str,
        severity: str,
        scope: str,
        summary: str,
        message: str,
        what: str,
        why: str,
        example: str,
        use_instead: str,
        alternative: str,
        supersedes: tuple[str, ...],
        languages: dict[str, Matchers],
    ) -> None:
        for field, value in locals().items():
            if field != "self":
                object.__setattr__(self, field, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a Rule")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a Rule")

    def __reduce__(self) -> tuple[Any, ...]:  # pickled to spawned workers with the Config
        return _rule_from, (self._fields(),)

    def __repr__(self) -> str:
        return f"Rule(id={self.id!r}, name={self.name!r}, severity={self.severity!r})"

    def _fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def replace(self, **changes: Any) -> Rule:
        """A copy with some fields changed (a new identity)."""
        return Rule(**{**self._fields(), **changes})

    def applies(self, is_test: bool) -> bool:
        """Whether the rule checks a file of this class (production-scope rules skip tests)."""
        return not (self.scope == "production" and is_test)

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.id.lower()}-{self.name}"

    def doc_markdown(self) -> str:
        return (
            f"## {self.id} {self.name}\n\n{self.summary}.\n\n"
            f"### What it does\n{self.what}\n\n### Why is this bad?\n{self.why}\n\n"
            f"### Example\n```\n{self.example}\n```\n\n"
            f"### Use instead\n```\n{self.use_instead}\n```\n"
        )


def _rule_from(fields: dict[str, Any]) -> Rule:
    return Rule(**fields)


def _str_tuple(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def _matchers(section: dict[str, Any], where: str) -> Matchers:
    known = {*_LIST_KEYS, *_BOOL_KEYS, "modules", "call_arg0"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise CatalogError(f"{where}: unknown key `{unknown[0]}`")
    raw_modules = section.get("modules", [])
    if isinstance(raw_modules, list):
        modules: dict[str, str | None] = {str(m): None for m in raw_modules}
    elif isinstance(raw_modules, dict):
        modules = {str(k): str(v) for k, v in raw_modules.items()}
    else:
        raise CatalogError(f"{where}: `modules` must be a list or a table")
    call_arg0 = []
    for entry in section.get("call_arg0", []):
        if not isinstance(entry, dict) or "call" not in entry:
            raise CatalogError(f"{where}: `call_arg0` entries need a `call`")
        call_arg0.append(
            CallArg0(
                call=entry["call"],
                arg0=entry.get("arg0"),
                binding=entry.get("binding"),
                arg0_binding=entry.get("arg0_binding"),
            )
        )
    kwargs: dict[str, Any] = {k: _str_tuple(section, k, where) for k in _LIST_KEYS}
    for key in _BOOL_KEYS:
        value = section.get(key, False)
        if not isinstance(value, bool):
            raise CatalogError(f"{where}: `{key}` must be true or false")
        kwargs[key] = value
    return Matchers(modules=modules, call_arg0=tuple(call_arg0), **kwargs)


def _merge(common: Matchers, specific: Matchers) -> Matchers:
    kwargs: dict[str, Any] = {}
    for name in Matchers._fields:
        a, b = getattr(common, name), getattr(specific, name)
        if isinstance(a, tuple):
            kwargs[name] = a + b
        elif isinstance(a, dict):
            kwargs[name] = {**a, **b}
        else:
            kwargs[name] = a or b
    return Matchers(**kwargs)


_RULE_KEYS = {
    "id",
    "name",
    "severity",
    "scope",
    "summary",
    "message",
    "what",
    "why",
    "example",
    "use_instead",
    "alternative",
    "supersedes",
    "common",
    *LANGUAGES,
}


def parse_rule(data: dict[str, Any], where: str) -> Rule:
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise CatalogError(f"{where}: unknown key `{unknown[0]}`")
    for key in ("id", "name", "severity", "summary", "message", "what", "why"):
        if not isinstance(data.get(key), str):
            raise CatalogError(f"{where}: `{key}` is required and must be a string")
    if data["severity"] not in SEVERITIES:
        raise CatalogError(f"{where}: `severity` must be one of {', '.join(SEVERITIES)}")
    scope = data.get("scope", "all")
    if scope not in SCOPES:
        raise CatalogError(f"{where}: `scope` must be one of {', '.join(SCOPES)}")
    common = _matchers(data.get("common", {}), f"{where} [common]")
    languages = {
        lang: _merge(common, _matchers(data.get(lang, {}), f"{where} [{lang}]"))
        for lang in LANGUAGES
    }
    return Rule(
        id=data["id"],
        name=data["name"],
        severity=data["severity"],
        scope=scope,
        summary=data["summary"],
        message=data["message"],
        what=data["what"],
        why=data["why"],
        example=data.get("example", ""),
        use_instead=data.get("use_instead", ""),
        alternative=data.get("alternative", ""),
        supersedes=_str_tuple(data, "supersedes", where),
        languages=languages,
    )


def _rule_files() -> Iterator[tuple[str, bytes]]:
    # A package on disk is read directly: importing importlib.resources costs 5% of a run.
    here = Path(__file__).parent / "rules"
    # Editable install or source checkout: the catalog lives at the repository root.
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if here.is_dir():
        entries = [(p.name, p.read_bytes()) for p in here.glob("*.toml")]
    elif checkout.is_dir():
        entries = [(p.name, p.read_bytes()) for p in checkout.glob("*.toml")]
    elif (packaged := _packaged_rules()) is not None:
        entries = [(e.name, e.read_bytes()) for e in packaged.iterdir() if e.name.endswith(".toml")]
    else:
        raise CatalogError(f"rule catalog not found (looked in the package and in {checkout})")
    yield from sorted(entries)


def _packaged_rules() -> Traversable | None:
    """The rules folder of a package that is not a plain folder on disk (a zip import)."""
    from importlib import resources

    packaged = resources.files("nomock_lint").joinpath("rules")
    return packaged if packaged.is_dir() else None


class Catalog:
    def __init__(self, rules: tuple[Rule, ...], sources: tuple[tuple[str, bytes], ...]) -> None:
        self.rules = rules
        self.sources = sources  # the rule files, by name

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes whenever any rule file changes (the cache key's catalog part)."""
        import hashlib

        digest = hashlib.sha256()
        for name, data in self.sources:
            digest.update(name.encode() + b"\0" + data)
        return digest.hexdigest()

    @functools.cached_property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def __getitem__(self, rule_id: str) -> Rule:
        return self.by_id[rule_id]

    def index_of(self, rule_id: str) -> int:
        return [r.id for r in self.rules].index(rule_id)


@functools.cache
def load_catalog() -> Catalog:
    rules = []
    sources = tuple(_rule_files())
    for name, data in sources:
        try:
            parsed = tomllib.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CatalogError(f"rules/{name}: {exc}") from exc
        rules.append(parse_rule(parsed, f"rules/{name}"))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise CatalogError("rule catalog has duplicate ids")
    return Catalog(rules=tuple(sorted(rules, key=lambda r: r.id)), sources=sources)


RULE_ID = re.compile(r"^NM\d{3}$")
