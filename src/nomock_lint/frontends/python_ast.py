"""Python front-end, fast path: the standard library's `ast` plus an import table of our own.

One parse and one pass. Names are resolved through a scope stack in source order: an import binds
a name to a qualified path; a parameter, assignment, `def`, `class`, `for`, `with ... as`,
`except ... as` or walrus binds it locally, which shadows the import from there on. Class scopes
do not leak into the functions defined in them, as in Python.

`extract_tree` is shared with the libcst front-end, which lowers its tree to `ast` first.
"""

from __future__ import annotations

import ast
import bisect
import re
import tokenize
import warnings
from collections.abc import Sequence
from io import StringIO

from nomock_lint.facts import (
    EVERYTHING,
    Binding,
    Comment,
    Definition,
    DefKind,
    Facts,
    Import,
    Parameter,
    ParseError,
    Reference,
    RefKind,
    Span,
    TestModeCheck,
    Wanted,
)
from nomock_lint.frontends.source import Lines, decode_python

_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault", "os.environ.pop"})
_ENV_MAPPINGS = frozenset({"os.environ"})
_STR_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title"})
_SUPPRESSION_HINT = re.compile(r"#[^\n]*nomock\s*:")
_DEF_NAME = re.compile(r"(?:async\s+)?(def|class)\s+(\w+)")

_Resolved = tuple[Binding, str]


def parse(text: str) -> ast.Module:
    """`ast.parse` with every failure turned into a ParseError (NM903)."""
    try:
        with warnings.catch_warnings():
            # `"\d"` in the checked code: a DeprecationWarning (SyntaxWarning since 3.12) that
            # would reach the user's terminal as noise from the linter (found by fuzzing).
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except SyntaxError as exc:
        line, col = exc.lineno or 1, (exc.offset or 1)
        raise ParseError(f"syntax error at {line}:{col}: {exc.msg}", line, col, retry=True) from exc
    except MemoryError as exc:  # the parser's own stack overflowed (its message is empty)
        raise ParseError("cannot parse: nested too deeply for the parser") from exc
    except ValueError as exc:  # null bytes
        raise ParseError(f"cannot parse: {exc}") from exc
    except RecursionError as exc:
        raise ParseError("cannot parse: nested too deeply (recursion limit)") from exc


def extract(data: bytes) -> Facts:
    text = decode_python(data)
    return extract_tree(parse(text), text)


def extract_tree(
    tree: ast.Module,
    text: str | Lines,
    wanted: Wanted = EVERYTHING,
    keep: Sequence[int] | None = None,
) -> Facts:
    """The facts of a parsed file (`text`: its source, or the source's Lines). With `keep`
    (sorted line numbers: where a rule may match, see python_outline.trigger_lines), a simple
    statement or a function or class whose lines hold none of them (python_outline's stubs
    among them) only binds its names."""
    lines = text if isinstance(text, Lines) else Lines(text)
    text = lines.text
    extractor = _Extractor(lines, wanted, keep)
    try:
        extractor.statements(tree.body)
    except RecursionError as exc:
        raise ParseError("cannot check: nested too deeply (recursion limit)") from exc
    facts = extractor.facts
    if _SUPPRESSION_HINT.search(text):
        facts.comments.extend(_comments(text))
    return facts


def _comments(text: str) -> list[Comment]:
    """Comments that mention `nomock:`, found with the tokenizer so strings never count."""
    found = []
    try:
        for tok in tokenize.generate_tokens(StringIO(text).readline):
            if tok.type == tokenize.COMMENT and "nomock" in tok.string:
                own_line = not tok.line[: tok.start[1]].strip()
                found.append(Comment(tok.string[1:], tok.start[0], tok.start[1] + 1, own_line))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return found


def _chain(node: ast.expr) -> tuple[str, list[str]] | None:
    """`a.b.c` as ("a", ["b", "c"]); None for anything that is not a dotted name."""
    attrs: list[str] = []
    while type(node) is ast.Attribute:
        attrs.append(node.attr)
        node = node.value
    if type(node) is ast.Name:
        attrs.reverse()
        return node.id, attrs
    return None


def t_is_bool_call(node: ast.expr) -> bool:
    return (
        type(node) is ast.Call
        and type(node.func) is ast.Name
        and node.func.id == "bool"
        and len(node.args) == 1
    )


