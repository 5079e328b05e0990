"""Parsing only what can match (frontends/python_outline.py): the stubbed source keeps every
line where it was, the lexer gives up rather than guess, and no finding is lost or added."""

from __future__ import annotations

from pathlib import Path

import pytest

from nomock_lint import api, prefilter
from nomock_lint.config import Config
from nomock_lint.frontends import python_outline

CONFIG = Config(root=Path("/project"))
TEST_PATH = "tests/test_app.py"
FILLER = "".join(f"    x{i} = compute({i}, 'value number {i}')\n" for i in range(60))


@pytest.fixture(autouse=True, scope="module")
def _compiled_patterns() -> None:
    """The lexer compiles its regexes for large files only (a one-file check of a small file
    parses it whole): these tests stub small files, and members of classes indented by 4."""
    source = "class A:\n    class B:\n        def f(self):\n            pass\n"
    python_outline.stub_bodies(source.encode(), [0, 9, 22], compile_patterns=True)


def _filler(name: str, indent: str = "") -> str:
    return f"{indent}def {name}(self):\n" + "".join(
        indent + line for line in FILLER.splitlines(True)
    )


def _stubbed(source: str, path: str = TEST_PATH, *, tails: bool = False) -> str | None:
    """The source as parsed (by default without leaving out the tails: see test_tails)."""
    data = source.encode()
    offsets = prefilter.trigger_offsets(data, path, CONFIG.rules, path.startswith("tests/"))
    assert offsets is not None
    stubbed = python_outline.stub_bodies(data, offsets, tails=tails)
    return stubbed.decode() if stubbed is not None else None


def _findings(source: str, path: str, use_prefilter: bool) -> list[tuple[str, int, int]]:
    is_test = path.startswith("tests/")
    result = api.check_source(
        source.encode(), path, "python", is_test, CONFIG, use_prefilter=use_prefilter
    )
    return [(f.rule_id, f.span.line, f.span.col) for f in result.findings]


def test_untriggered_methods_become_stubs_on_their_own_lines() -> None:
    source = (
        "from unittest import mock\n\n\n"
        "class TestThing:\n"
        f"{_filler('test_plain', '    ')}\n"
        "    @mock.patch('app.clock')\n"
        "    def test_patched(self, clock):\n"
        "        assert clock\n\n"
        "    @staticmethod\n"
        "    async def test_other(a,\n"
        "                         b):\n"
        f"{FILLER}"
    )
    stubbed = _stubbed(source)
    assert stubbed is not None
    kept, original = stubbed.splitlines(), source.splitlines()
    assert len(kept) == len(original)
    assert kept[4] == "    def test_plain(): pass"
    assert "    def test_other(): pass" in kept
    for line, text in zip(kept, original, strict=True):
        assert line in ("", text, "        pass") or line.endswith("(): pass")
    # The decorator holds the trigger: it and the signature stay, the body is `pass`.
    patched = original.index("    def test_patched(self, clock):")
    assert kept[patched - 1 : patched + 2] == [*original[patched - 1 : patched + 1], "        pass"]


def test_a_stub_still_binds_its_name() -> None:
    # `os.sep = ...` at the end is no NM203: `os` is the function by then, stubbed or not.
    source = f"import os\n\n\n{_filler('os').replace('(self)', '()')}\nos.sep = '/'\n"
    assert "def os(): pass" in (_stubbed(source, "tests/test_app.py") or "")
    assert _findings(source, TEST_PATH, use_prefilter=False) == []
    assert _findings(source, TEST_PATH, use_prefilter=True) == []
    unshadowed = source.replace("def os()", "def other()")
    assert _findings(unshadowed, TEST_PATH, use_prefilter=True) == [
        ("NM203", source.count("\n"), 1)
    ]


