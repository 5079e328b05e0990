"""The JS/TS front-end: facts, messages and edge cases that inline fixtures cannot express."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomock_lint import api
from nomock_lint.config import Config
from nomock_lint.facts import Binding, RefKind
from nomock_lint.frontends import javascript

from .conftest import run_nomock


def _findings(source: str, rel: str = "tests/a.test.ts", **config: object) -> list[tuple[int, str]]:
    cfg = Config(root=Path("."), **config)  # type: ignore[arg-type]
    result = api.check_source(source.encode(), rel, "javascript", cfg.is_test(rel), cfg)
    return sorted((f.span.line, f.rule_id) for f in result.findings)


def test_facts_span_lines_and_keep_code_point_columns() -> None:
    facts, _ = javascript.extract("const é = 1; vi\n  .spyOn(a, 'b');\n".encode(), "t.test.ts")
    (ref,) = [r for r in facts.references if r.path == "vi.spyOn"]
    assert (ref.binding, ref.kind) == (Binding.GLOBAL, RefKind.CALL)
    assert (ref.span.line, ref.span.col, ref.span.end_line) == (1, 14, 2)


def test_imports_resolve_to_canonical_vitest_and_jest_objects() -> None:
    source = (
        "import { vitest as t } from 'vitest';\n"
        "import { jest as j } from '@jest/globals';\n"
        "t.fn(); j.mock('x');\n"
    )
    facts, _ = javascript.extract(source.encode(), "x.test.ts")
    assert {(i.module, i.name) for i in facts.imports} == {
        ("vitest", "vitest"),
        ("@jest/globals", "jest"),
    }
    assert {r.path for r in facts.references} == {"vi.fn", "jest.mock"}


@pytest.mark.parametrize("rule", ["NM201", "NM202"])
def test_prefilter_sound_for_aliased_vitest_and_jest_objects(rule: str) -> None:
    source = (
        "import { vitest as t } from 'vitest';\n"
        "import { jest as j } from '@jest/globals';\n"
        "t.fn(); j.mock('x');\n"
    )
    assert [r for _, r in _findings(source, select=(rule,))] == [rule]


def test_local_bindings_shadow_globals() -> None:
    source = "function f(vi) { vi.fn(); }\n{ const jest = makeRunner(); jest.fn(); }\njest.fn();\n"
    assert _findings(source) == [(3, "NM201")]


def test_fake_service_message_names_the_real_alternative() -> None:
    cfg = Config(root=Path("."))
    result = api.check_source(
        b"import Redis from 'ioredis-mock';\n", "tests/r.test.ts", "javascript", True, cfg
    )
    (finding,) = result.findings
    assert finding.rule_id == "NM102"
    assert "a real Redis server" in finding.message
    assert finding.alternative and "Redis server" in finding.alternative


def test_undecodable_file_is_nm903_and_the_run_goes_on(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "bad.test.ts").write_bytes(b"vi.fn();\nconst caf\xe9 = 1;\n")
    (project / "tests" / "good.test.ts").write_text("vi.fn();\n")
    result = run_nomock(["check", "."], project)
    assert result.returncode == 1, result.stderr
    assert "tests/bad.test.ts:2:10: NM903 " in result.stdout
    assert "tests/good.test.ts:1:1: NM201 " in result.stdout


def test_allowlist_applies_to_js_call_paths() -> None:
    assert _findings("vi.fn();\nvi.mock('x');\n", allow=("vi.fn",)) == [(2, "NM202")]


def test_unterminated_template_is_nm903_at_its_start() -> None:
    assert _findings("const a = 1;\nconst s = `vi.fn()\n") == [(2, "NM903")]


@pytest.mark.parametrize(
    "source",
    [
        "const x = a / b / vi.fn;\n",
        "const r = /[/]vi.mock(/.test(s);\n",
        "label: for (;;) break label;\n",
        "const s = '\\'vi.fn()';\n",
        "const t = `a ${`nested ${b}`} vi.mock(`;\nconst u = `)`;\n",
    ],
)
def test_lexer_traps_are_clean(source: str) -> None:
    assert _findings(source) == []


def test_sfc_script_blocks_keep_real_line_numbers() -> None:
    source = "<template>\n  <p>vi.fn()</p>\n</template>\n<script setup>\nvi.fn();\n</script>\n"
    assert _findings(source, rel="tests/c.test.vue") == [(5, "NM201")]


def test_line_100_is_not_an_emoji_code(project: Path) -> None:
    (project / "a.test.ts").write_text("\n" * 99 + "vi.fn();\n")
    result = run_nomock(["check", "."], project)
    assert result.stdout.startswith("a.test.ts:100:1: NM201 "), result.stdout


@pytest.mark.parametrize("is_test", [False, True])
def test_split_prefilter_agrees_with_the_single_regex(is_test: bool) -> None:
    from nomock_lint import prefilter
    from nomock_lint.discovery import language_of

    from .conftest import FIXTURES

    rules = Config(root=FIXTURES).rules
    samples = [p.read_bytes() for p in sorted(FIXTURES.rglob("*")) if language_of(p.name)]
    samples += [
        b"",
        b"const x = 1;",
        b"MOCK",
        b"Date .now = 1",
        b"consoles.x = 1",
        b"@jest/globals",
        b"window /* c */ .x = 1",
        b"global['a'] += 1",
        b"Math.random=()=>1",
        b"x == Date.now",
        b"Date.now === 1",
        b"// Date.\nx = 1",
        b"fetch?.x = 1",
        b"Promise.\n  x = 1",
        b"a.console.x = 1",
        b"console.x\n// c\n= 1",
        b"import x from 'jest-mock/lib'",
        b"const m = require(`msw`)",
        b"mockReturnValue",
        b"x.mockReturnValueOnce(1)",
        b"nomock: allow",
        *(b"mocked", b"Hammock", b"MOCKs", b"XMock", b"aMOCK", b"_mock", b"MOCKUser", b"mock1"),
        b"class A implements Partial<B> {}",
    ]
    # Python's prefilter has steps that one regex cannot express (tests/test_prefilter.py).
    single = prefilter.compile_prefilter(rules, "javascript", is_test)
    assert single is not None
    for data in samples:
        expected = single.search(data) is not None
        assert prefilter.may_match(data, "x", rules, "javascript", is_test) == expected, data[:60]


_NAME_PIECES = [
    *("mock", "Mock", "MOCK", "fake", "Fake", "FAKE", "stub", "Stub", "spy", "SPY", "dummy"),
    *("Dummy", "ed", "s", "X", "XY", "ham", "create", "make", "get", "User", "user", "_", "1"),
    *("$", "é", "Partial"),
]


@settings(max_examples=300, deadline=None, database=None)
@given(
    pieces=st.lists(st.sampled_from(_NAME_PIECES), min_size=1, max_size=4),
    rel=st.sampled_from(["src/app.ts", "src/a.test.ts"]),
)
def test_prefilter_keeps_every_name_finding(pieces: list[str], rel: str) -> None:
    """NM301 / NM302 look at the words of names (`HammockX` holds no `mock`); the JS prefilter
    looks for the words as the engine splits them and must never skip a file they flag."""
    name = "".join(pieces)
    name = f"_{name}" if name[0].isdigit() else name
    source = (
        f"const {name} = 1;\nlet {{ {name}: x }} = y;\nclass {name} implements Partial<T> {{}}\n"
        f"function {name}() {{}}\nconst o = {{ {name}() {{}} }};\n"
    ).encode()
    cfg = Config(root=Path("."))
    is_test = cfg.is_test(rel)
    found = api.check_source(source, rel, "javascript", is_test, cfg, use_prefilter=False)
    kept = api.check_source(source, rel, "javascript", is_test, cfg, use_prefilter=True)
    assert kept.findings == found.findings, name


def test_a_regex_after_a_comment_is_a_regex() -> None:
    """Whether `/` starts a regex is decided by the code before it, comments skipped: here the
    word before the second regex is `one` in a comment, and `<` / a backtick in a regex read as
    JSX / a template made the whole bundle unparsable (angular-core's checker bundle)."""
    source = (
        "const r = [\n  /a/, // one\n  /[<>]/, // two\n];\n"
        "const s = /* c */ /`/.test(x);\nvi.fn();\n"
    )
    assert _findings(source, rel="tests/a.test.js") == [(6, "NM201")]


def test_every_declarator_of_a_declaration_is_a_definition() -> None:
    source = (
        "const a = f(1, 2), mockUsers = [1, 2], { b } = c;\n"
        "let m: Map<string, number> = new Map(), fakeRows = [];\n"
        "var x = function () { return 1, 2; },\n"
        "    dummyItems = [];\n"
        "const y = 1\n"
        "mockNotDeclared, 2;\n"
    )
    found = _findings(source, rel="src/app.ts")
    assert found == [(1, "NM302"), (2, "NM302"), (4, "NM302")]
    facts, _ = javascript.extract(source.encode(), "src/app.ts")
    names = [d.name for d in facts.definitions]
    assert names == ["a", "mockUsers", "b", "m", "fakeRows", "x", "dummyItems", "y"]


def test_a_file_whose_trigger_is_only_in_a_comment_is_screened_out_after_lexing() -> None:
    source = b"/* Promise.all = ... in old tests */ const s = 'a // b';\nexport const a = 1;\n"
    screened: list[bytes] = []

    def refuse(text: bytes) -> bool:
        screened.append(text)
        return False

    facts, _ = javascript.extract(source, "src/a.ts", screen=refuse)
    assert screened == [b" " * 36 + source[36:]]  # the comment blanked, the string kept
    assert facts.definitions == []
    facts, _ = javascript.extract(source, "src/a.ts", screen=lambda text: True)
    assert [d.name for d in facts.definitions] == ["s", "a"]
    # A comment that mentions nomock can be a suppression (or an unused one: NM902).
    kept = b"// nomock: allow NM203 -- old\n" + source
    facts, _ = javascript.extract(kept, "src/a.ts", screen=refuse)
    assert len(screened) == 1 and facts.comments
    assert _findings("// Promise.all = x\nPromise.all = f;\n", "tests/a.test.ts") == [(2, "NM203")]


def test_test_mode_comparisons_are_shown_with_their_operator_as_written() -> None:
    """The finding names the comparison that is in the code: `===`, `!==` and `!=` are not `==`
    (Python and JS alike; a `case` compares as its language's switch does)."""

    def matched(source: str, rel: str) -> list[str]:
        cfg = Config(root=Path("."))
        language = "python" if rel.endswith(".py") else "javascript"
        result = api.check_source(source.encode(), rel, language, False, cfg)
        return [f.name for f in result.findings if f.rule_id == "NM401"]

    js = (
        "if (process.env.NODE_ENV === 'test') a();\n"
        "if (process.env.NODE_ENV !== 'test') b();\n"
        "if ('test' == process.env.MODE) c();\n"
        "switch (process.env.NODE_ENV) { case 'test': d(); }\n"
    )
    assert matched(js, "src/env.ts") == [
        "NODE_ENV === 'test'",
        "NODE_ENV !== 'test'",
        "MODE == 'test'",
        "NODE_ENV === 'test'",
    ]
    python = (
        "import os, sys\n"
        "if os.environ.get('ENV') != 'test':\n    pass\n"
        "if 'test' == os.getenv('ENV'):\n    pass\n"
        "if 'test' in os.environ['ENV']:\n    pass\n"
        "if 'pytest' not in sys.modules:\n    pass\n"
        "match os.getenv('ENV'):\n    case 'test':\n        pass\n"
    )
    assert matched(python, "app/env.py") == [
        "ENV != 'test'",
        "ENV == 'test'",
        "ENV contains 'test'",
        "'pytest' not in sys.modules",
        "ENV == 'test'",
    ]
