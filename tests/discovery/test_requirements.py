"""Requirements files, their lock files and conda environments: every dependency with its
line, and no input that makes the parsers fail."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.discovery.requirements import (
    Dependency,
    normalise,
    parse_conda_environment,
    parse_requirement,
    parse_requirements,
)


def test_requirements_with_options_markers_hashes_and_continuations():
    text = (
        "# pinned by pip-compile\n"
        "-r base.txt\n"
        "--index-url https://pypi.example.org/simple\n"
        "torch==2.3.1 \\\n"
        "    --hash=sha256:aaaa \\\n"
        "    --hash=sha256:bbbb\n"
        "Transformers[torch] >=4.40,<5 ; python_version >= '3.9'  # comment\n"
        "scikit_learn\n"
        "my-model @ https://example.org/m.whl\n"
        "-e ./local\n"
    )
    assert parse_requirements(text) == [
        Dependency("torch", "2.3.1", 4),
        Dependency("transformers", ">=4.40,<5", 7),
        Dependency("scikit-learn", "", 8),
        Dependency("my-model", "https://example.org/m.whl", 9),
    ]


def test_conda_environment():
    text = (
        "name: train\n"
        "channels:\n  - conda-forge\n"
        "dependencies:\n"
        "  - python=3.11\n"
        "  - pytorch::pytorch=2.3.1=py3.11_cuda12\n"
        "  - numpy>=1.26  # arrays\n"
        "  - pip\n"
        "  - pip:\n"
        "      - openai==1.30.0\n"
        "      - 'transformers>=4.40'\n"
        "variables:\n  KEY: value\n"
    )
    assert parse_conda_environment(text) == [
        Dependency("python", "3.11", 5, "conda"),
        Dependency("pytorch", "2.3.1", 6, "conda"),
        Dependency("numpy", ">=1.26", 7, "conda"),
        Dependency("pip", "", 8, "conda"),
        Dependency("openai", "1.30.0", 10),
        Dependency("transformers", ">=4.40", 11),
    ]


def test_normalise_follows_pep_503():
    assert normalise("Scikit_Learn") == normalise("scikit.learn") == "scikit-learn"


names = st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,20}[A-Za-z0-9]", fullmatch=True)
versions = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}", fullmatch=True)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(names, versions, st.sampled_from(["==", ">=", "~="])), max_size=15))
def test_generated_requirements_round_trip(pins):
    text = "".join(f"{name}{op}{version}\n" for name, version, op in pins)
    parsed = parse_requirements(text)
    assert [(d.name, d.line) for d in parsed] == [
        (normalise(name), number) for number, (name, _, _) in enumerate(pins, 1)
    ]
    for dep, (_, version, op) in zip(parsed, pins, strict=True):
        assert dep.version == (version if op == "==" else op + version)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_any_text_parses_without_error(text):
    for dep in parse_requirements(text) + parse_conda_environment(text):
        assert dep.name and dep.line is not None and dep.line >= 1
    parse_requirement(text, None)