SOURCES = {
    "aliased import used in a method": (
        "from unittest.mock import patch as p\n\n"
        "class TestA:\n"
        f"{_filler('test_plain', '    ')}\n"
        "    def test_uses(self):\n"
        "        p('app.x')\n"
    ),
    "continued import used in a method": (
        "from unittest.mock \\\n    import patch as p\n\n"
        "class TestA:\n"
        f"{_filler('test_plain', '    ')}\n"
        "    def test_uses(self):\n"
        "        p('app.x')\n"
    ),
    "imported module attribute assigned in a method": (
        "import os\n\n"
        "class TestA:\n"
        f"{_filler('test_plain', '    ')}\n"
        "    def test_sep(self):\n"
        "        os.sep = '/'\n"
    ),
    "setattr in a function": (
        f"import os\n\n{_filler('helper').replace('(self)', '()')}\n"
        "def test_x():\n    setattr(os, 'sep', '/')\n"
    ),
    "fixture parameter": (
        f"import os\n\n{_filler('helper').replace('(self)', '()')}\n"
        "def test_x(monkeypatch):\n    monkeypatch.setattr(os, 'sep', '/')\n"
    ),
    "class word in a nested class": (
        "import os\n\nclass TestA:\n"
        f"{_filler('test_plain', '    ')}\n"
        "    class FakeClock:\n        pass\n"
    ),
    "triple-quoted string with code at column 0": (
        "from unittest import mock\n\n"
        f"{_filler('helper').replace('(self)', '()')}"
        '    doc = """\ndef test_x():\n    mock.patch("x")\n"""\n'
        "def test_y():\n    mock.patch('y')\n"
        f"{_filler('after').replace('(self)', '()')}"
    ),
    "brackets with content at column 0": (
        "from unittest import mock\n\n"
        f"{_filler('helper').replace('(self)', '()')}"
        "    table = [\n1,\n2,\n]\n"
        "def test_y():\n    mock.patch('y')\n"
    ),
    "comment at column 0 inside a body": (
        "from unittest import mock\n\n"
        f"{_filler('helper').replace('(self)', '()')}"
        "# a comment at column 0\n"
        "    mock.patch('z')\n"
        f"{_filler('after').replace('(self)', '()')}"
    ),
    "production test-mode check in a method": (
        "import os\n\nclass Service:\n"
        f"{_filler('plain', '    ')}\n"
        "    def run(self):\n"
        "        if os.environ.get('TESTING'):\n"
        "            return None\n"
    ),
    # A module-level class's body is read at its own indentation, once, up to the next line
    # of code at column 0 (python_outline._Lexer._scan).
    "classes read to their end": (
        "from unittest import mock\n\n"
        "@decorated\nclass TestA:\n"
        f"{_filler('test_plain', '    ')}"
        "# a comment at column 0 inside the class\n"
        '    doc = """\nclass Inside:\n    mock.patch("q")\n"""\n'
        "    def test_uses(self):\n        mock.patch('x')\n"
        "mock.patch('module level')\n"
        "class TestB: x = mock.patch('one line')\n"
        "class TestC:\n"
        f"{_filler('test_plain', '    ')}"
        "    def test_last(self):\n        mock.patch('y')"
    ),
    # A backslash continues a line to column 0: the body goes on after it (`patch` is the
    # parameter there, no NM201), so it is lexed line by line, not skipped in one search.
    "backslash continuation to column 0": (
        "from unittest.mock import patch\n\n"
        f"{_filler('helper').replace('(self)', '()')}\n"
        "def test_y(patch):\n    x = \\\npatch('y')\n"
    ),
    "syntax error in a kept function": (
        "from unittest import mock\n\n"
        f"{_filler('helper').replace('(self)', '()')}\n"
        "def test_y():\n    mock.patch('y'\n"
    ),
}


# Parsed whole: the lexer gives up on a line of code at column 0 inside the brackets of a body
# that it skipped in one search (a closing bracket is unmatched there). A syntax error in a kept
# function is stubbed around, then found by the parser, which parses the whole file for it.
PARSED_WHOLE = {"brackets with content at column 0"}


@pytest.mark.parametrize("case", SOURCES)
def test_no_finding_is_lost_or_added(case: str) -> None:
    source = SOURCES[case]
    path = "src/app.py" if "class Service" in source else TEST_PATH
    found = _findings(source, path, use_prefilter=False)
    assert found, "each case has a finding to keep"
    assert _findings(source, path, use_prefilter=True) == found
    if case not in PARSED_WHOLE:
        assert _stubbed(source, path) is not None, "each case has something left out"
    else:
        assert _stubbed(source, path) is None


# The extractor skips simple statements and nested definitions on no trigger line, but keeps
# what they bind: each case shadows an import (no finding) or leaves it alone (a finding).
SHADOWING = {
    "assignment": ("    os = load()\n", "    other = load()\n"),
    "tuple target": ("    a, (os, *b) = load()\n", "    a, (other, *b) = load()\n"),
    "augmented": ("    os += load()\n", "    other += load()\n"),
    "annotated": ("    os: object = load()\n", "    other: object = load()\n"),
    "nested function": ("    def os():\n        pass\n", "    def other():\n        pass\n"),
    "nested class": ("    class os:\n        pass\n", "    class other:\n        pass\n"),
    "walrus": ("    print(os := load())\n", "    print(other := load())\n"),
}


