"""Report renderers, by `--format` name. Each takes the report and returns the text to write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nomock_lint.model import Report


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    quiet: bool = False
    statistics: bool = False
    sarif_category: str = "nomock/"


Renderer = Callable[[Report, RenderOptions], str]


def renderers() -> dict[str, Renderer]:
    from nomock_lint.formats import github, json_format, sarif, text

    return {
        "text": text.render,
        "json": json_format.render,
        "sarif": sarif.render,
        "github": github.render,
    }


FORMAT_NAMES = ("text", "json", "sarif", "github")
