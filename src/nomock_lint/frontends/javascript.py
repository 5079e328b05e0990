"""JS/TS front-end: a masking lexer plus regular expressions over the masked code.

`js_lexer.mask` blanks comments, string / template / regex contents and JSX text while keeping
offsets, so nothing below can fire inside them; module specifiers and compared values are read
back from the original string literals. Facts are then found with regular expressions that may
span lines (`vi\\n  .spyOn(...)`).

Scopes are the `{...}` blocks: a `const` / `let` / `var` / `class` / `function` name, a function's
parameters (in its body block) and a `catch` parameter are local in their block and every block
inside it, whatever their order (JS hoists functions, and `const` is unusable before its
declaration anyway). Imports resolve as the catalog expects:

- `import { x as y } from 'm'`      y -> `m.x`
- `import y from 'm'`, `import * as y from 'm'`, `const y = require('m')`   y -> `m`
- `const { x, z: y } = require('m')`                                        x -> `m.x`, y -> `m.z`
- the Vitest / Jest objects are canonical: `vi` (or `vitest`) from 'vitest' -> `vi`, `jest` from
  '@jest/globals' -> `jest`; unbound `vi` / `jest` / `Date` are globals spelled as they are.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
from typing import TYPE_CHECKING

from nomock_lint.facts import (
    Binding,
    Comment,
    Definition,
    DefKind,
    Facts,
    Import,
    Reference,
    RefKind,
    Span,
    TestModeCheck,
)
from nomock_lint.frontends.js_lexer import Masked, blank, lazy_regex, mask
from nomock_lint.frontends.source import decode_utf8

if TYPE_CHECKING:
    from collections.abc import Callable

# Patterns that a quarter or fewer of the files reach are `lazy_regex`es, called to get the
# pattern (`_BOUND_TO().search(...)`): compiling all of them cost a one-file run 3 ms.
_ID = r"(?:[^\W\d]|\$)[\w$]*"
_GENERIC = r"(?:<(?:=>|[^<>()]|\([^()]*\)|<(?:=>|[^<>]|<[^<>]*>)*>)*>\s*)?"


def _keyword(word: str) -> str:
    """`word` not preceded by an identifier character or `.`, written so that the regex engine
    can scan for the literal first (a pattern that starts with a look-behind is tried at every
    offset, ten to a hundred times slower)."""
    return rf"{word}(?<![\w$.]{word})"


# Patterns matched backwards, over the reversed code, from a `(` or an `=` found by a fast scan:
# `vi\n  .spyOn<T>(` reads `(` <- `>T<` <- `nOyps` <- `.` <- `iv`.
_R_ID = r"[\w$]+"
# Bounded: in minified code a `>` of `=>` before a `(` would otherwise start a scan back over
# most of the file for every call (quadratic; 2.3 s on a 0.5 MB bundle). Call-site type
# arguments are short.
_R_GENERIC = (
    r"(?:>(?:>=|[^<>()]|\)[^()]{0,200}\(|>(?:>=|[^<>]|>[^<>]{0,200}<){0,200}<){0,200}<\s*)?"
)
# group 1: the callee chain, group 2: its last name (a method name if the chain has a dot),
# group 3: a `.` before the chain (`f().then(`: a method of a value, not a name).
_R_CALLEE = re.compile(rf"\s*{_R_GENERIC}(({_R_ID})(?:\s*\.\??\s*{_R_ID})*)(\s*\.(?!\.))?")
_R_BRACKET = r"\]\s*['\"`][^'\"`\n]*['\"`]\s*\[\s*"
_R_TARGET = re.compile(
    r"(?:\*\*|&&|\|\||\?\?|>>>|<<|>>|[-+*/%&|^])?\s*"
    rf"((?:{_R_ID}\s*\.\??\s*|{_R_BRACKET})+{_R_ID})(?![\w$.])"
)
_R_SPACE = re.compile(r"\s*")
_SPACE_OR_OPTIONAL = re.compile(r"[\s?]")
_R_WORD = re.compile(rf"\s*({_R_ID})")
_R_NAME = re.compile(rf"\s*(?:>[^<>]*<\s*)?({_R_ID})")

_OPEN_PAREN = re.compile(r"\(")
_ROOT = re.compile(_ID)
_ASSIGN_OP = re.compile(r"=(?![=>])(?<![=!<>]=)")
_DECORATOR = re.compile(rf"@(?<![\w$]@)\s*({_ID}(?:\s*\.\s*{_ID})*)")
_SEGMENT = lazy_regex(rf"({_ID})|\[\s*(['\"`])")
_DECLS = tuple(
    re.compile(rf"{_keyword(kw)}\s+(?:({_ID})|([{{\[]))") for kw in ("const", "let", "var")
)
# A declarator after a comma: a name (before `=`, `:`, `,`, `;` or the end of the statement,
# so that `Map<string, number>` declares nothing) or a destructuring pattern.
_DECLARATOR = lazy_regex(rf"\s*(?:({_ID})(?=\s*(?:[=:,;)}}]|$|\n))|([{{\[]))")
_DECLARATOR_TOKENS = re.compile(r"[,;{}()\[\]\n]")
_CONTINUES_AFTER = frozenset(",=+-*/%&|^!?:<>~.(")
_CONTINUES_BEFORE = frozenset(",.?:=")
_MAX_DECLARATORS = 1000
_MAX_DECLARATOR_TOKENS = 500
_FUNCTION_VALUE = re.compile(
    rf"\s*(?::[^=;]*)?=\s*(?:async\b\s*)?(?:function\b|{_GENERIC}\((?:[^()]|\([^()]*\))*\)"
    rf"\s*(?::[^=;{{]*)?=>|{_ID}\s*=>)"
)
_REQUIRED = re.compile(r"\s*(?::[^=;]*)?=\s*(?:await\s+)?(?:require|import)\s*\(")
_NESTING = re.compile(r"[(\[{<]")
_NESTING_TOKENS = lazy_regex(r"=>|[()\[\]{}<>,]")
_BRACKET_TOKENS = lazy_regex(r"[\[\]{}]")
_PARAM = re.compile(
    rf"\s*(?:(?:\.\.\.|(?:public|private|protected|readonly|override)\b)\s*)*(?:({_ID})|[{{\[])"
)
_PATTERN_NAME = lazy_regex(rf"(?:\.\.\.\s*)?({_ID})\s*(?=[,}}\]=]|$)")
# `class A<T extends { k: V }> extends B implements Partial<C> {`: the type parameters may hold
# braces, the heritage clause (group 2) does not.
_CLASS = re.compile(
    rf"{_keyword('class')}\s+({_ID})\s*(?:<(?:[^<>]|<(?:[^<>]|<[^<>]*>)*>)*>)?([^{{;]*)\{{"
)
_HERITAGE = re.compile(r"\b(extends|implements)\s+")
# One scan for `import`: group 1 quote of `import('m')`, group 2 quote of `import 'm'`,
# groups 3 / 4 the clause and quote of `import ... from 'm'` (the clause must end in `from`).
_IMPORT = re.compile(
    rf"{_keyword('import')}"
    r"(?:\s*\(\s*(['\"`])|\s*(['\"])|\s+(?:type\s+)?([^;'\"`()]*)(['\"]))"
)
_REQUIRE = re.compile(rf"{_keyword('require')}\s*\(\s*(['\"`])")
_EXPORT_FROM = re.compile(
    rf"{_keyword('export')}\s+(?:type\s+)?(\*(?:\s+as\s+{_ID})?|\{{[^}}]*\}})\s*from\s*(['\"])"
)
_BOUND_TO = lazy_regex(
    rf"(?:(?:const|let|var)\s+(?:({_ID})|\{{([^{{}}]*)\}})\s*(?::[^=;]*)?|import\s+({_ID})\s*)"
    r"=\s*(?:await\s+)?$"
)
_DEFAULT_IMPORT = re.compile(rf"\s*({_ID})\s*(,|$)")
_NAMESPACE_IMPORT = re.compile(rf"\s*\*\s*as\s+({_ID})")
_SPEC = re.compile(rf"(?:type\s+)?({_ID}|['\"][^'\"]*['\"])(?:\s+as\s+({_ID}))?")
_ENV_KEY = rf"\s*(?:\??\.\s*({_ID})|\[\s*(['\"`])[^'\"`]*['\"`]\s*\])"
_ENVS = (
    re.compile(rf"{_keyword('process')}\s*\.\s*env{_ENV_KEY}"),
    re.compile(rf"{_keyword('import')}\s*\.\s*meta\s*\.\s*(?:env{_ENV_KEY}|(vitest)(?![\w$]))"),
)
_COMPARE_AFTER = lazy_regex(r"\s*(===?|!==?)\s*(['\"`])")
_COMPARE_BEFORE = lazy_regex(r"(['\"`])\s*(===?|!==?)\s*$")
_CASE = lazy_regex(rf"{_keyword('case')}\s*(['\"`])")
_TYPE_ATOM = r"(?:[\w$.]+(?:\s*<[^(){};=]*>)?|\{[^{}]*\}|\([^()]*\)\s*=>\s*[\w$.]+)(?:\[\])*"
_RETURN_TYPE = re.compile(
    rf":\s*(?:asserts\s+)?{_TYPE_ATOM}(?:\s+is\s+{_TYPE_ATOM})?(?:\s*[|&]\s*{_TYPE_ATOM})*"
    r"\s*(=>\s*)?\{"
)
_PARENS = lazy_regex(r"[()]")
_PARAMS_END = re.compile(r"\)(?=\s*(?:=>|\{|:))")
_AFTER_PARENS = re.compile(r"\s*(=>|\{|:)")
_ARROW_BODY = re.compile(r"\s*=>\s*(\{)?")
_ARROW_BLOCK = re.compile(r"=>\s*\{")
_MODIFIERS = frozenset(
    {"async", "static", "public", "private", "protected", "get", "set", "override", "readonly",
     "abstract", "export", "default", "declare", "function"}
)  # fmt: skip
_KEYWORDS = frozenset(
    {
        "if", "for", "while", "switch", "catch", "with", "return", "typeof", "function", "new",
        "await", "yield", "void", "delete", "in", "of", "instanceof", "import", "super", "this",
        "do", "else", "case", "throw", "class", "const", "let", "var", "export", "extends",
        "async", "as", "satisfies", "keyof", "infer", "is", "asserts",
    }
)  # fmt: skip
_CONTROL = frozenset({"if", "for", "while", "switch", "with"})
_LOCAL_ROOTS = frozenset({"this", "super", "arguments"})
# Canonical names of the Vitest and Jest objects, whichever way they were imported.
_CANONICAL = {"vitest.vi": "vi", "vitest.vitest": "vi", "@jest/globals.jest": "jest"}
_SFC_SCRIPT = lazy_regex(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SFC_LANG = lazy_regex(r"""\blang\s*=\s*["']?(\w+)""", re.I)
_JSX_SUFFIXES = frozenset({".tsx", ".jsx", ".js", ".mjs", ".cjs"})
_LINE_BREAKS = lazy_regex(r"\r\n|\r|\n")
_OTHER_BREAKS = lazy_regex("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_WS = lazy_regex(r"\s+")


def extract(
    data: bytes, relpath: str, screen: Callable[[bytes], bool] | None = None
) -> tuple[Facts, str]:
    """The facts of one JS/TS file (or the `<script>` blocks of a .vue / .svelte file).

    With `screen` (the prefilter), the text is screened again with its comments blanked, and
    no facts are extracted if it fails: the lexer blanks them anyway, and in a bundle the
    prefilter's only match is often a word in a comment (a fifth of the bytes it passed on the
    TypeScript corpus). A comment that mentions `nomock` keeps the file (NM902)."""
    text = decode_utf8(data)
    suffix = os.path.splitext(relpath)[1].lower()
    if suffix in (".vue", ".svelte"):
        masked = _mask_sfc(text)
    else:
        masked = mask(text, jsx=suffix in _JSX_SUFFIXES)
    commented = not masked.comments and masked.comment_starts
    if screen is not None and commented and not screen(masked.without_comments().encode()):
        return Facts(), text
    facts = _Extractor(masked).run()
    return facts, text


def _mask_sfc(text: str) -> Masked:
    """Only the `<script>` blocks are code; everything else is blanked, lines kept."""
    parts: list[str] = []
    jsx = False
    last = 0
    for m in _SFC_SCRIPT().finditer(text):
        parts.append(blank(text[last : m.start(2)]))
        parts.append(m.group(2))
        last = m.end(2)
        lang = _SFC_LANG().search(m.group(1))
        jsx = jsx or (lang is not None and lang.group(1).lower() in ("tsx", "jsx"))
    parts.append(blank(text[last:]))
    return mask("".join(parts), jsx=jsx)


class _Extractor:
    def __init__(self, masked: Masked) -> None:
        self.m = masked
        self.code = masked.code
        self.n = len(self.code)
        self.rcode = self.code[::-1]
        self.facts = Facts()
        self.line_starts = _line_starts(self.code)
        # Blocks: `{...}` ranges with their parent; block 0 is the module.
        self.starts: list[int] = [-1]
        self.ends: list[int] = [len(self.code) + 1]
        self.parents: list[int] = [-1]
        self.block_of_brace: dict[int, int] = {}
        # name -> {block: (binding, target)}
        self.bindings: dict[str, dict[int, tuple[Binding, str]]] = {}
        self.definition_parens: set[int] = set()
        self._string_ends: dict[int, int] | None = None

    # -- positions and scopes ---------------------------------------------------------------

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        starts = self.line_starts
        line = bisect.bisect_right(starts, start)
        base = starts[line - 1]
        if line == len(starts) or end < starts[line]:
            return Span(line, start - base + 1, line, end - base + 1)
        end_line = bisect.bisect_right(starts, end)
        return Span(line, start - base + 1, end_line, end - starts[end_line - 1] + 1)

    def block_at(self, offset: int) -> int:
        k = bisect.bisect_left(self.starts, offset) - 1
        while k > 0 and self.ends[k] < offset:
            k = self.parents[k]
        return max(k, 0)

    def bind(
        self, name: str, block: int, binding: Binding = Binding.LOCAL, target: str = ""
    ) -> None:
        scopes = self.bindings.setdefault(name, {})
        if block not in scopes or binding is Binding.IMPORT:  # `const x = require()` imports
            scopes[block] = (binding, target or name)

    def lookup(self, name: str, offset: int) -> tuple[Binding, str]:
        scopes = self.bindings.get(name)
        if scopes is None:
            return (Binding.LOCAL, name) if name in _LOCAL_ROOTS else (Binding.GLOBAL, name)
        block = self.block_at(offset)
        parents = self.parents
        while block >= 0:
            found = scopes.get(block)
            if found is not None:
                return found
            block = parents[block]
        return Binding.GLOBAL, name

    def string_at(self, quote: int) -> str | None:
        return self.m.strings.get(quote)

    def string_end(self, quote: int) -> int:
        value = self.m.strings.get(quote)
        return quote + len(value) + 2 if value is not None else quote + 1

    def string_start(self, closing_quote: int) -> int | None:
        if self._string_ends is None:
            self._string_ends = {s + len(v) + 1: s for s, v in self.m.strings.items()}
        return self._string_ends.get(closing_quote)

    def prev_char(self, offset: int) -> tuple[int, str]:
        """(offset, character) of the last non-blank character before `offset`."""
        spaces = _R_SPACE.match(self.rcode, self.n - offset)
        k = offset - 1 - (len(spaces.group()) if spaces else 0)
        return k, self.code[k] if k >= 0 else ""

    def backwards(self, pattern: re.Pattern[str], offset: int) -> re.Match[str] | None:
        """`pattern` matched over the reversed code, ending just before `offset`."""
        return pattern.match(self.rcode, self.n - offset)

    def forward(self, m: re.Match[str], group: int = 1) -> tuple[int, int]:
        """Forward (start, end) of a group of a `backwards` match."""
        return self.n - m.end(group), self.n - m.start(group)

    def word_before(self, offset: int) -> str:
        m = self.backwards(_R_WORD, offset)
        return m.group(1)[::-1] if m else ""

    # -- passes -------------------------------------------------------------------------------

    def run(self) -> Facts:
        self.structure()
        self.declarations()
        self.imports()
        self.calls()
        self.assignments()
        self.test_mode()
        self.comments()
        # Position order where it matters (the first `mockX` binding is the one reported); the
        # integer keys sort in C, where Facts.sort's dataclass comparisons cost a tenth of the run.
        facts = self.facts
        for items in (facts.definitions, facts.references, facts.test_mode_checks):
            items.sort(key=_by_position)
        return facts

    def structure(self) -> None:
        """The `{...}` blocks, in one pass over the braces."""
        stack = [0]
        starts, ends, parents = self.starts, self.ends, self.parents
        block_of_brace = self.block_of_brace
        code, n = self.code, self.n
        # Two str.find scans (memchr) rather than a regex over `[{}]`, which tries every offset.
        find = code.find
        opening, closing = find("{"), find("}")
        while opening >= 0:
            if 0 <= closing < opening:
                if len(stack) > 1:
                    ends[stack.pop()] = closing
                closing = find("}", closing + 1)
                continue
            block = len(starts)
            block_of_brace[opening] = block
            starts.append(opening)
            ends.append(n)
            parents.append(stack[-1])
            stack.append(block)
            opening = find("{", opening + 1)
        while closing >= 0 and len(stack) > 1:
            ends[stack.pop()] = closing
            closing = find("}", closing + 1)

    def open_paren(self, close: int) -> int | None:
        """The `(` that matches the `)` at `close`."""
        code = self.code
        opening = code.rfind("(", 0, close)
        if opening >= 0 and code.find(")", opening, close) < 0:
            return opening  # no parentheses inside: the common case
        depth = 0
        for m in _PARENS().finditer(self.rcode, self.n - 1 - close):
            if m.group() == ")":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return self.n - 1 - m.start()
        return None

    def body_after(self, close: int) -> tuple[int, bool] | None:
        """(offset of the body `{`, is_arrow) of a parameter list ending at `close`."""
        code = self.code
        m = _AFTER_PARENS.match(code, close + 1)
        if m is None:
            return None
        kind = m.group(1)
        if kind == "=>":
            arrow = _ARROW_BODY.match(code, m.start(1))
            if arrow is not None and arrow.group(1):
                return arrow.start(1), True
            return None
        if kind == "{":
            return m.start(1), False
        return self.body_after_type(m.start(1))

    def body_after_type(self, i: int) -> tuple[int, bool] | None:
        """The body `{` after a return type annotation (`): Promise<T> {`, `): T => {`)."""
        m = _RETURN_TYPE.match(self.code, i)
        if m is None:
            return None
        return m.end() - 1, m.group(1) is not None

    def declarations(self) -> None:
        code, facts = self.code, self.facts
        definitions, block_at, bind, span = facts.definitions, self.block_at, self.bind, self.span
        required, function_value = _REQUIRED.match, _FUNCTION_VALUE.match
        for m in itertools.chain.from_iterable(decl.finditer(code) for decl in _DECLS):
            block = block_at(m.start())
            module_level = block == 0
            start, end = m.span(1) if m.group(1) else m.span(2)
            for _ in range(_MAX_DECLARATORS):  # `const a = 1, { b } = c, d = 2`
                if end - start > 1 or code[start] not in "{[":
                    name = code[start:end]
                    bind(name, block)
                    after = end
                    if code[end : end + 1] == "=" or code[end : end + 2] == " =":
                        if required(code, end):
                            start_end = self.next_declarator(after)
                            if start_end is None:
                                break
                            start, end = start_end
                            continue  # an import, not a definition
                        kind = DefKind.FUNCTION if function_value(code, end) else DefKind.VARIABLE
                    else:
                        kind = DefKind.VARIABLE
                        if function_value(code, end):  # `const f: Handler = () => ...`
                            kind = DefKind.FUNCTION
                    where = span(start, end)
                    definitions.append(Definition(kind, name, where, module_level, ()))
                else:
                    close = self.pattern_end(start)
                    for pm in _PATTERN_NAME().finditer(code, start + 1, close):
                        name = pm.group(1)
                        bind(name, block)
                        where = span(pm.start(1), pm.end(1))
                        kind = DefKind.VARIABLE
                        definitions.append(Definition(kind, name, where, module_level, ()))
                    after = close + 1
                start_end = self.next_declarator(after)
                if start_end is None:
                    break
                start, end = start_end
        for m in _CLASS.finditer(code):
            name = m.group(1)
            block = self.block_at(m.start())
            self.bind(name, block)
            facts.definitions.append(
                Definition(
                    DefKind.CLASS,
                    name,
                    self.span(m.start(1), m.end(1)),
                    block == 0,
                    _heritage(m.group(2)),
                )
            )
        for m in _ARROW_BLOCK.finditer(code):  # `x => { ... }`
            param = self.backwards(_R_WORD, m.start())
            arrow_body = self.block_of_brace.get(m.end() - 1)
            if param is not None and arrow_body is not None:
                self.bind(param.group(1)[::-1], arrow_body)
        for m in _PARAMS_END.finditer(code):
            close = m.start()
            body = self.body_after(close)
            if body is None or (body[1] and code[close - 1] == "("):
                continue  # not a parameter list, or `() => {` with nothing to bind
            opening = self.open_paren(close)
            if opening is not None:
                self.parameters(opening, close, body)

    def next_declarator(self, i: int) -> tuple[int, int] | None:
        """The name (or the `{` / `[` of a pattern) declared after a comma at the top level of
        the declaration that goes on at `i`; None at its end (`;`, a closing bracket, a line
        break that ends the statement) or after _MAX_DECLARATOR_TOKENS tokens."""
        code, depth = self.code, 0
        comma = code.find(",", i)
        if comma < 0:
            return None
        semi = code.find(";", i, comma)
        if semi >= 0 and code.find("{", i, semi) < 0:
            return None  # `const x = f(a);` ends before any comma (no block can hide the `;`)
        for _ in range(_MAX_DECLARATOR_TOKENS):
            t = _DECLARATOR_TOKENS.search(code, i)
            if t is None:
                return None
            k = t.start()
            c = code[k]
            i = k + 1
            if c == "{":
                block = self.block_of_brace.get(k)
                if block is None:
                    return None
                i = self.ends[block] + 1
            elif c == "(" or c == "[":
                depth += 1
            elif c == ")" or c == "]":
                depth -= 1
                if depth < 0:
                    return None
            elif depth > 0:
                continue
            elif c == "," and (d := _DECLARATOR().match(code, i)) is not None:
                return d.span(1) if d.group(1) else d.span(2)
            elif c in ";}" or (c == "\n" and not self.continues(k)):
                return None
        return None

    def continues(self, k: int) -> bool:
        """Whether the declaration goes on past the line break at `k` (`a = 1,` / `, b`)."""
        before = self.prev_char(k)[1]
        after = _R_SPACE.match(self.code, k)
        following = self.code[after.end() : after.end() + 1] if after else ""
        return before in _CONTINUES_AFTER or following in _CONTINUES_BEFORE

    def pattern_end(self, open_at: int) -> int:
        if self.code[open_at] == "{":
            block = self.block_of_brace.get(open_at)
            return self.ends[block] if block is not None else open_at + 1
        depth = 0
        for i in range(open_at, min(len(self.code), open_at + 2000)):
            c = self.code[i]
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return i
        return open_at + 1

    def parameters(self, open_at: int, close: int, body: tuple[int, bool]) -> None:
        """A parenthesised list followed by a body is a parameter list; bind it there."""
        brace, is_arrow = body
        block = self.block_of_brace.get(brace)
        if block is None:
            return
        code = self.code
        if not is_arrow:
            name_match = self.backwards(_R_NAME, open_at)
            name = name_match.group(1)[::-1] if name_match else ""
            if name in _CONTROL:
                return
            if name_match and name and name != "catch" and name != "function":
                start = self.forward(name_match)[0]
                k, prev = self.prev_char(start)
                keyword = (
                    self.word_before(k + 1) if prev and (prev.isalnum() or prev in "_$") else ""
                )
                if prev in (".", "?", ":"):
                    return  # a call in an expression, not a definition
                outer = self.block_at(start)
                if keyword == "function":
                    self.bind(name, outer)
                where = self.span(start, start + len(name))
                self.facts.definitions.append(
                    Definition(DefKind.FUNCTION, name, where, outer == 0, ())
                )
            self.definition_parens.add(open_at)
        for pm in _param_names(code[open_at + 1 : close]):
            self.bind(pm, block)

    def imports(self) -> None:
        code, facts = self.code, self.facts
        calls: list[re.Match[str]] = []
        for m in _IMPORT.finditer(code):
            if m.group(1):
                calls.append(m)
            elif m.group(2):
                module = self.string_at(m.start(2))
                if module is not None:
                    span = self.span(m.start(2), self.string_end(m.start(2)))
                    facts.imports.append(Import(module, None, None, span))
            else:
                clause = m.group(3).rstrip()
                module = self.string_at(m.start(4))
                # The clause ends in the keyword `from` (`import x from`, `import {a}from`).
                if not clause.endswith("from") or module is None:
                    continue
                text = clause[:-4]
                if text and not (text[-1].isspace() or text[-1] in "}*"):
                    continue  # `import fromage` ... not the keyword
                spec_span = self.span(m.start(4), self.string_end(m.start(4)))
                self.import_clause(text, m.start(3), module, spec_span, facts)
        calls += _REQUIRE.finditer(code)
        for m in _EXPORT_FROM.finditer(code):
            module = self.string_at(m.start(2))
            if module is None:
                continue
            clause = m.group(1)
            span = self.span(m.start(2), self.string_end(m.start(2)))
            if clause.startswith("*"):
                facts.imports.append(Import(module, None, None, span))
                continue
            base = m.start(1)
            for spec in _SPEC.finditer(clause, 1, len(clause) - 1):
                name = spec.group(1).strip("'\"")
                facts.imports.append(
                    Import(module, name, None, self.span(base + spec.start(), base + spec.end()))
                )
        for m in calls:
            quote = m.start(1)
            module = self.string_at(quote)
            if module is None:
                continue
            end = self.string_end(quote)
            facts.imports.append(Import(module, None, None, self.span(quote, end)))
            bound = _BOUND_TO().search(code, max(0, m.start() - 300), m.start())
            if bound is None:
                continue
            block = self.block_at(m.start())
            alias = bound.group(1) or bound.group(3)
            if alias:
                self.bind(alias, block, Binding.IMPORT, _canonical(module))
            elif bound.group(2) is not None:
                for name, local in _destructured(bound.group(2)):
                    self.bind(local, block, Binding.IMPORT, _canonical(f"{module}.{name}"))

    def import_clause(
        self, clause: str, base: int, module: str, spec_span: Span, facts: Facts
    ) -> None:
        i = 0
        rest = clause
        default = _DEFAULT_IMPORT.match(rest)
        if default is not None and default.group(1) != "type":
            self.bind(default.group(1), 0, Binding.IMPORT, _canonical(module))
            facts.imports.append(Import(module, None, default.group(1), spec_span))
            i = default.end()
        star = _NAMESPACE_IMPORT.match(clause, i)
        if star is not None:
            self.bind(star.group(1), 0, Binding.IMPORT, _canonical(module))
            facts.imports.append(Import(module, None, star.group(1), spec_span))
            return
        brace = clause.find("{", i)
        if brace < 0:
            return
        end = clause.find("}", brace)
        for spec in _SPEC.finditer(clause, brace + 1, end if end >= 0 else len(clause)):
            name = spec.group(1).strip("'\"")
            local = spec.group(2) or name
            self.bind(local, 0, Binding.IMPORT, _canonical(f"{module}.{name}"))
            span = self.span(base + spec.start(1), base + spec.end())
            facts.imports.append(Import(module, name, spec.group(2), span))

    def resolve(self, chain: str, offset: int) -> tuple[Binding, str, str]:
        if _SPACE_OR_OPTIONAL.search(chain) is None:
            spelled = chain
        else:
            spelled = ".".join(p.strip() for p in chain.replace("?.", ".").split("."))
        root, dot, rest = spelled.partition(".")
        binding, target = self.lookup(root, offset)
        if binding is Binding.LOCAL or not dot:
            return binding, target, spelled
        if binding is Binding.GLOBAL:
            return binding, spelled, spelled
        path = f"{target}.{rest}"
        if binding is Binding.IMPORT:
            for prefix, canonical in _CANONICAL.items():
                if path.startswith(prefix + "."):
                    path = canonical + path[len(prefix) :]
        return binding, path, spelled

    def calls(self) -> None:
        code, facts = self.code, self.facts
        skip = self.definition_parens
        callee, rcode, n = _R_CALLEE.match, self.rcode, self.n
        root_of, bindings, span = _ROOT.match, self.bindings, self.span
        references = facts.references
        methods = facts.method_calls
        for paren in _OPEN_PAREN.finditer(code):
            at = paren.start()
            m = callee(rcode, n - at)
            if m is None:
                continue
            chain_start, chain_end, last_end = m.start(1), m.end(1), m.end(2)
            start, end = n - chain_end, n - chain_start
            member = m.group(3) is not None
            if member or last_end != chain_end:  # `.name(`
                method_start = n - last_end
                methods.append((code[method_start:end], span(method_start, end)))
                if member:
                    continue
            if at in skip:
                continue
            if last_end == chain_end:  # a plain name: most calls in real code
                name = code[start:end]
                if name in _KEYWORDS or name[0].isdigit():
                    continue
                if name in bindings:
                    binding, path = self.lookup(name, start)
                    if binding is Binding.LOCAL:
                        continue
                else:
                    binding, path = Binding.GLOBAL, name
                where = span(start, end)
                references.append(Reference(path, RefKind.CALL, binding, where, name))
                continue
            root = root_of(code, start)
            if root is None or root.group() in _KEYWORDS:
                continue
            if root.group() in bindings and self.lookup(root.group(), start)[0] is Binding.LOCAL:
                continue  # `obj.method(` on a local object: the commonest dotted call
            binding, path, spelled = self.resolve(code[start:end], start)
            if binding is Binding.LOCAL:
                continue
            where = span(start, end)
            references.append(Reference(path, RefKind.CALL, binding, where, spelled))
        for m in _DECORATOR.finditer(code):
            binding, path, spelled = self.resolve(m.group(1), m.start(1))
            if binding is not Binding.LOCAL:
                where = span(m.start(1), m.end(1))
                references.append(Reference(path, RefKind.DECORATOR, binding, where, spelled))

    def assignments(self) -> None:
        for op in _ASSIGN_OP.finditer(self.code):
            m = self.backwards(_R_TARGET, op.start())
            if m is None:
                continue
            start, end = self.forward(m)
            target = self.code[start:end]
            parts: list[str] = []
            for seg in _SEGMENT().finditer(target):
                if seg.group(1):
                    parts.append(seg.group(1))
                else:
                    key = self.string_at(start + seg.start(2))
                    if key is None:
                        break
                    parts.append(key)
            if len(parts) < 2:
                continue
            binding, path, spelled = self.resolve(".".join(parts), start)
            if binding is Binding.LOCAL:
                continue
            self.facts.references.append(
                Reference(path, RefKind.ASSIGN, binding, self.span(start, end), spelled)
            )

    # -- test-mode checks ---------------------------------------------------------------------

    def test_mode(self) -> None:
        code = self.code
        for m in (m for env in _ENVS for m in env.finditer(code)):
            if m.re.groups == 3 and m.group(3):
                subject = "import.meta.vitest"
            else:
                var = m.group(1) or self.string_at(m.start(2))
                if not var:
                    continue
                subject = f"${var}"
            start, end = m.start(), m.end()
            after = _COMPARE_AFTER().match(code, end)
            if after is not None:
                quote = after.start(2)
                value = self.string_at(quote)
                if value is not None:
                    self.check(subject, value, start, self.string_end(quote), after.group(1))
                    continue
            before = _COMPARE_BEFORE().search(code, max(0, start - 200), start)
            if before is not None:
                opening = self.string_start(before.start(1))
                if opening is not None:
                    value = self.m.strings[opening]
                    self.check(subject, value, opening, end, before.group(2))
                    continue
            self.leaf(subject, start, end)

    def check(
        self, subject: str, value: str | None, start: int, end: int, operator: str = "==="
    ) -> None:
        span = self.span(start, end)
        self.facts.test_mode_checks.append(TestModeCheck(subject, value, span, operator))

    def leaf(self, subject: str, start: int, end: int) -> None:
        """A bare read counts in a condition or as the value of a flag."""
        code = self.code
        k, prev = self.prev_char(start)
        if prev == "(":
            word = self.word_before(k)
            if word == "switch":
                self.switch_cases(subject, end)
                return
            if word in ("if", "while"):
                self.check(subject, None, start, end)
            return
        if prev in ("!", "&", "|"):
            self.check(subject, None, start, end)
            return
        if prev == "=" and k > 0 and code[k - 1] not in "=!<>":
            self.check(subject, None, start, end)
            return
        following = code[end : end + 40].lstrip()
        if following.startswith(("&&", "||")) or (
            following.startswith("?") and not following.startswith(("?.", "??"))
        ):
            self.check(subject, None, start, end)

    def switch_cases(self, subject: str, end: int) -> None:
        code = self.code
        close = code.find(")", end)
        brace = code.find("{", close)
        block = self.block_of_brace.get(brace)
        if close < 0 or block is None or code[close + 1 : brace].strip():
            return
        for case in _CASE().finditer(code, brace, self.ends[block]):
            quote = case.start(1)
            value = self.string_at(quote)
            if value is not None:
                self.check(subject, value, case.start(), self.string_end(quote))

    def comments(self) -> None:
        text = self.m.text
        for offset, body in self.m.comments:
            line, col = self.pos(offset)
            before = text[self.line_starts[line - 1] : offset].strip()
            # A block comment followed by code on its line covers that line, not the next.
            end = offset + len(body) + (4 if text.startswith("/*", offset) else 2)
            after_end = self.line_starts[line] if line < len(self.line_starts) else len(text)
            after = text[end:after_end].strip()
            own_line = before in ("", "{") and after in ("", "}")
            self.facts.comments.append(Comment(body, line, col, own_line))


def _line_starts(code: str) -> list[int]:
    """Offsets at which lines start, lines broken as `source.Lines` breaks them."""
    if any(c in code for c in "\v\f\x1c\x1d\x1e") or (
        not code.isascii() and _OTHER_BREAKS().search(code) is not None
    ):
        return [0, *(b.end() for b in _LINE_BREAKS().finditer(code))]
    # str.splitlines breaks at \r\n, \r and \n only when none of the others occur: C speed.
    starts = [0, *itertools.accumulate(map(len, code.splitlines(True)))]
    if code and code[-1] not in "\r\n":
        starts.pop()  # the end of the text, not the start of a line
    return starts


def _by_position(fact: Definition | Reference | TestModeCheck) -> tuple[int, int]:
    return fact.span.line, fact.span.col


def _canonical(path: str) -> str:
    return _CANONICAL.get(path, path)


def _heritage(header: str) -> tuple[str, ...]:
    """`extends A<T> implements Partial<B>, C` -> ("A<T>", "Partial<B>", "C")."""
    bases: list[str] = []
    for part in _HERITAGE.split(header)[2::2]:
        depth = 0
        current = ""
        for c in part:
            if c == "<":
                depth += 1
            elif c == ">":
                depth -= 1
            if c == "," and depth == 0:
                bases.append(current)
                current = ""
            else:
                current += c
        bases.append(current)
    return tuple(_WS().sub("", b) for b in bases if b.strip())


def _split_top_level(params: str) -> list[str]:
    """`a: Map<K, V>, { b, c }` -> ["a: Map<K, V>", " { b, c }"]: commas at nesting depth 0."""
    if _NESTING.search(params) is None:
        return params.split(",")
    pieces = []
    depth = 0
    last = 0
    for m in _NESTING_TOKENS().finditer(params):
        token = m.group()
        if token == ",":
            if depth == 0:
                pieces.append(params[last : m.start()])
                last = m.end()
        elif token in "([{<":
            depth += 1
        elif token != "=>":
            depth -= 1
    pieces.append(params[last:])
    return pieces


def _param_names(params: str) -> list[str]:
    """Names bound by a parameter list (destructuring included; type annotations skipped)."""
    names: list[str] = []
    for piece in _split_top_level(params):
        m = _PARAM.match(piece)
        if m is None:
            continue
        if m.group(1):
            names.append(m.group(1))
            continue
        depth = 0
        start = m.end() - 1
        for t in _BRACKET_TOKENS().finditer(piece, start):
            if t.group() in "{[":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    names += [
                        p.group(1) for p in _PATTERN_NAME().finditer(piece, start + 1, t.start())
                    ]
                    break
    return names


def _destructured(pattern: str) -> list[tuple[str, str]]:
    """`stub, spy: s` -> [("stub", "stub"), ("spy", "s")]."""
    out = []
    for part in pattern.split(","):
        m = re.match(rf"\s*({_ID})\s*(?::\s*({_ID}))?\s*(?:=.*)?$", part, re.S)
        if m is not None:
            out.append((m.group(1), m.group(2) or m.group(1)))
    return out