@pytest.mark.parametrize("shadow", SHADOWING.values(), ids=SHADOWING.keys())
def test_a_skipped_statement_still_binds_its_names(shadow: tuple[str, str]) -> None:
    shadowing, other = shadow
    body = "".join(f"    x{i} = compute({i})\n" for i in range(5))
    source = f"import os\n\n\ndef test_x():\n{body}{shadowing}{body}    os.sep = '/'\n"
    assert _findings(source, TEST_PATH, use_prefilter=False) == []
    assert _findings(source, TEST_PATH, use_prefilter=True) == []
    unshadowed = source.replace(shadowing, other)
    line = source.count("\n")
    assert _findings(unshadowed, TEST_PATH, use_prefilter=False) == [("NM203", line, 5)]
    assert _findings(unshadowed, TEST_PATH, use_prefilter=True) == [("NM203", line, 5)]


def test_statements_on_no_trigger_line_are_not_looked_into() -> None:
    """They yield no facts, only bindings; a statement on a trigger line yields all."""
    from nomock_lint.frontends import python_ast

    source = (
        "from unittest import mock\n"
        "def test_x():\n"
        "    a = os.path.join('a', 'b')\n"
        "    mock.patch('app.x')\n"
        "    def helper():\n"
        "        return sys.exit(1)\n"
    )
    data = source.encode()
    offsets = prefilter.trigger_offsets(data, TEST_PATH, CONFIG.rules, True)
    assert offsets is not None
    keep = python_outline.trigger_lines(data, offsets)
    assert keep == [1, 4]
    tree = python_ast.parse(source)
    every = python_ast.extract_tree(tree, source)
    kept = python_ast.extract_tree(tree, source, keep=keep)
    assert {r.path for r in every.references} >= {"os.path.join", "sys.exit"}
    assert [r.path for r in kept.references] == ["unittest.mock.patch"]
    # `helper` is still bound (see test_a_skipped_statement_still_binds_its_names), but a name
    # on no trigger line matches no rule: it is no Definition.
    assert [d.name for d in every.definitions if d.kind == "function"] == ["test_x", "helper"]
    assert [d.name for d in kept.definitions if d.kind == "function"] == ["test_x"]


UNSURE = {
    "tab indentation": "def f():\n\tmock = 1\n",
    "lone carriage return": "def f():\r    mock = 1\n",
    "unterminated string": "def f():\n    x = 'abc\n",
    "nested quote in an f-string field (PEP 701)": 'def f():\n    x = f"{d["k"]}"\n',
    "inconsistent dedent in a class looked into": (
        "class A:\n        def f(self):\n            pass\n    def g(self):\n        pass\n"
    ),
    "unbalanced bracket": "def f():\n    x = (1))\n",
}


@pytest.mark.parametrize("source", UNSURE.values(), ids=UNSURE.keys())
def test_the_lexer_gives_up_rather_than_guess(source: str) -> None:
    # (An offset at the end: a class is looked into only when its body holds one.)
    assert python_outline.stub_bodies(source.encode(), [len(source) - 2]) is None


TAB_INDENTED = {
    "a tab before a comment": "def f():\n    pass\n  \t# c\n",
    "a form feed before the code": "def f():\n\x0c    pass\n",
    "a tab on the first line": "\t\ndef f():\n    pass\n",
    "after a byte order mark": "\ufeff\t\ndef f():\n    pass\n",
}


@pytest.mark.parametrize("source", TAB_INDENTED.values(), ids=TAB_INDENTED.keys())
def test_a_tab_or_form_feed_in_leading_white_space_leaves_the_file_whole(source: str) -> None:
    assert python_outline.stub_bodies(source.encode(), []) is None
    assert python_outline.stub_bodies(source.replace("\t", "").replace("\x0c", "").encode(), [])


def test_a_tab_or_form_feed_elsewhere_is_read_as_any_character() -> None:
    source = (
        "from unittest import mock\n\n"
        "def other():\n    x = 'a\tb'\tif 1 else\x0c2\n    return x\n\n"
        "def test_x():\n    mock.patch('x')\t\n"
    )
    stubbed = _stubbed(source)
    assert stubbed is not None
    assert stubbed.splitlines()[2:5] == ["def other(): pass", "", ""]
    assert _findings(source, TEST_PATH, use_prefilter=True) == _findings(
        source, TEST_PATH, use_prefilter=False
    )


