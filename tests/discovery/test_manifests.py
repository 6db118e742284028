"""pyproject.toml (PEP 621, dependency groups, Poetry), Pipfile, poetry.lock and uv.lock."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.discovery.manifests import parse_lock, parse_pipfile, parse_pyproject
from aisec.discovery.requirements import Dependency, normalise


def test_pyproject_pep621_groups_and_poetry():
    text = """\
[project]
dependencies = ["torch>=2", "requests"]

[project.optional-dependencies]
llm = ["openai==1.30.0"]

[dependency-groups]
dev = ["pytest", "langchain_core>=0.2"]

[tool.poetry.dependencies]
python = "^3.11"
transformers = "^4.40"
accelerate = {version = "0.30.1", optional = true}

[tool.poetry.group.ml.dependencies]
scikit-learn = "*"
"""
    assert parse_pyproject(text) == [
        Dependency("torch", ">=2", 2),
        Dependency("requests", "", 2),
        Dependency("openai", "1.30.0", 5),
        Dependency("pytest", "", 8),
        Dependency("langchain-core", ">=0.2", 8),
        Dependency("transformers", "^4.40", 12),
        Dependency("accelerate", "0.30.1", 13),
        Dependency("scikit-learn", "", 16),
    ]


def test_pipfile():
    text = '[packages]\ntorch = "==2.3.1"\nanthropic = "*"\n\n[dev-packages]\nmypy = "*"\n'
    assert parse_pipfile(text) == [
        Dependency("torch", "2.3.1", 2),
        Dependency("anthropic", "", 3),
        Dependency("mypy", "", 6),
    ]


def test_uv_and_poetry_locks():
    text = (
        'version = 1\n\n[[package]]\nname = "numpy"\nversion = "2.0.0"\n'
        'source = { registry = "x" }\n'
        '\n[[package]]\nname = "torch"\nversion = "2.3.1"\n'
    )
    assert parse_lock(text) == [Dependency("numpy", "2.0.0", 3), Dependency("torch", "2.3.1", 8)]


def test_malformed_toml_is_an_error_the_caller_reports():
    with pytest.raises(tomllib.TOMLDecodeError):
        parse_pyproject("[project\n")


toml_names = st.from_regex(r"[a-z][a-z0-9-]{0,15}[a-z0-9]", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        toml_names, st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True), max_size=10
    )
)
def test_generated_locks(packages):
    text = "".join(f'[[package]]\nname = "{n}"\nversion = "{v}"\n\n' for n, v in packages.items())
    parsed = parse_lock(text)
    assert [(d.name, d.version) for d in parsed] == [(normalise(n), v) for n, v in packages.items()]
    assert [d.line for d in parsed] == [1 + 4 * i for i in range(len(packages))]


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        toml_names, st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True), max_size=10
    )
)
def test_generated_pyproject_lines(deps):
    lines = "".join(f'  "{n}=={v}",\n' for n, v in deps.items())
    text = f"[project]\ndependencies = [\n{lines}]\n"
    parsed = parse_pyproject(text)
    assert [(d.name, d.version) for d in parsed] == [(normalise(n), v) for n, v in deps.items()]
    for dep, name in zip(parsed, deps, strict=True):
        # the first line naming it: its own, or an earlier one naming it the same way
        assert dep.line is not None
        assert normalise(text.splitlines()[dep.line - 1].strip(' ",').split("==")[0]) == dep.name
        assert dep.line <= 3 + list(deps).index(name)