def _str_const(node: ast.expr | None) -> str | None:
    if type(node) is ast.Constant and isinstance(node.value, str):
        return node.value
    return None


# Statements that bind names only through their targets (and walrus, see trigger_lines).
_SIMPLE = frozenset(
    {
        ast.Expr,
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.Return,
        ast.Raise,
        ast.Assert,
        ast.Delete,
        ast.Pass,
        ast.Break,
        ast.Continue,
    }
)
_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


_OPERATORS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
# The same comparisons read from the right-hand side: `"test" == env` is `env == "test"`.
_MIRRORED = {
    **_OPERATORS,
    ast.Lt: ">",
    ast.LtE: ">=",
    ast.Gt: "<",
    ast.GtE: "<=",
    ast.In: "contains",
    ast.NotIn: "does not contain",
}


def _first_line(node: ast.stmt) -> int:
    """Where a statement starts: a decorated function's or class's first decorator."""
    decorators = getattr(node, "decorator_list", None)
    return decorators[0].lineno if decorators else node.lineno


class _Extractor:
    def __init__(self, lines: Lines, wanted: Wanted, keep: Sequence[int] | None = None) -> None:
        self.lines = lines
        self.keep = keep
        # The last line to keep in the scope being read (module, class or function): past it,
        # a statement yields no fact and binds nothing that kept code reads (bindings are read
        # in order), so the rest of the scope's statements are left (see `statements`).
        self.last_kept = (keep[-1] if keep else 0) if keep is not None else 1 << 62
        self.facts = Facts()
        self.want_methods = wanted.method_calls
        self.want_variables = wanted.variables
        self.want_parameters = wanted.parameters
        self.param_roots = wanted.param_roots
        self.scopes: list[dict[str, _Resolved]] = [{}]
        self.class_scope: list[bool] = [False]

    # -- scopes ---------------------------------------------------------------------------

    def lookup(self, name: str) -> _Resolved:
        innermost = len(self.scopes) - 1
        for i in range(innermost, -1, -1):
            if self.class_scope[i] and i != innermost:
                continue
            hit = self.scopes[i].get(name)
            if hit is not None:
                return hit
        return Binding.GLOBAL, name

    def bind(self, name: str, binding: Binding = Binding.LOCAL, target: str = "") -> None:
        self.scopes[-1][name] = (binding, target or name)

    def push(self, is_class: bool = False) -> None:
        self.scopes.append({})
        self.class_scope.append(is_class)

    def pop(self) -> None:
        self.scopes.pop()
        self.class_scope.pop()

    def resolve(self, node: ast.expr) -> tuple[Binding, str, str] | None:
        """(binding, qualified path, spelled path) of a dotted name."""
        chain = _chain(node)
        if chain is None:
            return None
        root, attrs = chain
        binding, target = self.lookup(root)
        if attrs:
            rest = ".".join(attrs)
            return binding, f"{target}.{rest}", f"{root}.{rest}"
        return binding, target, root

    def span(self, node: ast.expr | ast.stmt | ast.arg | ast.alias) -> Span:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return self.lines.span(node.lineno, node.col_offset, end_line, end_col)

    def name_span(self, node: ast.stmt, keyword: str, name: str) -> Span:
        """Span of the name after `def` / `class` (ast gives only the statement's start)."""
        line = self.lines.line(node.lineno)
        start = self.lines.char_col(node.lineno, node.col_offset)
        # One shared pattern: a pattern per name thrashed `re`'s cache (a third of a cold run).
        found = _DEF_NAME.match(line, start)
        col = found.start(2) if found and found.group(1, 2) == (keyword, name) else start
        return Span(node.lineno, col + 1, node.lineno, col + 1 + len(name))

    # -- facts ----------------------------------------------------------------------------

    def reference(self, node: ast.expr, kind: RefKind, call: ast.Call | None = None) -> bool:
        resolved = self.resolve(node)
        if resolved is None:
            return False
        binding, path, spelled = resolved
        if binding is Binding.LOCAL:
            return True
        if (
            binding is Binding.PARAM
            and self.param_roots is not None
            and spelled.partition(".")[0] not in self.param_roots
        ):
            return True
        arg0 = arg0_binding = None
        if call is not None and call.args:
            first = self.resolve(call.args[0])
            if first is not None:
                arg0_binding, arg0, _ = first
        self.facts.references.append(
            Reference(path, kind, binding, self.span(node), spelled, arg0, arg0_binding)
        )
        return True

    def callee(self, node: ast.expr, kind: RefKind) -> None:
        """A decorator or `with` item: `@f`, `@f(...)`, `with f(...)`."""
        if type(node) is ast.Call:
            if not self.reference(node.func, kind, node):
                self.expr(node.func)
            self.call_arguments(node)
        elif not self.reference(node, kind):
            self.expr(node)

    def call_arguments(self, node: ast.Call) -> None:
        for arg in node.args:
            self.expr(arg)
        for kw in node.keywords:
            self.expr(kw.value)

    # -- statements -----------------------------------------------------------------------

    def statements(self, body: list[ast.stmt]) -> None:
        last = self.last_kept
        for stmt in body:
            if stmt.lineno > last and _first_line(stmt) > last:
                return
            self.statement(stmt)

    def enter(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
        """Start reading a function's or class's body: its last line to keep (see
        `last_kept`); returns the enclosing scope's, to restore after."""
        outer = self.last_kept
        if self.keep is not None:
            end = node.end_lineno or node.lineno
            i = bisect.bisect_right(self.keep, end)
            self.last_kept = self.keep[i - 1] if i else 0
        return outer

    def skipped(self, node: ast.stmt, t: type[ast.stmt]) -> bool:
        """Whether `node` (of type `t`) holds no line to keep: then only what it binds is
        recorded. (Type checks by `t`, as in `statement`: with isinstance chains, parse and
        extraction of 300 moto files took 2.5% more instructions.)"""
        keep = self.keep
        assert keep is not None
        first = node.lineno
        if t in _DEFINITIONS:
            for decorator in node.decorator_list:  # type: ignore[attr-defined]
                first = min(first, decorator.lineno)
        i = bisect.bisect_left(keep, first)
        if i < len(keep) and keep[i] <= (node.end_lineno or first):
            return False
        if t is ast.Assign:
            for target in node.targets:  # type: ignore[attr-defined]
                self.bind_targets(target)
        elif t is ast.AnnAssign or t is ast.AugAssign:
            self.bind_targets(node.target)  # type: ignore[attr-defined]
        elif t in _DEFINITIONS:
            # A name on no trigger line holds no class word or binding prefix: no Definition
            # (the engine reads them for names only), as for the stubs of python_outline.
            self.bind(node.name)  # type: ignore[attr-defined]
        return True

    def bind_targets(self, node: ast.expr) -> None:
        t = type(node)
        if t is ast.Name:
            self.bind(node.id)  # type: ignore[attr-defined]
        elif t is ast.Tuple or t is ast.List:
            for elt in node.elts:  # type: ignore[attr-defined]
                self.bind_targets(elt)
        elif t is ast.Starred:
            self.bind_targets(node.value)  # type: ignore[attr-defined]

    def statement(self, node: ast.stmt) -> None:
        t = type(node)
        if self.keep is not None and (t in _SIMPLE or t in _DEFINITIONS) and self.skipped(node, t):
            return
        if t is ast.Expr:
            self.expr(node.value)  # type: ignore[attr-defined]
        elif t is ast.Assign:
            assert isinstance(node, ast.Assign)
            self.expr(node.value)
            self.flag_value(node.value)
            for target in node.targets:
                self.target(target, RefKind.ASSIGN)
        elif t is ast.AnnAssign or t is ast.AugAssign:
            assert isinstance(node, ast.AnnAssign | ast.AugAssign)
            if node.value is not None:
                self.expr(node.value)
                self.flag_value(node.value)
            if t is ast.AnnAssign:
                self.expr(node.annotation)  # type: ignore[union-attr]
            self.target(node.target, RefKind.ASSIGN)
        elif t is ast.FunctionDef or t is ast.AsyncFunctionDef:
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            self.function(node)
        elif t is ast.ClassDef:
            assert isinstance(node, ast.ClassDef)
            self.klass(node)
        elif t is ast.Import:
            assert isinstance(node, ast.Import)
            for alias in node.names:
                self.facts.imports.append(Import(alias.name, None, alias.asname, self.span(alias)))
                if alias.asname:
                    self.bind(alias.asname, Binding.IMPORT, alias.name)
                else:
                    root = alias.name.split(".", 1)[0]
                    self.bind(root, Binding.IMPORT, root)
        elif t is ast.ImportFrom:
            assert isinstance(node, ast.ImportFrom)
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                self.facts.imports.append(
                    Import(module, alias.name, alias.asname, self.span(alias))
                )
                if alias.name != "*":
                    qualified = (
                        f"{module}.{alias.name}"
                        if module != "." * node.level
                        else module + alias.name
                    )
                    self.bind(alias.asname or alias.name, Binding.IMPORT, qualified)
        elif t is ast.If or t is ast.While:
            assert isinstance(node, ast.If | ast.While)
            self.condition(node.test)
            self.statements(node.body)
            self.statements(node.orelse)
        elif t is ast.For or t is ast.AsyncFor:
            assert isinstance(node, ast.For | ast.AsyncFor)
            self.expr(node.iter)
            self.target(node.target, RefKind.ASSIGN)
            self.statements(node.body)
            self.statements(node.orelse)
        elif t is ast.With or t is ast.AsyncWith:
            assert isinstance(node, ast.With | ast.AsyncWith)
            for item in node.items:
                self.callee(item.context_expr, RefKind.WITH)
                if item.optional_vars is not None:
                    self.target(item.optional_vars, RefKind.ASSIGN)
            self.statements(node.body)
        elif t is ast.Try or t is ast.TryStar:
            assert isinstance(node, ast.Try | ast.TryStar)
            self.statements(node.body)
            for handler in node.handlers:
                if handler.type is not None:
                    self.expr(handler.type)
                if handler.name:
                    self.bind(handler.name)
                self.statements(handler.body)
            self.statements(node.orelse)
            self.statements(node.finalbody)
        elif t is ast.Delete:
            assert isinstance(node, ast.Delete)
            for target in node.targets:
                self.target(target, RefKind.DELETE)
        elif t is ast.Match:
            assert isinstance(node, ast.Match)
            self.match(node)
        else:
            # Return, Raise, Assert, Global, Nonlocal, Pass, ...: expressions only.
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.callee(decorator, RefKind.DECORATOR)
        args = node.args
        for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
            self.expr(default)
        self.define(node, DefKind.FUNCTION)
        outer = self.enter(node)
        self.push()
        for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is None:
                continue
            self.bind(arg.arg, Binding.PARAM, arg.arg)
            if self.want_parameters is None or arg.arg in self.want_parameters:
                self.facts.parameters.append(Parameter(arg.arg, node.name, self.span(arg)))
        self.statements(node.body)
        self.pop()
        self.last_kept = outer

    def klass(self, node: ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self.callee(decorator, RefKind.DECORATOR)
        bases = []
        for base in node.bases:
            resolved = self.resolve(base)
            bases.append(resolved[1] if resolved else ast.unparse(base))
            self.expr(base)
        for kw in node.keywords:
            self.expr(kw.value)
        self.define(node, DefKind.CLASS, tuple(bases))
        outer = self.enter(node)
        self.push(is_class=True)
        self.statements(node.body)
        self.pop()
        self.last_kept = outer

    def define(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
        kind: DefKind,
        bases: tuple[str, ...] = (),
    ) -> None:
        self.bind(node.name)
        keyword = "class" if kind is DefKind.CLASS else "def"
        self.facts.definitions.append(
            Definition(
                kind,
                node.name,
                self.name_span(node, keyword, node.name),
                module_level=len(self.scopes) == 1,
                bases=bases,
            )
        )

    def target(self, node: ast.expr, kind: RefKind) -> None:
        t = type(node)
        if t is ast.Name:
            assert isinstance(node, ast.Name)
            if kind is RefKind.ASSIGN:
                self.bind(node.id)
                if not self.want_variables:
                    return
                self.facts.definitions.append(
                    Definition(
                        DefKind.VARIABLE,
                        node.id,
                        self.span(node),
                        module_level=len(self.scopes) == 1,
                    )
                )
        elif t is ast.Attribute:
            if not self.reference(node, kind):
                self.expr(node.value)  # type: ignore[attr-defined]
        elif t is ast.Subscript:
            assert isinstance(node, ast.Subscript)
            # `x[k] = v` replaces an item of x; `del x[k]` removes one and replaces nothing.
            if kind is not RefKind.ASSIGN or not self.reference(
                node.value, RefKind.SUBSCRIPT_ASSIGN
            ):
                self.expr(node.value)
            self.expr(node.slice)
        elif t is ast.Tuple or t is ast.List:
            for elt in node.elts:  # type: ignore[attr-defined]
                self.target(elt, kind)
        elif t is ast.Starred:
            self.target(node.value, kind)  # type: ignore[attr-defined]
        else:
            self.expr(node)

    def match(self, node: ast.Match) -> None:
        self.expr(node.subject)
        subject = self.env_subject(node.subject) or self.spelled(node.subject)
        for case in node.cases:
            if subject is not None:
                for pattern in ast.walk(case.pattern):
                    if type(pattern) is ast.MatchValue:
                        value = _str_const(pattern.value)
                        if value is not None:
                            self.test_mode(subject, value, pattern)
            for pattern in ast.walk(case.pattern):
                name = getattr(pattern, "name", None)
                if isinstance(name, str):
                    self.bind(name)
            if case.guard is not None:
                self.condition(case.guard)
            self.statements(case.body)

    # -- expressions ----------------------------------------------------------------------

    def expr(self, node: ast.expr) -> None:
        t = type(node)
        if t is ast.Call:
            assert isinstance(node, ast.Call)
            func = node.func
            if not self.reference(func, RefKind.CALL, node):
                self.expr(func)
            if type(func) is ast.Attribute and self.want_methods:
                self.facts.method_calls.append((func.attr, self.span(func)))
            self.call_arguments(node)
        elif t is ast.Name or t is ast.Constant:
            return
        elif t is ast.Compare or t is ast.BoolOp or (t is ast.UnaryOp and type(node.op) is ast.Not):  # type: ignore[attr-defined]
            self.condition(node)
        elif t is ast.IfExp:
            assert isinstance(node, ast.IfExp)
            self.condition(node.test)
            self.expr(node.body)
            self.expr(node.orelse)
        elif t is ast.Lambda:
            assert isinstance(node, ast.Lambda)
            self.push()
            for arg in ast.walk(node.args):
                if type(arg) is ast.arg:
                    self.bind(arg.arg)
            self.expr(node.body)
            self.pop()
        elif t is ast.ListComp or t is ast.SetComp or t is ast.GeneratorExp or t is ast.DictComp:
            self.comprehension(node)
        elif t is ast.NamedExpr:
            assert isinstance(node, ast.NamedExpr)
            self.expr(node.value)
            self.bind(node.target.id)
        elif t is ast.Attribute or t is ast.Starred or t is ast.Await:
            self.expr(node.value)  # type: ignore[attr-defined]
        elif t is ast.BinOp:
            self.expr(node.left)  # type: ignore[attr-defined]
            self.expr(node.right)  # type: ignore[attr-defined]
        elif t is ast.Subscript:
            self.expr(node.value)  # type: ignore[attr-defined]
            self.expr(node.slice)  # type: ignore[attr-defined]
        elif t is ast.Tuple or t is ast.List or t is ast.Set:
            for elt in node.elts:  # type: ignore[attr-defined]
                self.expr(elt)
        else:
            # The rarer kinds (Dict, JoinedStr, Slice, Yield, ...), generically.
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child)
                elif isinstance(child, ast.keyword):
                    self.expr(child.value)

    def comprehension(self, node: ast.expr) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.expr(generators[0].iter)  # evaluated in the enclosing scope
        self.push()
        for i, gen in enumerate(generators):
            if i:
                self.expr(gen.iter)
            self.target(gen.target, RefKind.ASSIGN)
            for cond in gen.ifs:
                self.condition(cond)
        if type(node) is ast.DictComp:
            self.expr(node.key)
            self.expr(node.value)
        else:
            self.expr(node.elt)  # type: ignore[attr-defined]
        self.pop()

    # -- test-mode checks -----------------------------------------------------------------

    def test_mode(
        self, subject: str, value: str | None, node: ast.AST, operator: str = "=="
    ) -> None:
        span = self.span(node)  # type: ignore[arg-type]
        self.facts.test_mode_checks.append(TestModeCheck(subject, value, span, operator))

    def env_subject(self, node: ast.expr) -> str | None:
        """`$NAME` for an environment read: os.environ["X"], os.environ.get("X"), os.getenv("X")."""
        while (
            type(node) is ast.Call
            and type(node.func) is ast.Attribute
            and node.func.attr in _STR_METHODS
            and not node.args
        ):
            node = node.func.value
        if type(node) is ast.Call:
            resolved = self.resolve(node.func)
            if resolved and resolved[0] is not Binding.LOCAL and resolved[1] in _ENV_GETTERS:
                name = _str_const(node.args[0]) if node.args else None
                return f"${name}" if name else None
        elif type(node) is ast.Subscript:
            resolved = self.resolve(node.value)
            if resolved and resolved[0] is not Binding.LOCAL and resolved[1] in _ENV_MAPPINGS:
                name = _str_const(node.slice)
                return f"${name}" if name else None
        return None

    def spelled(self, node: ast.expr) -> str | None:
        """`app.config["TESTING"]` as `app.config.TESTING`; None if not a plain dotted path.

        `getattr(sys, "_called_from_test", ...)` / `hasattr(...)` read as `sys._called_from_test`.
        """
        if (
            type(node) is ast.Call
            and type(node.func) is ast.Name
            and node.func.id in ("getattr", "hasattr")
            and len(node.args) >= 2
        ):
            attr = _str_const(node.args[1])
            base = self.spelled(node.args[0]) or (
                node.args[0].id if type(node.args[0]) is ast.Name else None
            )
            return f"{base}.{attr}" if base and attr else None
        parts: list[str] = []
        while True:
            t = type(node)
            if t is ast.Attribute:
                parts.append(node.attr)  # type: ignore[attr-defined]
                node = node.value  # type: ignore[attr-defined]
            elif t is ast.Subscript:
                key = _str_const(node.slice)  # type: ignore[attr-defined]
                if key is None:
                    return None
                parts.append(key)
                node = node.value  # type: ignore[attr-defined]
            elif t is ast.Name:
                if not parts:
                    return None
                parts.append(node.id)  # type: ignore[attr-defined]
                return ".".join(reversed(parts))
            else:
                return None

    def condition(self, node: ast.expr) -> None:
        """An expression whose value decides a branch: report what it reads, then descend."""
        t = type(node)
        if t is ast.BoolOp:
            for value in node.values:  # type: ignore[attr-defined]
                self.condition(value)
        elif t is ast.UnaryOp and type(node.op) is ast.Not:  # type: ignore[attr-defined]
            self.condition(node.operand)  # type: ignore[attr-defined]
        elif t is ast.Compare:
            assert isinstance(node, ast.Compare)
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
                self.compare(node, op, left, right)
            for operand in operands:
                self.expr(operand)
        else:
            self.scan_leaf(node)
            self.expr(node)

    def scan_leaf(self, node: ast.expr) -> None:
        if t_is_bool_call(node):
            node = node.args[0]  # type: ignore[attr-defined]
        subject = self.env_subject(node) or self.spelled(node)
        if subject is not None:
            self.test_mode(subject, None, node)

    def compare(self, whole: ast.Compare, op: ast.cmpop, left: ast.expr, right: ast.expr) -> None:
        if type(op) in (ast.In, ast.NotIn):
            key = _str_const(left)
            resolved = self.resolve(right)
            if key is not None and resolved and resolved[0] is not Binding.LOCAL:
                if resolved[1] in _ENV_MAPPINGS:
                    self.test_mode(f"${key}", None, whole)
                    return
                self.test_mode(resolved[1], key, whole, _OPERATORS[type(op)])
                return
        # The operator as read from the subject to the value (mirrored when the value is first).
        for subject_node, value_node, operators in (
            (left, right, _OPERATORS),
            (right, left, _MIRRORED),
        ):
            value = _str_const(value_node)
            if value is None:
                continue
            subject = self.env_subject(subject_node) or self.spelled(subject_node)
            if subject is not None:
                self.test_mode(subject, value, whole, operators[type(op)])
                return
        for side in (left, right):
            subject = self.env_subject(side) or self.spelled(side)
            if subject is not None:
                self.test_mode(subject, None, side)

    def flag_value(self, value: ast.expr) -> None:
        """`IS_TEST = os.getenv("ENV") == "test"`: an assignment to a flag is a condition too."""
        if type(value) in (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.IfExp):
            return  # scanned by `expr` already
        if self.env_subject(value) is not None or t_is_bool_call(value):
            self.scan_leaf(value)