def test_strings_brackets_and_continuations_are_read_as_python_does() -> None:
    source = (
        "x = '''\ndef not_a_function():\n'''\n"
        "y = (\n1)\n"
        "z = 1 + \\\n2\n"
        's = f"{x!r:>{10}}" + rb\'\\\'\' + "#" # comment (\n'
        "def real():\n    pass\n"
    )
    stubbed = python_outline.stub_bodies(source.encode(), [])
    assert stubbed is not None
    assert stubbed.decode().splitlines()[-2:] == ["def real(): pass", ""]
    assert stubbed.decode().splitlines()[:-2] == source.splitlines()[:-2]


def test_a_nested_class_on_a_line_read_the_slow_way_is_no_module_level_class() -> None:
    # The one-regex-per-line lexer does not read a nested format spec; the line is read by the
    # scanner, and its class must not be taken for a module-level one (whose body would end
    # at `return B`, a dedent to no level: the lexer would give up).
    source = (
        "from unittest import mock\n\n"
        "def helper(a, b):\n"
        "    class B(metaclass=f'{a!r:{b}}'):\n"
        "        pass\n"
        "    return B\n\n"
        f"{_filler('other').replace('(self)', '()')}"
        "def test_x():\n    mock.patch('x')\n"
    )
    data = source.encode()
    offsets = prefilter.trigger_offsets(data, TEST_PATH, CONFIG.rules, True)
    assert offsets
    stubbed = python_outline.stub_bodies(data, offsets, compile_patterns=True)
    assert stubbed is not None
    assert b"def other(): pass" in stubbed
    assert _findings(source, TEST_PATH, use_prefilter=True) == _findings(
        source, TEST_PATH, use_prefilter=False
    )


def test_a_definition_named_in_non_ascii_letters_is_kept() -> None:
    source = "class Héllo:\n    pass\n\n\ndef plain():\n    pass\n"
    stubbed = python_outline.stub_bodies(source.encode(), [])
    assert stubbed is not None
    assert stubbed.decode().splitlines() == [
        "class Héllo:",
        "    pass",
        "",
        "",
        "def plain(): pass",
        "",
    ]


def test_a_small_file_is_lexed_only_with_compiled_patterns() -> None:
    # Members indented by 3: no file compiled that pattern, and this one is too small to.
    source = b"class A:\n   def f(self):\n      mock = 1\n   def g(self):\n      pass\n"
    offsets = [source.index(b"mock")]
    assert python_outline.stub_bodies(source, offsets, tails=False) is None
    stubbed = python_outline.stub_bodies(source, offsets, compile_patterns=True, tails=False)
    assert stubbed is not None
    assert stubbed.decode().splitlines()[3] == "   def g(): pass"


LINES = [
    b"x = f(a, [b, {c: (d)}])\n",
    b"s = 'a\\'b' + \"c#d\" + '''e\nf''' # comment (\n",
    b"t = f'{x!r:>{w}}' + rf\"{y}\\d\" + f'{{literal}}'\n",
    b"u = (1,\n     2) \\\n    + 3\n",
    b"deep = f(g(h(i(j))))\n",
    b"deeper = a(b(c(d(e(f(g(h)))))))\n",  # past what the regex nests
    b"v = f'{d[\"k\"]}'\n",
    b"w = [x\n# comment ]\n]\n",
    b'doc = """a\n  "b" \\""" c\n"""\n',
]


@pytest.mark.parametrize("line", LINES)
def test_the_one_regex_per_line_ends_lines_where_the_scanner_does(line: bytes) -> None:
    slow = python_outline.logical_line_end(line, 0)
    fast = python_outline._logical_line_regex().match(line, 0)
    if fast is not None:  # (else the scanner is used: deep brackets, nested f-string quotes)
        assert fast.end() == slow
    assert slow is None or line[:slow].endswith(b"\n")


DATA = "[\n" + "".join(f"    {{'name': 'item {i}', 'size': {i}}},\n" for i in range(8)) + "]\n"


def test_a_long_assignment_to_one_name_becomes_a_stub_that_binds_it() -> None:
    # `p = [...]` rebinds the name that the import bound: `p("x")` is no patch call after it,
    # with the assignment stubbed as without it.
    source = (
        "from unittest.mock import patch as p\n"
        f"p = {DATA}"
        "class A:\n"
        f"    TABLE = {DATA.replace(chr(10), chr(10) + '    ')}\n"
        "    def test_x(self):\n        p('x')\n"
        "def test_y():\n    p('y')\n"
    )
    stubbed = _stubbed(source)
    assert stubbed is not None
    lines = stubbed.splitlines()
    assert len(lines) == len(source.splitlines())
    assert lines[1:12] == ["p = 0", *[""] * 9, "class A:"]
    assert lines[12:22] == ["    TABLE = 0", *[""] * 9]
    assert _findings(source, TEST_PATH, use_prefilter=True) == _findings(
        source, TEST_PATH, use_prefilter=False
    )


