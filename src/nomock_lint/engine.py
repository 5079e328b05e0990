"""Rules as matchers over facts plus catalog data, written once for every language.

`CompiledRules` indexes the active rules' catalog tables for one language into dictionaries, so
matching a file costs a few lookups per fact whatever the size of the catalog.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from nomock_lint.catalog import Matchers, Rule
from nomock_lint.facts import Binding, DefKind, Facts, Reference, RefKind, Span, Wanted
from nomock_lint.model import Finding
from nomock_lint.records import Record

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_USE_KINDS = frozenset({RefKind.CALL, RefKind.DECORATOR, RefKind.WITH})
_FILE_START = Span(1, 1, 1, 1)
_ROOT = re.compile(r".[^./]*")  # what `prefixes` yields last: up to the first `.` or `/`

_Add = Callable[..., None]


def words(name: str) -> list[str]:
    """`createRedisServiceMock` -> create, redis, service, mock; `MOCK_USERS` -> mock, users."""
    return [w.lower() for w in _WORD.findall(name)]


def in_folder(relpath: str, folders: Iterable[str]) -> bool:
    """Whether a folder on `relpath` (not the file itself) is one of `folders` (`__mocks__`)."""
    names = set(folders)
    return bool(names) and any(part in names for part in relpath.split("/")[:-1])


@functools.lru_cache(maxsize=4096)
def prefixes(qualified: str) -> tuple[str, ...]:
    """`a.b/c` -> `a.b/c`, `a.b`, `a`: every module boundary, longest first. (Cached: a file's
    references repeat a few paths, and moto's 18.5k findings took 262k generator steps.)"""
    found = [qualified]
    for i in range(len(qualified) - 1, 0, -1):
        if qualified[i] in "./":
            found.append(qualified[:i])
    return tuple(found)


def under(name: str, entries: Iterable[str]) -> bool:
    """Whether `name` is one of `entries` or a member of one (module or attribute boundary)."""
    entry_set = entries if isinstance(entries, set | frozenset) else set(entries)
    return bool(entry_set) and not entry_set.isdisjoint(prefixes(name))


# Slot classes rather than dataclasses: see records.py.
class _Hit(Record):
    __slots__ = ("alternative", "rule")

    def __init__(self, rule: Rule, alternative: str | None = None) -> None:
        self.rule = rule
        self.alternative = alternative


class CompiledRules(Record):
    """The active rules' data for one language, indexed for lookup."""

    __slots__ = (
        "_wanted",
        "assign_imported",
        "assign_roots",
        "call_arg0",
        "call_members",
        "calls",
        "fixture_calls",
        "fixtures",
        "harmless",
        "language",
        "method_calls",
        "modules",
        "rules",
        "subscript_assign",
        "use_roots",
        "uses",
    )

    def __init__(self, language: str, rules: tuple[Rule, ...]) -> None:
        self.language = language
        self.rules = rules
        self.modules: dict[str, _Hit] = {}
        self.uses: dict[str, _Hit] = {}
        self.calls: dict[str, Rule] = {}
        self.call_members: dict[str, Rule] = {}
        self.call_arg0: list[tuple[Rule, str, str | None, str | None, str | None]] = []
        self.fixtures: dict[str, Rule] = {}
        self.fixture_calls: dict[str, Rule] = {}
        self.method_calls: dict[str, Rule] = {}
        self.subscript_assign: dict[str, Rule] = {}
        self.assign_imported: list[Rule] = []
        self.assign_roots: dict[str, Rule] = {}
        self.harmless: frozenset[str] = frozenset()
        self._wanted: dict[bool, Wanted] = {}  # a cache (see records.py)
        # The first part (up to `.` or `/`, as `prefixes` cuts) of every key a call, decorator
        # or `with` reference is looked up under: a reference with another root matches nothing.
        self.use_roots: frozenset[str] = frozenset()

    @classmethod
    def build(cls, rules: Iterable[Rule], language: str) -> CompiledRules:
        rules = tuple(rules)
        self = cls(language, rules)
        for rule in rules:
            m = rule.languages[language]
            for module, alternative in m.modules.items():
                hit = _Hit(rule, alternative or rule.alternative or None)
                self.modules.setdefault(module, hit)
                if m.flag_uses:
                    self.uses.setdefault(module, hit)
            for call in m.calls:
                if call.endswith(".*"):
                    self.call_members.setdefault(call[:-2], rule)
                else:
                    self.calls.setdefault(call, rule)
            for entry in m.call_arg0:
                self.call_arg0.append(
                    (rule, entry.call, entry.arg0, entry.binding, entry.arg0_binding)
                )
            for fixture in m.fixtures:
                self.fixtures.setdefault(fixture, rule)
            for call in m.fixture_calls:
                self.fixture_calls.setdefault(call, rule)
            for method in m.method_calls:
                self.method_calls.setdefault(method, rule)
            for path in m.subscript_assign:
                self.subscript_assign.setdefault(path, rule)
            if m.assign_imported:
                self.assign_imported.append(rule)
            for root in m.assign_roots:
                self.assign_roots.setdefault(root, rule)
        self.harmless = frozenset(a for r in rules for a in r.languages[language].allow)
        keys = [
            *self.calls,
            *self.call_members,
            *self.uses,
            *self.fixture_calls,
            *(call for _, call, _, _, _ in self.call_arg0),
        ]
        self.use_roots = frozenset(_ROOT.match(k).group() for k in keys)  # type: ignore[union-attr]
        return self

    def wanted(self, is_test: bool) -> Wanted:
        """The facts that `match` reads for a file of this class (see facts.Wanted)."""
        known = self._wanted.get(is_test)
        if known is not None:
            return known
        rules = [r for r in self.rules if r.applies(is_test)]
        matchers = [r.languages[self.language] for r in rules]
        param_paths = [
            *self.fixture_calls,
            *self.subscript_assign,
            *(call for _, call, _, binding, _ in self.call_arg0 if binding == "param"),
        ]
        wanted = Wanted(
            method_calls=any(m.method_calls for m in matchers),
            variables=any(m.binding_prefixes for m in matchers),
            parameters=frozenset(self.fixtures),
            param_roots=frozenset(p.split(".", 1)[0] for p in param_paths),
        )
        self._wanted[is_test] = wanted
        return wanted

    def module_hit(self, qualified: str, table: dict[str, _Hit]) -> _Hit | None:
        for prefix in prefixes(qualified):
            hit = table.get(prefix)
            if hit is not None:
                return hit
        return None

    def call_rule(self, path: str) -> Rule | None:
        rule = self.calls.get(path)
        if rule is not None:
            return rule
        for prefix in prefixes(path):
            if prefix != path and prefix in self.call_members:
                return self.call_members[prefix]
        return None


@functools.lru_cache(maxsize=64)
def compile_rules(rules: tuple[Rule, ...], language: str) -> CompiledRules:
    return CompiledRules.build(rules, language)


def _finding(
    rule: Rule, path: str, span: Span, name: str, alternative: str | None = None
) -> Finding:
    message = rule.message.format(name=name, alternative=alternative or rule.alternative)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        path=path,
        span=span,
        message=message,
        severity=rule.severity,
        name=name,
        alternative=alternative if rule.alternative or alternative else None,
    )


