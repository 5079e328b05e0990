"""Report renderers, by `--format` name. Each takes the report and returns the text to write."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from nomock_lint.model import Finding, PluginRuleInfo, Report


class RenderOptions(NamedTuple):
    color: bool = False
    quiet: bool = False
    statistics: bool = False
    sarif_category: str = "nomock/"
    plugin_rules: tuple[PluginRuleInfo, ...] = ()  # described in SARIF after the catalog


Renderer = Callable[[Report, RenderOptions], str]


def renderers() -> dict[str, Renderer]:
    """Each renderer's module is imported when it renders: a run loads only the one it uses."""
    return {"text": _text, "json": _json, "sarif": _sarif, "github": _github}


def file_encoder(name: str) -> Callable[[list[Finding]], str] | None:
    """How the format `name` encodes one file's findings ahead of the report (`api.check`'s
    `encode`), if it writes them file after file: JSON."""
    if name != "json":
        return None
    from nomock_lint.formats import json_format

    return json_format.FileEncoder()


def _text(report: Report, options: RenderOptions) -> str:
    from nomock_lint.formats import text

    return text.render(report, options)


def _json(report: Report, options: RenderOptions) -> str:
    from nomock_lint.formats import json_format

    return json_format.render(report, options)


def _sarif(report: Report, options: RenderOptions) -> str:
    from nomock_lint.formats import sarif

    return sarif.render(report, options)


def _github(report: Report, options: RenderOptions) -> str:
    from nomock_lint.formats import github

    return github.render(report, options)


FORMAT_NAMES = ("text", "json", "sarif", "github")
