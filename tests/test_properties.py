"""Property-based tests: any input, through the whole pipeline, never raises and is stable.

Every run also renders JSON and SARIF, which must parse and validate whatever the input."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nomock_lint import api
from nomock_lint.config import Config
from nomock_lint.formats import RenderOptions, renderers
from nomock_lint.model import Finding

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parent
CONFIG = Config(root=ROOT)
FIXTURE_BYTES = [
    (p.relative_to(FIXTURES).as_posix(), p.read_bytes())
    for p in sorted(FIXTURES.rglob("*"))
    if p.is_file() and p.suffix in (".py", ".ts", ".tsx", ".js")
]
NAMES = ["tests/test_x.py", "app/service.py", "src/a.test.ts", "src/app.ts", "lib/x.js"]
SETTINGS = settings(
    # NOMOCK_FUZZ_EXAMPLES=5000 for a long fuzzing session; CI runs the default.
    max_examples=int(os.environ.get("NOMOCK_FUZZ_EXAMPLES", "120")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((ROOT / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator: jsonschema.protocols.Validator = jsonschema.validators.validator_for(schema)(schema)
    return validator


def _run(data: bytes, name: str) -> tuple[list[Finding], str]:
    """The stdin path of api.check (config, class, language, cache-less); valid JSON and SARIF."""
    report = api.check(stdin=data, stdin_filename=str(ROOT / name), config=CONFIG, jobs=1)
    document = renderers()["json"](report, RenderOptions())
    json.loads(document)  # valid JSON, whatever the input
    sarif = json.loads(renderers()["sarif"](report, RenderOptions()))
    errors = [e.message for e in _sarif_validator().iter_errors(sarif)]
    assert errors == [], errors  # valid SARIF 2.1.0, whatever the input
    assert len(report.files) == 1
    return report.findings, document


def _check(data: bytes, name: str, use_prefilter: bool) -> list[Finding]:
    language = "python" if name.endswith(".py") else "javascript"
    result = api.check_source(
        data, name, language, CONFIG.is_test(name), CONFIG, use_prefilter=use_prefilter
    )
    return result.findings


@SETTINGS
@given(data=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_arbitrary_bytes(data: bytes, name: str) -> None:
    first = _run(data, name)
    assert _run(data, name) == first


@SETTINGS
@given(text=st.text(max_size=2000), name=st.sampled_from(NAMES))
def test_arbitrary_text(text: str, name: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    first = _run(data, name)
    assert _run(data, name) == first


@st.composite
def mutated_fixture(draw: st.DrawFn) -> tuple[str, bytes]:
    name, data = draw(st.sampled_from(FIXTURE_BYTES))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 80)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        noise = draw(
            st.one_of(
                st.binary(max_size=12),
                st.sampled_from(
                    [b"(", b")", b"[", b"`", b"'", b'"', b"\\", b"\r\n", b"\t", b"\xff"]
                ),
                st.text(max_size=6).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
            )
        )
        if action == "delete":
            data = data[:start] + data[end:]
        elif action == "insert":
            data = data[:start] + noise + data[start:]
        elif action == "duplicate":
            data = data[:end] + data[start:end] + data[end:]
        else:
            data = data[:start] + noise + data[end:]
    return name, data


@SETTINGS
@given(case=mutated_fixture())
def test_mutated_fixtures(case: tuple[str, bytes]) -> None:
    name, data = case
    first = _run(data, name)
    assert _run(data, name) == first


@SETTINGS
@given(case=mutated_fixture())
def test_prefilter_is_sound_on_mutated_fixtures(case: tuple[str, bytes]) -> None:
    """The prefilter never loses a finding; only NM903 needs a parse that it skips. A file
    that does not parse whole may still parse without the functions that the prefilter leaves
    out (frontends/python_outline.py): then it is checked, not reported as NM903."""
    name, data = case
    with_prefilter = [f for f in _check(data, name, True) if f.rule_id != "NM903"]
    whole = _check(data, name, False)
    without = [f for f in whole if f.rule_id != "NM903"]
    if any(f.rule_id == "NM903" for f in whole):
        assert without == []  # nothing to lose
    else:
        assert with_prefilter == without


def test_parser_warnings_do_not_reach_the_user() -> None:
    """Found by fuzzing: `"\\d"` in checked code made ast.parse warn on the user's stderr."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        findings = _check(b'from unittest import mock\nx = "\\d"\n', "tests/test_x.py", True)
    assert [f.rule_id for f in findings] == ["NM101"]
