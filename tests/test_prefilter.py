"""The prefilter's import-dependent step: every way of assigning to an imported name's attribute
passes it, and ordinary code that merely reads one is skipped without a parse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nomock_lint import api, import_targets, prefilter
from nomock_lint.config import Config

CONFIG = Config(root=Path("/project"))
PATH = "src/app.py"  # production code: every Python rule applies

# Each one overwrites an attribute of an imported module (NM203) in a different spelling.
ASSIGNED = {
    "plain": "import os\nos.sep = '/'\n",
    "augmented": "import os\nos.sep += '/'\n",
    "shifted": "import os\nos.flags <<= 1\n",
    "annotated": "import os\nos.sep: str = '/'\n",
    "annotated without value": "import os\nos.sep: str\n",
    "parenthesized": "import os\n(os.sep) = '/'\n",
    "chained": "import os\nx = os.sep = '/'\n",
    "first of a tuple": "import os\nos.sep, x = '/', 1\n",
    "last of a tuple": "import os\nx, os.sep = 1, '/'\n",
    "in a list": "import os\n[x, os.sep] = 1, '/'\n",
    "starred": "import os\nx, *os.seps = 1, 2, 3\n",
    "after a semicolon": "import os\nx = 1; os.sep, y = '/', 2\n",
    "after a colon": "import os\nif True: os.sep = '/'\n",
    "for target": "import os\nfor os.sep in '/':\n    pass\n",
    "for tuple target": "import os\nfor x, os.sep in [(1, '/')]:\n    pass\n",
    "comprehension target": "import os\n[0 for os.sep in '/']\n",
    "with target": "import os\nwith open('f') as os.sep:\n    pass\n",
    "with tuple target": "import os\nwith open('f') as (x, os.sep):\n    pass\n",
    "del": "import os\ndel os.sep\n",
    "del of several": "import os\ndel x, os.sep\n",
    "del across lines": "import os\ndel (\n    x,\n    os.sep,\n)\n",
    "target list across lines": "import os\n(\n    x,\n    os.sep,\n) = 1, '/'\n",
    "last of a target list across lines": "import os\n[\n    x,\n    os.sep  # why\n] = 1, '/'\n",
    "after a tuple statement": "import os\nx = 1,\nos.sep, y = '/', 2\n",
    "spaces around the dot": "import os\nos . sep = '/'\n",
    "tab before the dot": "import os\nos\t.sep = '/'\n",
    "continued line": "import os\nos.\\\n    sep = '/'\n",
    "deep chain": "import os.path\nos.path.sep = '/'\n",
    "aliased": "import os as system\nsystem.sep = '/'\n",
    "from import": "from app import settings\nsettings.DEBUG = True\n",
    "parenthesized from import": (
        "from app import (\n    config,\n    settings,\n)\nsettings.DEBUG = True\n"
    ),
    "continued from import": "from app \\\n    import settings\nsettings.DEBUG = True\n",
    "import after a semicolon": "x = 1; import os\nos.sep = '/'\n",
    "import in a function": "def f():\n    import os\n    os.sep = '/'\n",
    "setattr": "import os\nsetattr(os, 'sep', '/')\n",
    "setattr across lines": "import os\nsetattr(  # why\n    os, 'sep', '/'\n)\n",
    "delattr": "import os\ndelattr(os.path, 'sep')\n",
    "setattr on a parenthesized module": "import os\nsetattr((os), 'sep', '/')\n",
    "del spaced": "import os\ndel os .sep\n",
    "middle of a target list after a comment": (
        "import os\n(\n    x,  # why\n    os.sep,\n    y,\n) = 1, '/', 2\n"
    ),
    "after a comment line ending in a backslash": "import os\n# see \\\nos.sep = '/'\n",
    "del after a name ending in del": "import os\nmodel = 1; del os.sep\n",
    "an imported name self": "from app import self\nself.x = 1\n",
    "an imported name cls": "from app import cls\ncls.x = 1\n",
    "comma-first for targets": "import os\nfor (a, b\n     , os.sep) in [(1, 2, 3)]:\n    pass\n",
    "comma-first with targets": (
        "import os\nwith open('f') as (a, b\n        , os.sep):\n    pass\n"
    ),
    "comma-first list in a for": "import os\nfor [a, b\n     , os.sep] in x:\n    pass\n",
    # An `import (` in a comment is no statement: it must not hide the imports up to the next `)`.
    "after a comment that says import (": (
        "# we import (see below\nimport os\nprint(1)\nos.sep = '/'\n"
    ),
    "spaced dot": "import os\nos .sep = '/'\n",
    "after a comment that ends in a dot": "import os\n# Set it.\nos.sep = '/'\n",
    # A form feed is white space to Python (the first one crashed the prefilter).
    "form feed before a spaced dot": "import os\nos\x0c .sep = '/'\n",
    "form feed before a line break": "import os\n(os\x0c\n .sep) = '/'\n",
    "form feed before the equals sign": "import os\nos.sep\x0c= '/'\n",
    # Target lists whose brackets go on past the line of the dotted name.
    "for targets that go on in brackets": "import os\nfor a, (os\n .sep) in x:\n    pass\n",
    "targets that go on in brackets": "import os\n(a, os\n .sep,\n b) = 1, 2, 3\n",
    "before brackets that go on": "import os\nos.sep, (a\n, b) = 1, 2\n",
    "after brackets closed on its line": "import os\nx = [\n1]; os.sep, (a,\n b) = 1, 2\n",
    "in brackets around brackets closed on its line": "import os\n[[a\n], os.sep\n] = 1, 2\n",
    "targets that go on in brackets, then after a backslash": (
        "import os\nos.sep, (a,\n b), \\\n c = 1, 2, 3\n"
    ),
    "for targets that go on in brackets, then after a backslash": (
        "import os\nfor os.sep, (a,\n b) \\\n in x:\n    pass\n"
    ),
}

# Reads of imported names, assignments to other names, prose: nothing to find, nothing to parse.
SKIPPED = {
    "call with keywords": "import os\nos.makedirs('d', exist_ok=True)\n",
    "continued call arguments": (
        "from django.db import models\n"
        "class A(models.Model):\n"
        "    b = models.ForeignKey(\n"
        "        'B', models.CASCADE, null=True, related_name='+'\n"
        "    )\n"
    ),
    "comparison": "import os\nif os.sep == '/':\n    x = 1\n",
    "attribute of a local": "import os\nclass C:\n    def f(self):\n        self.sep = os.sep\n",
    "prose": '"""Assign the models.\n\nurlpatterns are listed below."""\nimport models\n',
    "comment": "import os\n# os.sep = '/' would be wrong\nx = os.sep\n",
    "argument": "import os\nprint(os.sep, end='')\n",
    "only argument": "import os\nprint(os.sep)\n",
    "spaced dot after a name that is no root": "import b\na.b .c = 1\n",
}


def _findings(source: str, use_prefilter: bool) -> list[tuple[str, int]]:
    result = api.check_source(
        source.encode(), PATH, "python", False, CONFIG, use_prefilter=use_prefilter
    )
    return [(f.rule_id, f.span.line) for f in result.findings]


@pytest.mark.parametrize("source", ASSIGNED.values(), ids=ASSIGNED.keys())
def test_assigning_an_imported_attribute_passes(source: str) -> None:
    found = _findings(source, use_prefilter=False)
    assert any(rule == "NM203" for rule, _ in found), found
    assert prefilter.may_match(source.encode(), PATH, CONFIG.rules, "python", False)
    assert prefilter.trigger_offsets(source.encode(), PATH, CONFIG.rules, False) != []
    assert _findings(source, use_prefilter=True) == found


@pytest.mark.parametrize("source", SKIPPED.values(), ids=SKIPPED.keys())
def test_reading_an_imported_attribute_is_skipped(source: str) -> None:
    assert _findings(source, use_prefilter=False) == []
    assert not prefilter.may_match(source.encode(), PATH, CONFIG.rules, "python", False)
    assert prefilter.trigger_offsets(source.encode(), PATH, CONFIG.rules, False) == []


def test_imported_names_over_approximate_the_bound_names() -> None:
    source = b"import a.b as c, d\nfrom e import (f as g,\n    h)\nx = 1; import i\nreimport j\n"
    names = import_targets.imported_names(source)
    assert names is not None
    assert {b"a", b"c", b"d", b"g", b"h", b"i"} <= names
    assert b"j" not in names


def test_calls_that_end_alike_are_found_in_one_scan() -> None:
    """`setattr` and `delattr` are looked for as `attr` with each name behind it: each call on
    an imported name is found at its own start, as a whole word only (`attr` of a catalog that
    also named it is not found inside `setattr`, nor `setattr` in `obj.setattr`)."""
    source = (
        b"import os, sys\nsetattr(os, 'a', 1)\ndelattr( # why\n  sys, 'b')\n"
        b"mysetattr(os, 1)\nobj.setattr(os)\nattr(os)\nsetattr(x, 'c')\n"
    )
    names = {b"os", b"sys"}
    calls = frozenset({"setattr", "delattr"})
    assert list(import_targets._arg0(source, calls, names)) == [15, 35]
    more = import_targets._arg0(source, calls | {"attr"}, names)
    assert sorted(more) == [15, 35, source.index(b"\nattr(os)") + 1]


def test_a_non_ascii_imported_name_makes_the_file_pass() -> None:
    source = "import módulo\nmódulo.x = 1\n".encode()
    assert import_targets.imported_names(source) is None
    assert prefilter.may_match(source, PATH, CONFIG.rules, "python", False)


def test_words_are_grouped_by_the_case_insensitive_word_they_hold() -> None:
    groups = prefilter._by_gate(
        {"MagicMock", "flexmock", "pyfakefs", "moto", "mosé"}, {"mock", "Fake"}
    )
    assert groups == {"mock": {"MagicMock", "flexmock"}, "fake": {"pyfakefs"}, "": {"moto", "mosé"}}


@pytest.mark.parametrize("is_test", [False, True])
def test_every_python_trigger_word_passes_a_file_whatever_its_gate(is_test: bool) -> None:
    """A name that holds a case-insensitive word is found where that word is, any other by its
    own regex: each in the case the catalog spells it, where it counts, is a trigger."""
    triggers = prefilter._triggers(CONFIG.rules, "python", is_test)
    assert triggers.named and triggers.parts and all(not t.gate for t in triggers.parts)
    shapes = {"": "x = {}", "module": "import {}", "attribute": "x = app.{}"}
    assert all(gate in name.lower() for gate, names in triggers.named.items() for name in names)
    words = [
        (name.decode(), place)
        for names in triggers.named.values()
        for name, places in names.items()
        for place in places
    ]
    for part in triggers.parts:
        # `freez(?<![\w$]freez)(?:egun|er)(?![\w$])`: the prefix and each ending
        spelled = re.fullmatch(r"(\w+)\(\?<!\[\\w\$\]\w+\)(?:\(\?:(.*)\))?\(\?!.*", part.regex)
        if spelled is None:
            continue  # a catalog regex (`environ\b`)
        endings = (spelled.group(2) or "").split("|")
        words += [(spelled.group(1) + ending, part.place) for ending in endings]
    for word, place in words:
        source = (shapes[place].format(word) + "\n").encode()
        offsets = prefilter.trigger_offsets(source, PATH, CONFIG.rules, is_test)
        assert offsets and source.index(word.encode()) in offsets, source


# A catalog module's first name, and a test-mode attribute's name, are triggers only where an
# absolute module's name may start, or after a dot or a quote (True); elsewhere there is
# nothing to parse (False).
PLACED = {
    "relative import": ("from .responses import JSONResponse\nJSONResponse()\n", False),
    "relative import, spaced": ("from . responses import JSONResponse\nJSONResponse()\n", False),
    "another package's submodule": ("from mypkg.responses import render\nrender()\n", False),
    "from-import of a name": ("from http.client import (\n    x,\n    responses,\n)\n", False),
    "attribute": ("class B:\n    def f(self):\n        self.moto = self.responses\n", False),
    "local name": ("responses = []\nresponses.append(1)\n", False),
    "prose": ("# the responses of moto\n", False),
    "prose that says from": ("# adapted from moto, see\nx = 1\n", False),
    "yield from a name": ("def f():\n    yield from moto\n", False),
    "inside a word of a string": ("POLICY = 'restore-testing.backup'\n", False),
    "a function named so": ("def testing():\n    return 1\n", False),
    "import": ("import responses\n", True),
    "after a comma": ("import os, responses\n", True),
    "after a continued comma": ("import os, \\\n    responses\n", True),
    "from": ("from responses import add\n", True),
    "from, continued": ("from \\\n    responses import add\n", True),
    "after a colon": ("if x: import moto\n", True),
    "after a semicolon": ("x = 1; import moto.s3\n", True),
    "dotted name": ("if app . testing:\n    pass\n", True),
    "string key": ("if app.config['TESTING']:\n    pass\n", True),
    "getattr": ("if getattr(sys, '_called_from_test', False):\n    pass\n", True),
}


@pytest.mark.parametrize(("source", "trigger"), PLACED.values(), ids=PLACED.keys())
def test_a_module_or_attribute_word_is_a_trigger_only_in_place(source: str, trigger: bool) -> None:
    offsets = prefilter.trigger_offsets(source.encode(), PATH, CONFIG.rules, False)
    if trigger:
        assert offsets
    else:
        assert offsets == []


# A name that an import holding a trigger binds yields a finding only where it is called,
# decorates, is a `with` item or is assigned an item: only those uses are parsed.
USED = {
    "call": "x = FakeRedis()\n",
    "attribute call": "x = fakeredis.aioredis.FakeRedis()\n",
    "call across lines": "x = (fakeredis  # why\n    .FakeRedis())\n",
    "decorator": "@mock_aws\ndef f():\n    pass\n",
    "parenthesized decorator": "@ (mock_aws)\ndef f():\n    pass\n",
    "with item": "with mock_aws:\n    pass\n",
    "second with item": "with open('f') as f, mock_aws:\n    pass\n",
    "first of two with items": "with mock_aws, open('f'):\n    pass\n",
    "with items across lines": "with (\n    open('f') as f,\n    mock_aws,\n):\n    pass\n",
    "continued with": "with a, \\\n        mock_aws:\n    pass\n",
    "async with": "async def f():\n    async with mock_aws:\n        pass\n",
    "with item after a string line that starts with with": (
        'with open("""\nwith x\n"""), mock_aws:\n    pass\n'
    ),
    "subscript assignment": "modules['x'] = None\n",
    "parenthesized call": "x = (FakeRedis)()\n",
    "parenthesized attribute call": "x = (fakeredis).FakeRedis()\n",
    "parenthesized subscript assignment": "(modules)['x'] = None\n",
}
IMPORTS = (
    "import os\nfrom moto import mock_aws\nfrom fakeredis import FakeRedis\nimport fakeredis\n"
    "from sys import modules\n"
)


@pytest.mark.parametrize("use", USED.values(), ids=USED.keys())
def test_a_use_that_may_be_a_finding_is_kept(use: str) -> None:
    source = IMPORTS + "\n\ndef g():\n" + "".join(f"    {line}\n" for line in use.splitlines())
    offsets = prefilter.trigger_offsets(source.encode(), "tests/test_a.py", CONFIG.rules, True)
    body = source.index("def g():")
    assert offsets and offsets[-1] > body, use
    with_filter = api.check_source(source.encode(), "tests/test_a.py", "python", True, CONFIG)
    without = api.check_source(
        source.encode(), "tests/test_a.py", "python", True, CONFIG, use_prefilter=False
    )
    assert with_filter.findings == without.findings


def test_a_value_read_of_an_imported_name_is_not_parsed() -> None:
    source = (
        b"from moto.core import DEFAULT_ACCOUNT_ID as ACCOUNT_ID\n"
        b"\n\ndef arn(name):\n    return f'arn:aws:iam::{ACCOUNT_ID}:role/{name}'\n"
        b"\n\ndef test_f():\n    with open('f') as f:\n        assert ACCOUNT_ID in f.read()\n"
    )
    offsets = prefilter.trigger_offsets(source, "tests/test_a.py", CONFIG.rules, True)
    assert offsets == [source.index(b"moto")]


# Where a trigger is in the imported name, not in the module, only that name's uses are followed
# (True): `SkipTest` binds `unittest.SkipTest`, which no rule matches; each followed use is a
# finding.
CLAUSES = {
    "from m import a, trigger": (
        "from unittest import SkipTest, mock\n",
        {"SkipTest": False, "mock": True},
    ),
    "aliases": ("from unittest import SkipTest as Skip, mock as m\n", {"Skip": False, "m": True}),
    "bracketed names across lines": (
        "from unittest import (\n    SkipTest,\n    mock,\n)\n",
        {"SkipTest": False, "mock": True},
    ),
    "import a, b.trigger": ("import os, unittest.mock\n", {"os": False, "unittest": True}),
    "trigger in the module: every name": (
        "from unittest.mock import MagicMock, patch\n",
        {"MagicMock": True, "patch": True},
    ),
    "a comment with a comma: every name": (
        "from unittest import (SkipTest,  # a, b\n    mock)\n",
        {"SkipTest": True, "mock": True},
    ),
}


@pytest.mark.parametrize("case", CLAUSES)
def test_only_the_imported_names_that_hold_a_trigger_are_followed(case: str) -> None:
    imports, names = CLAUSES[case]
    calls = {"unittest": "unittest.mock.patch", "mock": "mock.patch", "m": "m.patch"}
    uses = "".join(
        f"def use_{i}():\n    {calls.get(name, name)}('x')\n\n" for i, name in enumerate(names)
    )
    source = (imports + "\n\n" + uses).encode()
    offsets = prefilter.trigger_offsets(source, "tests/test_a.py", CONFIG.rules, True)
    assert offsets is not None
    without = api.check_source(
        source, "tests/test_a.py", "python", True, CONFIG, use_prefilter=False
    )
    found_lines = {f.span.line for f in without.findings}
    for i, (name, followed) in enumerate(names.items()):
        use = source.index(b"    ", source.index(f"def use_{i}():".encode())) + 4
        assert (use in offsets) == followed, name
        assert (source.count(b"\n", 0, use) + 1 in found_lines) == (followed and name != "SkipTest")
    with_filter = api.check_source(source, "tests/test_a.py", "python", True, CONFIG)
    assert with_filter.findings == without.findings


# A catalog name that a module-level import binds to a path outside the catalog (botocore's
# tests: `from tests import mock`) is no trigger after that import (True: the use in
# `test_use` holds no offset); anything that may let it mean the catalog's keeps it (False).
# Either way a full parse, without the prefilter, finds the same.
SHADOWED = {
    "from the project's tests": ("from tests import mock\n", "mock.patch('x')", True),
    "among other names": ("from tests import (\n    a,\n    mock,\n)\n", "mock.Mock()", True),
    "aliased": ("from tests import m as mock\n", "mock.patch('x')", True),
    "import as": ("import tests.helpers as mock\n", "mock.patch('x')", True),
    "relative": ("from . import mock\n", "mock.patch('x')", True),
    "an attribute of it": ("from tests import mock\n", "x = mock.MagicMock()", True),
    "the catalog's module": ("from unittest import mock\n", "mock.patch('x')", False),
    "under the catalog's module": ("from mock import mock\n", "mock.patch('x')", False),
    "the module itself": ("import mock\n", "mock.patch('x')", False),
    "imported again in a function": (
        "from tests import mock\n\n\ndef f():\n    import mock\n",
        "mock.patch('x')",
        False,
    ),
    "imported under a condition": (
        "try:\n    from tests import mock\nexcept ImportError:\n    pass\n",
        "mock.patch('x')",
        False,
    ),
    "in a string": ('"""\nfrom tests import mock\n"""\n', "mock.patch('x')", False),
    "used before": ("", "mock.patch('x')\nfrom tests import mock", False),
    "an attribute spaced from its root": (
        "import unittest\nfrom tests import mock\n",
        "unittest .mock.patch('x')",
        False,
    ),
    "after a dot and a comment": (
        "import unittest\nfrom tests import mock\n",
        "(unittest.  # why\n        mock.patch('x'))",
        False,
    ),
    "a fixture's name": ("from tests import mocker\n", "mocker.patch('x')", False),
}


@pytest.mark.parametrize("case", SHADOWED)
def test_a_catalog_name_bound_outside_the_catalog_is_no_trigger(case: str) -> None:
    imports, use, shadowed = SHADOWED[case]
    source = f"{imports}\n\ndef test_use():\n    {use}\n".encode()
    offsets = prefilter.trigger_offsets(source, "tests/test_a.py", CONFIG.rules, True)
    body = source.index(b"def test_use")
    assert offsets is not None
    assert (not any(o > body for o in offsets)) == shadowed, offsets
    with_filter = api.check_source(source, "tests/test_a.py", "python", True, CONFIG)
    without = api.check_source(
        source, "tests/test_a.py", "python", True, CONFIG, use_prefilter=False
    )
    assert with_filter.findings == without.findings
