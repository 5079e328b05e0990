"""JS/TS front-end (lexical)."""

from __future__ import annotations

from nomock_lint.facts import Facts, ParseError


def extract(data: bytes, relpath: str) -> tuple[Facts, str]:
    raise ParseError("JavaScript front-end not available yet")
