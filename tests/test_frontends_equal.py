"""The libcst front-end yields exactly the facts of the `ast` front-end.

It lowers libcst's tree to `ast` and reuses the one extractor, so the facts agree when the lowered
tree is the tree CPython builds: both are compared on every Python fixture and on small sources
that exercise the position rules (parentheses, generators, non-ASCII columns, tabs).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from nomock_lint import api
from nomock_lint.config import Config
from nomock_lint.facts import ParseError
from nomock_lint.frontends import python_ast, python_cst
from nomock_lint.frontends.source import decode_python

from .conftest import FIXTURES

PYTHON_FIXTURES = sorted(FIXTURES.rglob("*.py"))
NEW_SYNTAX = FIXTURES / "python" / "tests" / "test_new_syntax.py"

SNIPPETS = {
    "parentheses": "t = ((1, 2))\nu = (a).b((c), *d, **e)\nv = 1, 2,\nif (x) == (y, z): pass\n",
    "generators": "f(x for x in y)\ng((x for x in y), 1)\nh = (x async for x in y)\n",
    "booleans": "if a and b and c or (d and e) and not f: pass\nx = a if b else c\n",
    "strings": 'a = "x" "y"\nb = f"{c!r:>{w}} {d=}" "e"\nc = b"\\x00" rb"\\d"\nd = u"u"\n',
    "non-ascii columns": (
        'x = "héllo"; y = MagicMock()\n# é\nz = "日本"; os.environ["TEST"] == "ü"\n'
    ),
    "tabs": "if x:\n\ty = MagicMock()\n\tif os.getenv('CI'):\n\t\tpass\n",
    "identifiers": "\uff57\uff49\uff44\uff54\uff48 = 1\n\u00b5 = \uff57\uff49\uff44\uff54\uff48\n",
    "match": (
        "match os.environ.get('ENV'):\n"
        "    case 'test' | 'ci': pass\n"
        "    case [1, *rest] if rest: pass\n"
        "    case {'k': v, **kw}: pass\n"
        "    case Point(x=0, y=yy) as p: pass\n"
        "    case None | -1 | 1.5 | a.b: pass\n"
        "    case _: pass\n"
    ),
    "statements": (
        "import a.b as c, d\nfrom ..e import (f as g, h)\nfrom . import *\n"
        "@dec\n@dec2(1)\nasync def f(a, /, b: int = 1, *c, d, e=2, **g) -> None:\n"
        "    global q\n    async with x as (y, z), w: pass\n    async for i in j: pass\n"
        "    try: pass\n    except* (A, B) as e: pass\n"
        "    del a, b[1], c.d\n    x: int = 1\n    x += 1\n    lambda k, *l: k\n"
        "    while (n := next(it)): yield n\n    raise X from Y\n"
        "class C(B, metaclass=M, **kw):\n    a[1:2, ::3] = a[*b]\n    assert x, 'm'\n"
        "try:\n    pass\nexcept E:\n    pass\nelse:\n    pass\nfinally:\n    pass\n"
        "for i in range(3):\n    break\nelse:\n    continue\n"
    ),
}


def _dump(tree: ast.AST) -> str:
    """The tree with what no rule reads left out: expression contexts, and the positions of an
    f-string's pieces (which differ between CPython versions; their expressions' are kept)."""
    for node in ast.walk(tree):
        if hasattr(node, "ctx"):
            node.ctx = ast.Load()
        if isinstance(node, ast.JoinedStr):
            for piece in node.values:
                for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
                    setattr(piece, attr, None)
                spec = getattr(piece, "format_spec", None)
                if spec is not None:
                    spec.end_col_offset = spec.end_lineno = None
    return ast.dump(tree, include_attributes=True)


def _assert_same(text: str) -> None:
    expected = python_ast.extract_tree(python_ast.parse(text), text)
    assert python_cst.extract(text) == expected
    assert _dump(python_cst.parse(text)) == _dump(ast.parse(text))


def _ast_parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


@pytest.mark.parametrize("path", PYTHON_FIXTURES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_facts_are_equal(path: Path) -> None:
    text = decode_python(path.read_bytes())
    if _ast_parses(text):
        _assert_same(text)
    else:  # syntax newer than this interpreter: only libcst reads it
        assert python_cst.extract(text).references


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_facts_are_equal(name: str) -> None:
    _assert_same(SNIPPETS[name])


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this interpreter reads PEP 695 itself")
def test_new_syntax_reaches_the_rules_through_libcst() -> None:
    text = NEW_SYNTAX.read_text(encoding="utf-8")
    with pytest.raises(SyntaxError):
        ast.parse(text)
    rel = NEW_SYNTAX.relative_to(FIXTURES).as_posix()
    result = api.check_source(text.encode(), rel, "python", True, Config(root=FIXTURES))
    found = {(f.span.line, f.rule_id) for f in result.findings}
    assert (14, "NM201") in found  # MagicMock() inside `def first[T]`
    assert (22, "NM201") in found  # MagicMock() inside a PEP 701 f-string


def test_type_alias_binds_a_name() -> None:
    facts = python_cst.extract("from unittest.mock import MagicMock\ntype MagicMock = int\n")
    assert [d.name for d in facts.definitions] == ["MagicMock"]


@pytest.mark.parametrize(
    "source",
    [
        "type X = " + "[" * 5000 + "]" * 5000 + "\n",
        "type X = " + "-" * 5000 + "1\n",
    ],
    ids=["brackets", "unary"],
)
def test_deep_nesting_is_a_parse_error_not_a_crash(source: str) -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        python_cst.extract(source)


def test_syntax_error_names_the_position() -> None:
    with pytest.raises(ParseError, match=r"syntax error at 2:"):
        python_cst.extract("x = 1\ndef (:\n")