def match(
    facts: Facts,
    compiled: CompiledRules,
    *,
    path: str,
    is_test: bool,
    allow: frozenset[str] = frozenset(),
    allow_modules: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Every finding the active rules produce on one file's facts, in source order.

    `allow` (config `allow`) silences every finding on a name or call path and what is under it;
    `allow_modules` (config `allow-modules`) silences the findings that a module earns by being
    in the catalog (its imports and the uses of what is imported from it), while the mock
    objects it creates (`patch(...)`, NM201) are still reported.
    """
    rules = [r for r in compiled.rules if r.applies(is_test)]
    if not rules:
        return []
    active = {r.id for r in rules}
    out: list[Finding] = []

    def add(
        rule: Rule | None,
        span: Span,
        name: str,
        alternative: str | None = None,
        *,
        module_hit: bool = False,
    ) -> None:
        if rule is None or rule.id not in active:
            return
        if (allow and under(name, allow)) or under(name, compiled.harmless):
            return
        if module_hit and allow_modules and under(name, allow_modules):
            return
        out.append(_finding(rule, path, span, name, alternative))

    for imp in facts.imports:
        qualified = imp.qualified
        hit = compiled.module_hit(qualified, compiled.modules)
        if hit is None and imp.name is not None:
            hit = compiled.module_hit(imp.module, compiled.modules)
        if hit is not None:
            add(hit.rule, imp.span, qualified, hit.alternative, module_hit=True)

    for ref in facts.references:
        _match_reference(ref, compiled, add)

    for name, span in facts.method_calls:
        add(compiled.method_calls.get(name), span, f".{name}")

    for param in facts.parameters:
        add(compiled.fixtures.get(param.name), param.span, param.name)

    for rule in rules:
        m = rule.languages[compiled.language]
        if in_folder(path, m.manual_mock_dirs):
            add(rule, _FILE_START, path)
        if m.class_words or m.binding_prefixes:
            _match_names(facts, rule, m, is_test, add)
        if m.env_flags or m.attributes or m.sys_modules:
            _match_test_mode(facts, rule, m, add)

    return _supersede(out, compiled.rules)


def _match_reference(ref: Reference, compiled: CompiledRules, add: _Add) -> None:
    kind, path = ref.kind, ref.path
    if kind in _USE_KINDS:
        if _ROOT.match(path).group() not in compiled.use_roots:  # type: ignore[union-attr]
            return  # `models.CharField(...)`: no call table has anything under `models`
        if ref.binding is Binding.PARAM:
            add(compiled.fixture_calls.get(path), ref.span, path)
        else:
            rule = compiled.call_rule(path)
            if rule is not None:
                add(rule, ref.span, path)
            elif ref.binding is Binding.IMPORT:
                hit = compiled.module_hit(path, compiled.uses)
                if hit is not None:
                    add(hit.rule, ref.span, path, hit.alternative, module_hit=True)
        for rule, call, arg0, binding, arg0_binding in compiled.call_arg0:
            if path != call:
                continue
            own = ref.binding.value
            if (binding is None and own == "param") or (binding is not None and own != binding):
                continue
            if arg0 is not None and ref.arg0 != arg0:
                continue
            if arg0_binding is not None and (
                ref.arg0_binding is None or ref.arg0_binding.value != arg0_binding
            ):
                continue
            add(rule, ref.span, f"{path}({ref.arg0}, ...)" if ref.arg0 else path)
    elif kind is RefKind.SUBSCRIPT_ASSIGN:
        add(compiled.subscript_assign.get(path), ref.span, f"{path}[...]")
    elif kind in (RefKind.ASSIGN, RefKind.DELETE):
        if "." not in path:
            return
        if ref.binding is Binding.IMPORT:
            for rule in compiled.assign_imported:
                add(rule, ref.span, ref.spelled or path)
        elif ref.binding is Binding.GLOBAL:
            root = path.split(".", 1)[0]
            add(compiled.assign_roots.get(root), ref.span, path)


def _match_names(facts: Facts, rule: Rule, m: Matchers, is_test: bool, add: _Add) -> None:
    seen: set[str] = set()
    for definition in facts.definitions:
        parts = words(definition.name)
        if not parts:
            continue
        if definition.kind is DefKind.CLASS and m.class_words:
            implements_partial = (
                m.implements_partial
                and is_test
                and any(b.startswith("Partial<") for b in definition.bases)
            )
            if implements_partial or any(w in m.class_words for w in parts):
                add(rule, definition.span, definition.name)
        elif definition.kind is DefKind.FUNCTION and m.class_words:
            if parts[0] in m.factory_prefixes and any(w in m.class_words for w in parts[1:]):
                add(rule, definition.span, definition.name)
        elif (
            definition.kind is DefKind.VARIABLE
            and parts[0] in m.binding_prefixes
            and definition.name not in seen
        ):
            seen.add(definition.name)
            add(rule, definition.span, definition.name)


def _match_test_mode(facts: Facts, rule: Rule, m: Matchers, add: _Add) -> None:
    flags = set(m.env_flags)
    values = set(m.test_values)
    for check in facts.test_mode_checks:
        subject, value = check.subject, check.value
        lowered = value.strip().lower() if value is not None else None
        if subject.startswith("$"):
            env = subject[1:]
            if env in flags or (lowered is not None and lowered in values):
                shown = f"{env} {check.operator} {value!r}" if value is not None else env
                add(rule, check.span, shown)
        elif subject == "sys.modules":
            if value is not None and value in m.sys_modules:
                add(rule, check.span, f"{value!r} {check.operator} sys.modules")
        elif any(subject == a or subject.endswith("." + a) for a in m.attributes):
            add(rule, check.span, subject)


def _supersede(findings: list[Finding], rules: tuple[Rule, ...]) -> list[Finding]:
    """One finding per place: NM202's `patch.dict(sys.modules)` wins over NM201's `patch.dict`."""
    if len(findings) < 2:
        return findings
    places = {(f.span, f.rule_id) for f in findings}
    losers = {
        (f.span, loser)
        for f in findings
        for rule in rules
        if rule.id == f.rule_id
        for loser in rule.supersedes
        if (f.span, loser) in places
    }
    return [f for f in findings if (f.span, f.rule_id) not in losers] if losers else findings
