"""Python front-end for syntax the running interpreter cannot parse: libcst's native parser.

libcst reads Python 3.0-3.15 whatever interpreter runs us, so a file with PEP 695 type
parameters or PEP 701 f-strings still gets checked under Python 3.11. Its concrete syntax tree is
lowered to the standard library's `ast` (positions included, as UTF-8 byte columns like CPython's)
and handed to `python_ast.extract_tree`: the facts come from the one extractor, never a copy.

Syntax that this interpreter's `ast` has no node for is lowered to its nearest equivalent: a
`type X = ...` alias becomes `X = ...`, type parameters are dropped, a t-string becomes an
f-string. Expression contexts are always `Load`; nothing downstream reads them.
"""

from __future__ import annotations

import ast
import re
import threading
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from nomock_lint.facts import EVERYTHING, Facts, ParseError, Wanted
from nomock_lint.frontends.python_ast import extract_tree
from nomock_lint.frontends.source import Lines

_N = TypeVar("_N", bound=ast.AST)
_T = TypeVar("_T")
_LOAD = ast.Load()


def extract(text: str, wanted: Wanted = EVERYTHING) -> Facts:
    return extract_tree(parse(text), text, wanted)


def parse(text: str) -> ast.Module:
    """The `ast.Module` that CPython would build for `text`, via libcst's native parser."""
    return _guarded(text, lambda: _lower(text))


def parse_module(text: str) -> cst.Module:
    """libcst's own tree of `text` (for plugin rules), with the same guards as `parse`."""
    return _guarded(text, lambda: cst.parse_module(text))


def _guarded(text: str, work: Callable[[], _T]) -> _T:
    if _bracket_depth(text) > _MAX_BRACKET_DEPTH:
        raise ParseError("cannot parse: nested too deeply (too many nested brackets)")
    try:
        return _on_deep_stack(work)
    except cst.ParserSyntaxError as exc:
        # The native parser reports the position inside its message ("error at 2:6: ...").
        where = _ERROR_AT.search(exc.message)
        line, col = (int(where[1]), int(where[2]) + 1) if where else (exc.raw_line, 1)
        message = _ERROR_AT.sub("", exc.message.removeprefix("parser error: "), count=1)
        raise ParseError(f"syntax error at {line}:{col}: {message}", line, col) from exc
    except RecursionError as exc:
        raise ParseError("cannot parse: nested too deeply (recursion limit)") from exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # the Rust parser reports some failures as a PanicException
        raise ParseError(f"cannot parse: {type(exc).__name__}: {exc}") from exc


def _lower(text: str) -> ast.Module:
    module = cst.parse_module(text)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return _Lowering(positions, text).module(module)


# CPython itself refuses more than 200 nested brackets. libcst's Rust parser recurses on the C
# stack and would crash the process (not raise) near 1,500 on an 8 MB stack: refuse early, and
# parse on a thread with a large stack so that long operator chains cannot overflow it either.
_MAX_BRACKET_DEPTH = 200
_STACK_BYTES = 256 * 1024 * 1024
_stack_lock = threading.Lock()
_ERROR_AT = re.compile(r"error at (\d+):(\d+):\s*")
_BRACKETS = re.compile(r"[\[\](){}]")