KEPT_ASSIGNMENTS = {
    "two targets": f"a = b = {DATA}",
    "a walrus in the value": f"a = [(b := 1), {DATA}]\n",
    "a keyword argument": f"a = dict(k=1, v={DATA})\n",
    "an equals sign in a string": f"a = ['k=v', {DATA}]\n",
    "another statement after it": f"a = {DATA[:-1]}; b = 1\n",
    "an import after it": f"a = {DATA[:-1]}; import b\n",
    "an annotation": f"a: list = {DATA}",
    "two names": f"a, b = {DATA}",
    "a line indented deeper after it": f"a = {DATA}    b = 1\n",
}


@pytest.mark.parametrize("statement", KEPT_ASSIGNMENTS.values(), ids=KEPT_ASSIGNMENTS.keys())
def test_an_assignment_that_may_bind_more_than_one_name_stays(statement: str) -> None:
    source = f"{statement}def other():\n    pass\n"
    stubbed = _stubbed(source)
    assert stubbed is not None
    assert stubbed.splitlines()[: len(statement.splitlines())] == statement.splitlines()


def test_comparisons_in_an_assigned_value_do_not_keep_it() -> None:
    source = f"a = [x == 1, x != 2, x <= 3, x >= 4, {DATA[1:]}def other():\n    pass\n"
    stubbed = _stubbed(source)
    assert stubbed is not None
    assert stubbed.splitlines()[0] == "a = 0"


# What comes after a block's last trigger is left out (a blank line for each of its lines): at
# module level, in a class looked into, in a function kept. Each source calls `after()` after
# its trigger; the flag says whether that call is left out of a text that parses.
TAILS = {
    "module": ("mock.patch('x')\nafter()\n", True),
    "function": ("def test_a():\n    mock.patch('x')\n    y = 1\n    after()\n", True),
    "method": (
        "class TestA:\n    def test_a(self):\n        mock.patch('x')\n        after()\n",
        True,
    ),
    "nested block": (
        "def test_a():\n    if x:\n        mock.patch('x')\n        y = 2\n    after()\n",
        True,
    ),
    "trigger in the docstring": (
        'def test_a():\n    """Uses mock.\n\n    more = 1\n    """\n    y = 1\n    after()\n',
        True,
    ),
    "trigger in a comment before the first statement": (
        "def test_a():\n    # no mock here\n    after()\n",
        False,
    ),
    "an else of the statement": (
        "def test_a():\n    if x:\n        mock.patch('x')\n    else:\n        after()\n",
        False,
    ),
    "the except of a try": (
        "def test_a():\n    try:\n        mock.patch('x')\n    except E:\n        after()\n",
        False,
    ),
    "a closing bracket": (
        "def test_a():\n    f(\n        mock.patch('x'),\n    )\n    after()\n",
        True,
    ),
    "a definition under a decorator across lines": (
        "def test_a():\n    @mock.patch(\n        'x',\n    )\n    def inner():\n        after()\n",
        False,
    ),
    "a string with a line at column 0": (
        "def test_a():\n    x = '''\n    mock\nz'''\n    after()\n",
        True,
    ),
    "a backslash continuation": (
        "def test_a():\n    x = mock.patch('x') + \\\n    after()\n",
        False,
    ),
}


@pytest.mark.parametrize("case", TAILS)
def test_tails(case: str) -> None:
    """The stubbed text keeps every line where it was and parses, or keeps the tails (a guess
    that cuts a statement is retried without them), and no finding is lost or added."""
    source = "from unittest import mock\n\n\n" + TAILS[case][0]
    stubbed = _stubbed(source, tails=True) or source  # (None: nothing to leave out)
    assert len(stubbed.splitlines()) == len(source.splitlines())
    try:
        compile(stubbed, "stubbed", "exec", dont_inherit=True)
        parses = True
    except SyntaxError:
        parses = False
    assert ("after()" not in stubbed and parses) == TAILS[case][1], stubbed
    with_filter = api.check_source(source.encode(), TEST_PATH, "python", True, CONFIG)
    without = api.check_source(
        source.encode(), TEST_PATH, "python", True, CONFIG, use_prefilter=False
    )
    assert with_filter.findings == without.findings
    assert with_filter.outcome == without.outcome
