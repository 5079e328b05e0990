"""Python front-end for syntax the running interpreter cannot parse: libcst's native parser."""

from __future__ import annotations

from nomock_lint.facts import Facts, ParseError


def extract(text: str) -> Facts:
    raise ParseError("libcst front-end not available yet")