def _bracket_depth(text: str) -> int:
    """Deepest bracket nesting, strings included: an upper bound that costs one regex scan."""
    if text.count("(") + text.count("[") + text.count("{") <= _MAX_BRACKET_DEPTH:
        return 0
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _on_deep_stack(work: Callable[[], _T]) -> _T:
    results: list[_T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as exc:  # handed to the calling thread
            errors.append(exc)

    with _stack_lock:  # the stack size is a process-wide setting for threads started next
        previous = threading.stack_size(_STACK_BYTES)
        try:
            worker = threading.Thread(target=run, name="nomock-libcst", daemon=True)
            worker.start()
        except RuntimeError:  # no room for such a stack here: parse on this thread instead
            return work()
        finally:
            threading.stack_size(previous)
    worker.join()
    if errors:
        raise errors[0]
    return results[0]


def _flatten(tree: Sequence[cst.CSTNode]) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    for node in tree:
        if isinstance(node, cst.SimpleStatementLine):
            out.extend(node.body)
        else:
            out.append(node)
    return out


class _Lowering:
    def __init__(self, positions: Mapping[cst.CSTNode, CodeRange], text: str) -> None:
        self.positions = positions
        self.lines = Lines(text)
        self.ascii = text.isascii()
        self.expr_table: dict[type[cst.CSTNode], Callable[[Any], ast.expr]] = {
            cst.Name: self.name,
            cst.Attribute: self.attribute,
            cst.Call: self.call,
            cst.Subscript: self.subscript,
            cst.BinaryOperation: self.binary,
            cst.UnaryOperation: self.unary,
            cst.BooleanOperation: self.boolean,
            cst.Comparison: self.comparison,
            cst.IfExp: self.ifexp,
            cst.Lambda: self.lambda_,
            cst.NamedExpr: self.named,
            cst.Await: lambda n: self.located(ast.Await(self.expr(n.expression)), n),
            cst.Yield: self.yield_,
            cst.Integer: self.number,
            cst.Float: self.number,
            cst.Imaginary: self.number,
            cst.Ellipsis: lambda n: self.located(ast.Constant(...), n),
            cst.SimpleString: self.string,
            cst.ConcatenatedString: self.string,
            cst.FormattedString: self.string,
            cst.TemplatedString: self.string,
            cst.Tuple: self.tuple_,
            cst.List: lambda n: self.located(ast.List(self.elements(n.elements), _LOAD), n),
            cst.Set: lambda n: self.located(ast.Set(self.elements(n.elements)), n),
            cst.Dict: self.dict_,
            cst.ListComp: self.comp,
            cst.SetComp: self.comp,
            cst.GeneratorExp: self.comp,
            cst.DictComp: self.comp,
            cst.StarredElement: lambda n: self.located(ast.Starred(self.expr(n.value), _LOAD), n),
        }

    # -- positions ------------------------------------------------------------------------

    def byte_col(self, pos: CodePosition) -> int:
        if self.ascii:
            return pos.column
        line = self.lines.line(pos.line)
        return pos.column if line.isascii() else len(line[: pos.column].encode("utf-8"))

    def at(self, node: _N, start: CodePosition, end: CodePosition) -> _N:
        node.lineno, node.col_offset = start.line, self.byte_col(start)  # type: ignore[attr-defined]
        node.end_lineno, node.end_col_offset = end.line, self.byte_col(end)  # type: ignore[attr-defined]
        return node

    def located(self, node: _N, source: cst.CSTNode) -> _N:
        where = self.positions[source]
        return self.at(node, where.start, where.end)

    def span_of(self, node: _N, first: cst.CSTNode, last: cst.CSTNode) -> _N:
        return self.at(node, self.positions[first].start, self.positions[last].end)

    # -- statements -----------------------------------------------------------------------

    def module(self, node: cst.Module) -> ast.Module:
        return ast.Module(self.statements(node.body), [])

    def statements(self, body: Sequence[cst.CSTNode]) -> list[ast.stmt]:
        return [self.statement(s) for s in _flatten(body)]

    def suite(self, node: cst.BaseSuite) -> list[ast.stmt]:
        return self.statements(node.body)

    def orelse(self, node: cst.Else | None) -> list[ast.stmt]:
        return self.suite(node.body) if node is not None else []

    def statement(self, node: cst.CSTNode) -> ast.stmt:
        lowered = self.lower_statement(node)
        return self.located(lowered, node)

    def lower_statement(self, node: cst.CSTNode) -> ast.stmt:
        if isinstance(node, cst.Expr):
            return ast.Expr(self.expr(node.value))
        if isinstance(node, cst.Assign):
            targets = [self.expr(t.target) for t in node.targets]
            return ast.Assign(targets, self.expr(node.value), None)
        if isinstance(node, cst.AnnAssign):
            value = self.expr(node.value) if node.value is not None else None
            simple = int(isinstance(node.target, cst.Name) and not node.target.lpar)
            annotation = self.expr(node.annotation.annotation)
            return ast.AnnAssign(self.store(node.target), annotation, value, simple)
        if isinstance(node, cst.AugAssign):
            op = _AUG_OPS[type(node.operator)]()
            return ast.AugAssign(self.store(node.target), op, self.expr(node.value))
        if isinstance(node, cst.TypeAlias):  # PEP 695: `type X = ...` binds X like `X = ...`
            return ast.Assign([self.expr(node.name)], self.expr(node.value), None)
        if isinstance(node, cst.Return):
            return ast.Return(self.optional(node.value))
        if isinstance(node, cst.Raise):
            cause = self.expr(node.cause.item) if node.cause is not None else None
            return ast.Raise(self.optional(node.exc), cause)
        if isinstance(node, cst.Assert):
            return ast.Assert(self.expr(node.test), self.optional(node.msg))
        if isinstance(node, cst.Del):
            deleted = node.target
            if isinstance(deleted, cst.Tuple) and not deleted.lpar:  # `del a, b`
                return ast.Delete([self.expr(e.value) for e in deleted.elements])
            return ast.Delete([self.expr(deleted)])
        if isinstance(node, cst.Pass):
            return ast.Pass()
        if isinstance(node, cst.Break):
            return ast.Break()
        if isinstance(node, cst.Continue):
            return ast.Continue()
        if isinstance(node, cst.Global):
            return ast.Global([_id(n.name) for n in node.names])
        if isinstance(node, cst.Nonlocal):
            return ast.Nonlocal([_id(n.name) for n in node.names])
        if isinstance(node, cst.Import):
            return ast.Import([self.alias(a) for a in node.names])
        if isinstance(node, cst.ImportFrom):
            return self.import_from(node)
        if isinstance(node, cst.If):
            return self.if_(node)
        if isinstance(node, cst.While):
            return ast.While(self.expr(node.test), self.suite(node.body), self.orelse(node.orelse))
        if isinstance(node, cst.For):
            cls = ast.AsyncFor if node.asynchronous else ast.For
            target, iterable = self.expr(node.target), self.expr(node.iter)
            return cls(target, iterable, self.suite(node.body), self.orelse(node.orelse), None)
        if isinstance(node, cst.With):
            items = [
                ast.withitem(
                    self.expr(i.item), self.expr(i.asname.name) if i.asname is not None else None
                )
                for i in node.items
            ]
            cls_with = ast.AsyncWith if node.asynchronous else ast.With
            return cls_with(items, self.suite(node.body), None)
        if isinstance(node, cst.Try | cst.TryStar):
            cls_try = ast.Try if isinstance(node, cst.Try) else ast.TryStar
            final = self.suite(node.finalbody.body) if node.finalbody is not None else []
            handlers = [self.handler(h) for h in node.handlers]
            return cls_try(self.suite(node.body), handlers, self.orelse(node.orelse), final)
        if isinstance(node, cst.FunctionDef):
            return self.function(node)
        if isinstance(node, cst.ClassDef):
            return self.klass(node)
        if isinstance(node, cst.Match):
            cases = [
                ast.match_case(self.pattern(c.pattern), self.optional(c.guard), self.suite(c.body))
                for c in node.cases
            ]
            return ast.Match(self.expr(node.subject), cases)
        raise ParseError(f"cannot lower {type(node).__name__}")

    def import_from(self, node: cst.ImportFrom) -> ast.ImportFrom:
        module = _dotted(node.module) if node.module is not None else None
        if isinstance(node.names, cst.ImportStar):
            names = [self.located(ast.alias("*", None), node.names)]
        else:
            names = [self.alias(a) for a in node.names]
        return ast.ImportFrom(module, names, len(node.relative))

    def alias(self, node: cst.ImportAlias) -> ast.alias:
        asname = node.asname.name if node.asname is not None else None
        as_str = _id(asname) if isinstance(asname, cst.Name) else None
        return self.located(ast.alias(_dotted(node.name), as_str), node)

    def if_(self, node: cst.If) -> ast.If:
        orelse: list[ast.stmt]
        if isinstance(node.orelse, cst.If):  # `elif`
            orelse = [self.statement(node.orelse)]
        else:
            orelse = self.orelse(node.orelse)
        return ast.If(self.expr(node.test), self.suite(node.body), orelse)

    def handler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> ast.ExceptHandler:
        name = node.name.name if node.name is not None else None
        name_str = _id(name) if isinstance(name, cst.Name) else None
        lowered = ast.ExceptHandler(self.optional(node.type), name_str, self.suite(node.body))
        return self.located(lowered, node)

    def function(self, node: cst.FunctionDef) -> ast.stmt:
        cls = ast.AsyncFunctionDef if node.asynchronous else ast.FunctionDef
        decorators = [self.expr(d.decorator) for d in node.decorators]
        returns = self.expr(node.returns.annotation) if node.returns is not None else None
        return cls(
            _id(node.name),
            self.parameters(node.params),
            self.suite(node.body),
            decorators,
            returns,
            None,
        )

    def klass(self, node: cst.ClassDef) -> ast.ClassDef:
        bases = [self.argument(a) for a in node.bases]
        keywords = [self.keyword(a) for a in node.keywords]
        decorators = [self.expr(d.decorator) for d in node.decorators]
        body = self.suite(node.body)
        return ast.ClassDef(_id(node.name), bases, keywords, body, decorators)

    def parameters(self, node: cst.Parameters) -> ast.arguments:
        positional = [*node.posonly_params, *node.params]
        defaults = [self.expr(p.default) for p in positional if p.default is not None]
        star = node.star_arg
        return ast.arguments(
            posonlyargs=[self.arg(p) for p in node.posonly_params],
            args=[self.arg(p) for p in node.params],
            vararg=self.arg(star) if isinstance(star, cst.Param) else None,
            kwonlyargs=[self.arg(p) for p in node.kwonly_params],
            kw_defaults=[self.optional(p.default) for p in node.kwonly_params],
            kwarg=self.arg(node.star_kwarg) if node.star_kwarg is not None else None,
            defaults=defaults,
        )

    def arg(self, node: cst.Param) -> ast.arg:
        annotation = node.annotation.annotation if node.annotation is not None else None
        lowered = ast.arg(_id(node.name), self.optional(annotation), None)
        return self.span_of(lowered, node.name, annotation or node.name)

    # -- patterns -------------------------------------------------------------------------

    def pattern(self, node: cst.MatchPattern) -> ast.pattern:
        return self.located(self.lower_pattern(node), node)

    def lower_pattern(self, node: cst.MatchPattern) -> ast.pattern:
        if isinstance(node, cst.MatchValue):
            return ast.MatchValue(self.expr(node.value))
        if isinstance(node, cst.MatchSingleton):
            return ast.MatchSingleton(_SINGLETONS[node.value.value])
        if isinstance(node, cst.MatchSequence):
            return ast.MatchSequence([self.sequence_item(p) for p in node.patterns])
        if isinstance(node, cst.MatchMapping):
            keys = [self.expr(e.key) for e in node.elements]
            patterns = [self.pattern(e.pattern) for e in node.elements]
            rest = _id(node.rest) if node.rest is not None else None
            return ast.MatchMapping(keys, patterns, rest)
        if isinstance(node, cst.MatchClass):
            return ast.MatchClass(
                self.expr(node.cls),
                [self.sequence_item(p) for p in node.patterns],
                [_id(k.key) for k in node.kwds],
                [self.pattern(k.pattern) for k in node.kwds],
            )
        if isinstance(node, cst.MatchAs):
            inner = self.pattern(node.pattern) if node.pattern is not None else None
            return ast.MatchAs(inner, _id(node.name) if node.name is not None else None)
        if isinstance(node, cst.MatchOr):
            return ast.MatchOr([self.pattern(p.pattern) for p in node.patterns])
        raise ParseError(f"cannot lower {type(node).__name__}")

    def sequence_item(self, node: cst.MatchSequenceElement | cst.MatchStar) -> ast.pattern:
        if isinstance(node, cst.MatchStar):
            name = _id(node.name) if node.name is not None else None
            return self.located(ast.MatchStar(name), node)
        return self.pattern(node.value)

    # -- expressions ----------------------------------------------------------------------

    def store(self, node: cst.BaseExpression) -> ast.Name | ast.Attribute | ast.Subscript:
        """An annotated or augmented assignment's target (the grammar allows no other)."""
        return cast(ast.Name | ast.Attribute | ast.Subscript, self.expr(node))

    def optional(self, node: cst.BaseExpression | None) -> ast.expr | None:
        return self.expr(node) if node is not None else None

    def expr(self, node: cst.BaseExpression) -> ast.expr:
        lower = self.expr_table.get(type(node))
        if lower is None:
            raise ParseError(f"cannot lower {type(node).__name__}")
        return lower(node)

    def name(self, node: cst.Name) -> ast.expr:
        value = _id(node)
        if value in _SINGLETONS:
            return self.located(ast.Constant(_SINGLETONS[value]), node)
        return self.located(ast.Name(value, _LOAD), node)

    def attribute(self, node: cst.Attribute) -> ast.expr:
        return self.located(ast.Attribute(self.expr(node.value), _id(node.attr), _LOAD), node)

    def call(self, node: cst.Call) -> ast.expr:
        func = self.expr(node.func)
        args = [self.argument(a) for a in node.args if not a.keyword and a.star != "**"]
        keywords = [self.keyword(a) for a in node.args if a.keyword or a.star == "**"]
        call = self.located(ast.Call(func, args, keywords), node)
        if len(node.args) == 1 and isinstance(node.args[0].value, cst.GeneratorExp):
            genexp = node.args[0].value
            if not genexp.lpar:  # `f(x for x in y)`: CPython places it on the call's parens
                paren = self.after(self.positions[node.func].end, "(")
                self.at(args[0], paren, self.positions[node].end)
        return call

    def after(self, pos: CodePosition, char: str) -> CodePosition:
        """The position of the next `char` at or after `pos` (only blanks in between)."""
        line, col = pos.line, pos.column
        while True:
            text = self.lines.line(line)
            found = text.find(char, col)
            if found >= 0:
                return CodePosition(line, found)
            line, col = line + 1, 0

    def argument(self, node: cst.Arg) -> ast.expr:
        value = self.expr(node.value)
        if node.star == "*":
            return self.located(ast.Starred(value, _LOAD), node)
        return value

    def keyword(self, node: cst.Arg) -> ast.keyword:
        name = _id(node.keyword) if node.keyword is not None else None
        return self.located(ast.keyword(name, self.expr(node.value)), node)

    def subscript(self, node: cst.Subscript) -> ast.expr:
        elements = node.slice
        index: ast.expr
        first = elements[0].slice
        starred = isinstance(first, cst.Index) and first.star is not None
        if len(elements) == 1 and elements[0].comma is cst.MaybeSentinel.DEFAULT and not starred:
            index = self.slice_item(first)
        else:
            items = [self.slice_item(e.slice) for e in elements]
            last = elements[-1]
            end = last.comma if isinstance(last.comma, cst.Comma) else last
            index = self.span_of(ast.Tuple(items, _LOAD), elements[0], end)
        return self.located(ast.Subscript(self.expr(node.value), index, _LOAD), node)

    def slice_item(self, node: cst.BaseSlice) -> ast.expr:
        if isinstance(node, cst.Index):
            value = self.expr(node.value)
            if node.star is not None:  # PEP 646 `a[*b]`
                return self.located(ast.Starred(value, _LOAD), node)
            return value
        assert isinstance(node, cst.Slice)
        lowered = ast.Slice(self.optional(node.lower), self.optional(node.upper))
        lowered.step = self.optional(node.step)
        return self.located(lowered, node)

    def binary(self, node: cst.BinaryOperation) -> ast.expr:
        op = _BIN_OPS[type(node.operator)]()
        lowered = ast.BinOp(self.expr(node.left), op, self.expr(node.right))
        return self.located(lowered, node)

    def unary(self, node: cst.UnaryOperation) -> ast.expr:
        op = _UNARY_OPS[type(node.operator)]()
        return self.located(ast.UnaryOp(op, self.expr(node.expression)), node)

    def boolean(self, node: cst.BooleanOperation) -> ast.expr:
        """`a and b and c` is one BoolOp in CPython, `(a and b) and c` two."""
        op_type = type(node.operator)
        values: list[ast.expr] = []

        def collect(part: cst.BaseExpression) -> None:
            same = isinstance(part, cst.BooleanOperation) and type(part.operator) is op_type
            if same and not part.lpar:
                assert isinstance(part, cst.BooleanOperation)
                collect(part.left)
                collect(part.right)
                return
            values.append(self.expr(part))

        collect(node.left)
        collect(node.right)
        op = ast.And() if op_type is cst.And else ast.Or()
        return self.located(ast.BoolOp(op, values), node)

    def comparison(self, node: cst.Comparison) -> ast.expr:
        ops = [_CMP_OPS[type(c.operator)]() for c in node.comparisons]
        comparators = [self.expr(c.comparator) for c in node.comparisons]
        return self.located(ast.Compare(self.expr(node.left), ops, comparators), node)

    def ifexp(self, node: cst.IfExp) -> ast.expr:
        lowered = ast.IfExp(self.expr(node.test), self.expr(node.body), self.expr(node.orelse))
        return self.located(lowered, node)

    def lambda_(self, node: cst.Lambda) -> ast.expr:
        return self.located(ast.Lambda(self.parameters(node.params), self.expr(node.body)), node)

    def named(self, node: cst.NamedExpr) -> ast.expr:
        target = cast(ast.Name, self.expr(node.target))
        return self.located(ast.NamedExpr(target, self.expr(node.value)), node)

    def yield_(self, node: cst.Yield) -> ast.expr:
        value = node.value
        if isinstance(value, cst.From):
            return self.located(ast.YieldFrom(self.expr(value.item)), node)
        return self.located(ast.Yield(self.optional(value)), node)

    def number(self, node: cst.Integer | cst.Float | cst.Imaginary) -> ast.expr:
        return self.located(ast.Constant(node.evaluated_value), node)

    def string(self, node: cst.BaseString) -> ast.expr:
        parts = self.string_parts(node)
        if all(isinstance(p, ast.Constant) for p in parts) and not any(
            isinstance(p, cst.FormattedString | cst.TemplatedString) for p in _strings(node)
        ):
            first = _strings(node)[0]
            kind = (
                "u" if isinstance(first, cst.SimpleString) and "u" in first.prefix.lower() else None
            )
            value = (
                b"".join(p.value for p in parts)  # type: ignore[attr-defined]
                if parts and isinstance(parts[0].value, bytes)  # type: ignore[attr-defined]
                else "".join(p.value for p in parts)  # type: ignore[attr-defined]
            )
            return self.located(ast.Constant(value, kind), node)
        return self.joined(parts, node)

    def joined(self, parts: list[ast.expr], string: cst.CSTNode) -> ast.JoinedStr:
        """CPython places an f-string's literal pieces (and format specs) on the whole string."""
        values = _merge(parts)
        for value in values:
            if isinstance(value, ast.Constant):
                self.located(value, string)
        return self.located(ast.JoinedStr(values), string)

    def string_parts(self, node: cst.BaseString) -> list[ast.expr]:
        """The literal and formatted pieces of an implicitly concatenated string, in order."""
        parts: list[ast.expr] = []
        for piece in _strings(node):
            if isinstance(piece, cst.SimpleString):
                parts.append(ast.Constant(piece.evaluated_value))
            else:
                assert isinstance(piece, cst.FormattedString | cst.TemplatedString)
                parts.extend(self.formatted(piece, piece.parts, node))
        return parts

    def formatted(
        self,
        string: cst.FormattedString | cst.TemplatedString,
        parts: Sequence[cst.BaseFormattedStringContent | cst.BaseTemplatedStringContent],
        whole: cst.BaseExpression,
    ) -> list[ast.expr]:
        """`string`'s pieces; CPython places them all on the `whole` concatenation."""
        out: list[ast.expr] = []
        for part in parts:
            if isinstance(part, cst.FormattedStringText | cst.TemplatedStringText):
                out.append(ast.Constant(_literal_text(string, part.value)))
                continue
            assert isinstance(part, cst.FormattedStringExpression | cst.TemplatedStringExpression)
            conversion = ord(part.conversion) if part.conversion else -1
            if getattr(part, "equal", None) is not None:  # f"{x=}" shows the source text too
                out.append(ast.Constant(_source_of(part.expression) + "="))
                if conversion == -1 and part.format_spec is None:
                    conversion = ord("r")
            spec = None
            if part.format_spec is not None:
                spec = self.joined(self.formatted(string, part.format_spec, whole), whole)
            value = ast.FormattedValue(self.expr(part.expression), conversion, spec)
            out.append(self.located(value, whole))
        return out

    def elements(self, elements: Sequence[cst.BaseElement]) -> list[ast.expr]:
        return [
            self.located(ast.Starred(self.expr(e.value), _LOAD), e)
            if isinstance(e, cst.StarredElement)
            else self.expr(e.value)
            for e in elements
        ]

    def tuple_(self, node: cst.Tuple) -> ast.expr:
        lowered = ast.Tuple(self.elements(node.elements), _LOAD)
        return self.parenthesized(lowered, node)

    def parenthesized(self, lowered: _N, node: cst.Tuple | cst.GeneratorExp) -> _N:
        """A tuple's or a generator's own parentheses are part of its CPython position."""
        if node.lpar:
            return self.span_of(lowered, node.lpar[-1], node.rpar[0])
        return self.located(lowered, node)

    def dict_(self, node: cst.Dict) -> ast.expr:
        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                keys.append(self.expr(element.key))
            else:
                keys.append(None)
            values.append(self.expr(element.value))
        return self.located(ast.Dict(keys, values), node)

    def comp(self, node: cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp) -> ast.expr:
        generators: list[ast.comprehension] = []
        clause: cst.CompFor | None = node.for_in
        while clause is not None:
            ifs = [self.expr(i.test) for i in clause.ifs]
            target, iterable = self.expr(clause.target), self.expr(clause.iter)
            generators.append(
                ast.comprehension(target, iterable, ifs, int(bool(clause.asynchronous)))
            )
            clause = clause.inner_for_in
        if isinstance(node, cst.DictComp):
            return self.located(
                ast.DictComp(self.expr(node.key), self.expr(node.value), generators), node
            )
        elt = self.expr(node.elt)
        if isinstance(node, cst.GeneratorExp):
            return self.parenthesized(ast.GeneratorExp(elt, generators), node)
        cls = ast.ListComp if isinstance(node, cst.ListComp) else ast.SetComp
        return self.located(cls(elt, generators), node)


def _id(name: cst.Name) -> str:
    """An identifier as CPython stores it: NFKC-normalised (PEP 3131)."""
    value = name.value
    return value if value.isascii() else unicodedata.normalize("NFKC", value)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return _id(node)
    assert isinstance(node, cst.Attribute)
    return f"{_dotted(node.value)}.{_id(node.attr)}"


def _strings(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.ConcatenatedString):
        return [*_strings(node.left), *_strings(node.right)]
    return [node]


def _merge(parts: list[ast.expr]) -> list[ast.expr]:
    """Adjacent literal pieces become one Constant, as in CPython's JoinedStr."""
    merged: list[ast.expr] = []
    for part in parts:
        if isinstance(part, ast.Constant) and not part.value:
            continue
        previous = merged[-1] if merged else None
        if isinstance(part, ast.Constant) and isinstance(previous, ast.Constant):
            merged[-1] = ast.Constant(str(previous.value) + str(part.value))
        else:
            merged.append(part)
    return merged


def _literal_text(string: cst.FormattedString | cst.TemplatedString, raw: str) -> str:
    """The value of a literal piece of an f-string: escapes decoded, `{{` read as `{`."""
    raw = raw.replace("{{", "{").replace("}}", "}")
    if "\\" not in raw:
        return raw
    prefix = "r" if "r" in string.prefix.lower() else ""
    quote = string.quote
    try:
        value = ast.literal_eval(f"{prefix}{quote}{raw}{quote}")
    except (SyntaxError, ValueError):
        return raw
    return value if isinstance(value, str) else raw


def _source_of(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


_SINGLETONS: dict[str, Any] = {"None": None, "True": True, "False": False}

_BIN_OPS: dict[type[cst.CSTNode], type[ast.operator]] = {
    cst.Add: ast.Add,
    cst.Subtract: ast.Sub,
    cst.Multiply: ast.Mult,
    cst.MatrixMultiply: ast.MatMult,
    cst.Divide: ast.Div,
    cst.Modulo: ast.Mod,
    cst.Power: ast.Pow,
    cst.LeftShift: ast.LShift,
    cst.RightShift: ast.RShift,
    cst.BitOr: ast.BitOr,
    cst.BitXor: ast.BitXor,
    cst.BitAnd: ast.BitAnd,
    cst.FloorDivide: ast.FloorDiv,
}
_AUG_OPS: dict[type[cst.CSTNode], type[ast.operator]] = {
    cst.AddAssign: ast.Add,
    cst.SubtractAssign: ast.Sub,
    cst.MultiplyAssign: ast.Mult,
    cst.MatrixMultiplyAssign: ast.MatMult,
    cst.DivideAssign: ast.Div,
    cst.ModuloAssign: ast.Mod,
    cst.PowerAssign: ast.Pow,
    cst.LeftShiftAssign: ast.LShift,
    cst.RightShiftAssign: ast.RShift,
    cst.BitOrAssign: ast.BitOr,
    cst.BitXorAssign: ast.BitXor,
    cst.BitAndAssign: ast.BitAnd,
    cst.FloorDivideAssign: ast.FloorDiv,
}
_UNARY_OPS: dict[type[cst.CSTNode], type[ast.unaryop]] = {
    cst.Plus: ast.UAdd,
    cst.Minus: ast.USub,
    cst.BitInvert: ast.Invert,
    cst.Not: ast.Not,
}
_CMP_OPS: dict[type[cst.CSTNode], type[ast.cmpop]] = {
    cst.Equal: ast.Eq,
    cst.NotEqual: ast.NotEq,
    cst.LessThan: ast.Lt,
    cst.LessThanEqual: ast.LtE,
    cst.GreaterThan: ast.Gt,
    cst.GreaterThanEqual: ast.GtE,
    cst.Is: ast.Is,
    cst.IsNot: ast.IsNot,
    cst.In: ast.In,
    cst.NotIn: ast.NotIn,
}
