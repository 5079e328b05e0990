"""Masking lexer for JS/TS: blank out everything that is not code, keeping every offset.

`mask(text)` returns the text with comment bodies, string and template-literal contents,
regular-expression literal bodies and JSX text replaced by spaces (line breaks kept), so that
the extractor's regular expressions can run over the result and positions still line up with
the original. Template `${...}` expressions and JSX `{...}` containers stay code.

The scanner jumps from one interesting character to the next (quotes, `/`, a backtick, and braces
or `<` only where they matter) with `str.find`, so the Python-level loop runs once per token of
interest, not once per character. Whether a `/` starts a regular expression is
decided by the previous significant character, as JS tokenizers without a parser do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nomock_lint.facts import ParseError
from nomock_lint.records import Record


def lazy_regex(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """`re.compile(pattern, flags)` at the first call, the same pattern after that. `re.compile`
    costs 0.05 to 1 ms a pattern at every start; this is for the patterns that most files
    never reach (JSX, regex literals, `.vue` blocks, `switch` on an env variable ...)."""
    compiled: list[re.Pattern[str]] = []

    def get() -> re.Pattern[str]:
        if not compiled:
            compiled.append(re.compile(pattern, flags))
        return compiled[0]

    return get


# Called to get the pattern: `_REGEX().match(...)` (see lazy_regex).
_LINE_BREAKS = lazy_regex(r"\r\n|\r|\n")
_NOT_BREAK = lazy_regex(r"[^\r\n]")

# A complete string literal on one line (or continued with `\`): strings are the commonest stop.
_STRING = {
    "'": re.compile(r"'(?:[^'\\\r\n]|\\(?:\r\n|[\s\S]))*'"),
    '"': re.compile(r'"(?:[^"\\\r\n]|\\(?:\r\n|[\s\S]))*"'),
}
_TEMPLATE_TEXT = lazy_regex(r"(?:[^`\\$]|\\[\s\S]|\$(?!\{))*")
_REGEX = lazy_regex(r"/(?:[^/\\\[\r\n]|\\[^\r\n]|\[(?:[^\]\\\r\n]|\\[^\r\n])*\])+/[A-Za-z]*")
_BLOCK_END = re.compile(r"\*/")
_WORD_BEFORE = lazy_regex(r"[A-Za-z_$][\w$]*$")
# After these words an expression starts, so `/` begins a regex and `<` may begin JSX.
_EXPR_KEYWORDS = frozenset(
    {
        "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case",
        "do", "else", "yield", "await", "default", "extends",
    }
)  # fmt: skip
_JSX_TAG_START = lazy_regex(r"<(?:>|([A-Za-z_$][\w$.:-]*)(?=[\s>/{])(?!\s+extends\b))")
_JSX_TAG_STOP = lazy_regex(r"['\"{>/]")
_JSX_ATTR_STRING = {"'": lazy_regex(r"'[^']*'"), '"': lazy_regex(r'"[^"]*"')}
_JSX_TEXT_STOP = lazy_regex(r"[<{]")
_JSX_CLOSE = lazy_regex(r"</[^>]*>")

_CODE, _TEMPLATE, _JSX_TAG, _JSX_CHILDREN = range(4)


class Masked(Record):  # not a dataclass: see records.py
    __slots__ = ("code", "comment_starts", "comments", "strings", "text")

    def __init__(
        self,
        text: str,
        code: str,
        strings: dict[int, str] | None = None,
        comments: list[tuple[int, str]] | None = None,
        comment_starts: dict[int, int] | None = None,
    ) -> None:
        self.text = text  # the original
        self.code = code  # same length, non-code blanked
        # Quote offset -> raw contents; (offset, body) of the comments that mention `nomock`;
        # the end -> start of every comment.
        self.strings = {} if strings is None else strings
        self.comments = [] if comments is None else comments
        self.comment_starts = {} if comment_starts is None else comment_starts

    def without_comments(self) -> str:
        """The original text with its comments blanked and everything else kept (the strings
        that `code` blanks too)."""
        parts = []
        pos = 0
        for end, start in sorted(self.comment_starts.items()):
            parts.append(self.text[pos:start])
            parts.append(blank(self.text[start:end]))
            pos = end
        parts.append(self.text[pos:])
        return "".join(parts)


def blank(s: str) -> str:
    """`s` with every character but line breaks turned into a space."""
    if "\r" in s:
        return _NOT_BREAK().sub(" ", s)
    if "\n" not in s:
        return " " * len(s)
    return "\n".join([" " * len(line) for line in s.split("\n")])


def line_of(text: str, offset: int) -> int:
    return len(_LINE_BREAKS().findall(text, 0, offset)) + 1


class _Scanner:
    def __init__(self, text: str, jsx: bool) -> None:
        self.text = text
        self.jsx = jsx
        self.has_cr = "\r" in text
        self.out: list[str] = []
        self.strings: dict[int, str] = {}
        self.comments: list[tuple[int, str]] = []
        self.comment_starts: dict[int, int] = {}  # the end offset of each comment -> its start
        # Frames: [kind, brace depth, start offset]; the bottom frame is top-level code.
        self.stack: list[list[int]] = [[_CODE, 0, 0]]

    def fail(self, what: str, offset: int) -> ParseError:
        line = line_of(self.text, offset)
        start = max(self.text.rfind("\n", 0, offset), self.text.rfind("\r", 0, offset)) + 1
        col = offset - start + 1
        return ParseError(f"syntax error at {line}:{col}: {what}", line, col)

    def prev_significant(self, j: int) -> int:
        """Offset of the last character before `j` that is neither blank nor in a comment (-1 at
        the start): in `[/a/, // a\n /b/]` the second `/` follows `,`, not the word `a`."""
        text, comment_starts = self.text, self.comment_starts
        k = j - 1
        while k >= 0:
            if text[k] in " \t\r\n\ufeff\xa0":
                k -= 1
                continue
            start = comment_starts.get(k + 1)
            if start is None:
                return k
            k = start - 1
        return k

    def expression_starts(self, j: int) -> bool:
        """Whether an operand (not an operator) is expected at `j`."""
        k = self.prev_significant(j)
        if k < 0:
            return True
        c = self.text[k]
        if c in ")]}'\"`" or c.isdigit():
            return False
        if c.isalnum() or c in "_$" or ord(c) > 127:
            m = _WORD_BEFORE().search(self.text, max(0, k - 11), k + 1)
            return m is not None and m.group() in _EXPR_KEYWORDS
        return True

    def run(self) -> str:
        text, out, stack = self.text, self.out, self.stack
        n = len(text)
        i = 0
        if text.startswith("#!"):
            end = self.line_end(0)
            self.comment_starts[end] = 0
            out.append(blank(text[:end]))
            i = end
        # The next offset of each character that stops the scan in code (n: none left), found
        # with str.find (memchr) and kept until the scan passes it: a regex over a class of
        # characters tries every offset, ten times slower on a large bundle.
        find = text.find
        jsx = self.jsx
        quote = dquote = tick = slash = opening = closing = less = -1
        while i < n:
            frame = stack[-1]
            kind = frame[0]
            if kind == _CODE:
                if quote < i:
                    quote = find("'", i) % (n + 1)  # -1 (not found) becomes n
                if dquote < i:
                    dquote = find('"', i) % (n + 1)
                if tick < i:
                    tick = find("`", i) % (n + 1)
                if slash < i:
                    slash = find("/", i) % (n + 1)
                j = min(quote, dquote, tick, slash)
                if len(stack) > 1:
                    if opening < i:
                        opening = find("{", i) % (n + 1)
                    if closing < i:
                        closing = find("}", i) % (n + 1)
                    j = min(j, opening, closing)
                if jsx:
                    if less < i:
                        less = find("<", i) % (n + 1)
                    j = min(j, less)
                if j >= n:
                    out.append(text[i:])
                    i = n
                    break
                out.append(text[i:j])
                c = text[j]
                m = _STRING[c].match(text, j) if c == "'" or c == '"' else None
                if m is not None:  # a whole string literal: the commonest stop
                    end = m.end()
                    raw = text[j + 1 : end - 1]
                    self.strings[j] = raw
                    # Only a `\` line continuation can put a line break inside.
                    inner = blank(raw) if "\\" in raw else " " * len(raw)
                    out.append(c + inner + c)
                    i = end
                else:
                    i = self.code_token(j)
            elif kind == _TEMPLATE:
                m = _TEMPLATE_TEXT().match(text, i)
                j = m.end() if m else i
                out.append(blank(text[i:j]))
                if j >= n:
                    raise self.fail("unterminated template literal", frame[2])
                if text[j] == "`":
                    out.append("`")
                    stack.pop()
                    i = j + 1
                else:  # `${`
                    out.append("${")
                    stack.append([_CODE, 0, j])
                    i = j + 2
            elif kind == _JSX_TAG:
                i = self.jsx_tag(i)
            else:
                i = self.jsx_children(i)
        if len(stack) > 1:
            top = stack[-1]
            what = {
                _CODE: "unclosed `{`",
                _TEMPLATE: "unterminated template literal",
                _JSX_TAG: "unterminated JSX tag",
                _JSX_CHILDREN: "unclosed JSX element",
            }[top[0]]
            raise self.fail(what, top[2])
        return "".join(out)

    def code_token(self, j: int) -> int:
        """Handle the interesting character at `j` in code; return where to continue."""
        text, out, stack = self.text, self.out, self.stack
        c = text[j]
        if c == "'" or c == '"':
            m = _STRING[c].match(text, j)
            if m is None:
                raise self.fail("unterminated string literal", j)
            end = m.end()
            self.strings[j] = text[j + 1 : end - 1]
            out.append(c + blank(text[j + 1 : end - 1]) + c)
            return end
        if c == "`":
            m = _TEMPLATE_TEXT().match(text, j + 1)
            end = m.end() if m else j + 1
            if end < len(text) and text[end] == "`":  # no substitutions: a plain string
                self.strings[j] = text[j + 1 : end]
                out.append("`" + blank(text[j + 1 : end]) + "`")
                return end + 1
            out.append("`")
            stack.append([_TEMPLATE, 0, j])
            return j + 1
        if c == "/":
            nxt = text[j + 1 : j + 2]
            if nxt == "/":
                end = self.line_end(j)
                self.comment_starts[end] = j
                if text.find("nomock", j, end) >= 0:
                    self.comments.append((j, text[j + 2 : end]))
                out.append(" " * (end - j))
                return end
            if nxt == "*":
                m = _BLOCK_END.search(text, j + 2)
                if m is None:
                    raise self.fail("unterminated comment", j)
                end = m.end()
                self.comment_starts[end] = j
                if text.find("nomock", j, end) >= 0:
                    self.comments.append((j, text[j + 2 : end - 2]))
                out.append(blank(text[j:end]))
                return end
            if self.expression_starts(j):
                m = _REGEX().match(text, j)
                if m is not None:
                    end = m.end()
                    body_end = text.rindex("/", j, end)
                    out.append("/" + blank(text[j + 1 : body_end]) + text[body_end:end])
                    return end
            out.append("/")
            return j + 1
        if c == "{":
            stack[-1][1] += 1
            out.append("{")
            return j + 1
        if c == "}":
            frame = stack[-1]
            out.append("}")
            if frame[1] > 0:
                frame[1] -= 1
            else:  # closes `${` or a JSX `{`
                stack.pop()
            return j + 1
        # c == "<": JSX only where an operand is expected.
        if self.expression_starts(j):
            m = _JSX_TAG_START().match(text, j)
            if m is not None:
                out.append(text[j : m.end()])
                if m.group(1) is None:  # a fragment `<>`
                    stack.append([_JSX_CHILDREN, 0, j])
                else:
                    stack.append([_JSX_TAG, 0, j])
                return m.end()
        out.append("<")
        return j + 1

    def line_end(self, j: int) -> int:
        """The offset of the line break that ends the line at `j` (or the end of the text)."""
        text = self.text
        end = text.find("\n", j)
        if end < 0:
            end = len(text)
        if self.has_cr:
            cr = text.find("\r", j, end)
            if cr >= 0:
                return cr
        return end

    def jsx_tag(self, i: int) -> int:
        """Inside `<Name ...`: attribute strings are masked, `{...}` is code."""
        text, out, stack = self.text, self.out, self.stack
        m = _JSX_TAG_STOP().search(text, i)
        if m is None:
            raise self.fail("unterminated JSX tag", stack[-1][2])
        j = m.start()
        out.append(text[i:j])
        c = text[j]
        if c == "'" or c == '"':
            sm = _JSX_ATTR_STRING[c]().match(text, j)
            if sm is None:
                raise self.fail("unterminated JSX attribute", j)
            end = sm.end()
            self.strings[j] = text[j + 1 : end - 1]
            out.append(c + blank(text[j + 1 : end - 1]) + c)
            return end
        if c == "{":
            out.append("{")
            stack.append([_CODE, 0, j])
            return j + 1
        if c == ">":
            out.append(">")
            stack[-1][0] = _JSX_CHILDREN
            return j + 1
        # c == "/": `/>` ends the element; `//` or `/*` is a comment.
        nxt = text[j + 1 : j + 2]
        if nxt == ">":
            out.append("/>")
            stack.pop()
            return j + 2
        if nxt in ("/", "*"):
            return self.code_token(j)
        out.append("/")
        return j + 1

    def jsx_children(self, i: int) -> int:
        """JSX text is blanked up to the next tag or `{...}` container."""
        text, out, stack = self.text, self.out, self.stack
        m = _JSX_TEXT_STOP().search(text, i)
        if m is None:
            raise self.fail("unclosed JSX element", stack[-1][2])
        j = m.start()
        out.append(blank(text[i:j]))
        if text[j] == "{":
            out.append("{")
            stack.append([_CODE, 0, j])
            return j + 1
        close = _JSX_CLOSE().match(text, j)
        if close is not None:
            out.append(text[j : close.end()])
            stack.pop()
            return close.end()
        tag = _JSX_TAG_START().match(text, j)
        if tag is None:  # a stray `<` in text (invalid JSX): keep it as text
            out.append(" ")
            return j + 1
        out.append(text[j : tag.end()])
        stack.append([_JSX_CHILDREN if tag.group(1) is None else _JSX_TAG, 0, j])
        return tag.end()


def mask(text: str, jsx: bool = False) -> Masked:
    scanner = _Scanner(text, jsx)
    code = scanner.run()
    assert len(code) == len(text), "masking must keep every offset"
    return Masked(text, code, scanner.strings, scanner.comments, scanner.comment_starts)
