"""Language-neutral facts that front-ends extract and rules match.

Every front-end (Python via `ast`, Python via libcst, JS/TS via the lexer) turns one file into a
`Facts` value. Rules never look at syntax trees; they match these facts against catalog data, so
one rule serves every language.

Positions are 1-based lines and 1-based columns counted in Unicode code points; the end column is
exclusive (one past the last character), as SARIF and editors expect.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from nomock_lint.records import Record

# The fact types are NamedTuples, not frozen dataclasses: equal, hashed, ordered and immutable
# the same way, but a dataclass is generated with `exec` at import (~1.3 ms each, a tenth of a
# one-file run for the package's types) and builds each instance through `object.__setattr__`.


class Span(NamedTuple):
    line: int
    col: int
    end_line: int
    end_col: int


class Binding(enum.StrEnum):
    """What the first name of a dotted reference is bound to in its scope."""

    IMPORT = "import"  # resolved through the import table to a qualified name
    GLOBAL = "global"  # not bound in the file: a builtin or a runtime global (`vi`, `Date`)
    PARAM = "param"  # a function parameter (pytest fixtures are requested this way)
    LOCAL = "local"  # bound locally: never matched against the catalog


class RefKind(enum.StrEnum):
    CALL = "call"  # f(...)
    DECORATOR = "decorator"  # @f or @f(...)
    WITH = "with"  # with f(...):
    ASSIGN = "assign"  # a.b = ...   (target of an assignment)
    SUBSCRIPT_ASSIGN = "subscript-assign"  # a.b[...] = ...
    DELETE = "delete"  # del a.b


class Import(NamedTuple):
    """One imported binding: `from module import name as alias` or `import module as alias`.

    `name` is None for whole-module imports (`import x.y`, `import * as x from 'x'`,
    `require('x')`, `import('x')`, `export * from 'x'`).
    """

    module: str
    name: str | None
    alias: str | None
    span: Span

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module


class Reference(NamedTuple):
    """A use of a dotted name at a call, decorator, `with`, assignment or delete site.

    `path` is qualified through the import table when `binding` is IMPORT (`m.patch` after
    `from unittest import mock as m` becomes `unittest.mock.patch`), otherwise as spelled.
    `arg0` is the first positional argument of a call when it is a dotted name (qualified the
    same way), and `arg0_binding` says what its first name is bound to.
    """

    path: str
    kind: RefKind
    binding: Binding
    span: Span
    spelled: str = ""
    arg0: str | None = None
    arg0_binding: Binding | None = None


class Parameter(NamedTuple):
    """A function parameter (pytest requests fixtures by parameter name)."""

    name: str
    function: str
    span: Span


class DefKind(enum.StrEnum):
    CLASS = "class"
    FUNCTION = "function"
    VARIABLE = "variable"


class Definition(NamedTuple):
    """A class, function or variable binding, with a class's base / `implements` types."""

    kind: DefKind
    name: str
    span: Span
    module_level: bool = True
    bases: tuple[str, ...] = ()


class TestModeCheck(NamedTuple):
    """A value read inside a condition (or a flag assignment) that may reveal a test run.

    `subject` is normalised across languages:
      - `$NAME` for an environment variable (`os.environ["X"]`, `os.getenv("X")`,
        `process.env.X`, `import.meta.env.X`),
      - a dotted path otherwise (`sys._called_from_test`, `app.config.TESTING`,
        `import.meta.vitest`, `sys.modules`).
    `value` is the string literal it is compared with (`==`, `!=`, `===`, `in`, `case`), if any,
    and `operator` how, as written, read from the subject to the value: `!==`, `!=`, `==` (a
    Python `case`), `===` (a JS `case`), `contains` (`"test" in os.environ["ENV"]`).
    """

    subject: str
    value: str | None
    span: Span
    operator: str = "=="


class Comment(NamedTuple):
    """A comment that mentions `nomock` (front-ends need not report any other)."""

    text: str  # without the comment marker (`#`, `//`, `/*`)
    line: int
    col: int
    own_line: bool = False  # nothing but white space before it on its line


class Wanted(NamedTuple):
    """Which facts the active rules read: a front-end may leave out the others, which only
    saves time (the default, everything, is what the tests compare front-ends on)."""

    method_calls: bool = True
    variables: bool = True  # DefKind.VARIABLE definitions
    parameters: frozenset[str] | None = None  # Parameter facts for these names only
    param_roots: frozenset[str] | None = None  # references through these parameters only


EVERYTHING = Wanted()


class Facts(Record):
    __slots__ = (
        "comments",
        "definitions",
        "imports",
        "method_calls",
        "parameters",
        "references",
        "test_mode_checks",
    )

    def __init__(
        self,
        imports: list[Import] | None = None,
        references: list[Reference] | None = None,
        parameters: list[Parameter] | None = None,
        definitions: list[Definition] | None = None,
        test_mode_checks: list[TestModeCheck] | None = None,
        comments: list[Comment] | None = None,
        method_calls: list[tuple[str, Span]] | None = None,
    ) -> None:
        self.imports = [] if imports is None else imports
        self.references = [] if references is None else references
        self.parameters = [] if parameters is None else parameters
        self.definitions = [] if definitions is None else definitions
        self.test_mode_checks = [] if test_mode_checks is None else test_mode_checks
        self.comments = [] if comments is None else comments
        # Method calls on any receiver, by method name only (`.mockReturnValue(...)`).
        self.method_calls = [] if method_calls is None else method_calls

    def sort(self) -> None:
        """Order every list by position so that two front-ends' facts compare equal."""
        # A Span is a tuple of ints: keys compare in C.
        self.imports.sort(key=lambda f: (f.span, f.module, f.name or ""))
        self.references.sort(key=lambda f: (f.span, f.kind, f.path))
        self.parameters.sort(key=lambda f: (f.span, f.name))
        self.definitions.sort(key=lambda f: (f.span, f.kind, f.name))
        self.test_mode_checks.sort(key=lambda f: (f.span, f.subject))
        self.comments.sort(key=lambda f: (f.line, f.col))
        self.method_calls.sort(key=lambda f: (f[1], f[0]))


class ParseError(Exception):
    """A file that a front-end cannot turn into facts (becomes NM903)."""

    def __init__(self, reason: str, line: int = 1, col: int = 1, *, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.col = col
        # Another parser may still read the file (syntax newer than this interpreter's).
        self.retry = retry
