"""Properties of the scan on any text: it never fails, matches stay within the text, sorted
and apart, values are never shown; and inputs built to make patterns backtrack finish."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_secrets_formats import FORMATS

from aisec.data.secrets import SECRET_KINDS, find_secrets

# Pieces that reach every detector: anchors, token alphabets, separators, PEM lines.
_PIECES = st.sampled_from(
    [
        "sk-",
        "sk-proj-",
        "sk-ant-api03-",
        "ghp_",
        "github_pat_",
        "AKIA",
        "AIza",
        "eyJ",
        "Q~",
        "JQQJ9",
        "AccountKey=",
        "sig=",
        "sv=2022-11-02&sp=r&",
        "aws_secret_access_key=",
        "COHERE_API_KEY=",
        "AZURE_OPENAI_KEY=",
        "hooks.slack.com/services/",
        "xoxb-",
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----END RSA PRIVATE KEY-----",
        '"private_key": "',
        '"type": "service_account"',
        "\\n",
        "\n",
        " ",
        ".",
        "=",
        "/",
        "+",
        "-",
        "_",
        "%3D",
        "aB3dE5fG7hJ9kL1m",
        "0123",
        "xyz",
        "é",
        "\x00",
    ]
)
_MIXED = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join))


def _check(text: str) -> None:
    matches = find_secrets(text)
    previous_end = 0
    for match in matches:
        assert previous_end <= match.start < match.end <= len(text)
        previous_end = match.end
        value = text[match.start : match.end]
        assert match.kind in SECRET_KINDS
        assert value not in match.redacted
        assert match.digest == hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
        assert 0.0 < match.confidence <= 1.0


@settings(max_examples=200, deadline=None)
@given(_MIXED)
def test_any_text_is_scanned_safely(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(_PIECES, max_size=20).map("".join), st.sampled_from(sorted(FORMATS)))
def test_a_planted_token_survives_any_surroundings_that_end_tokens(noise: str, kind: str) -> None:
    make, contexts = FORMATS[kind]
    value = make(random.Random(noise))
    context = contexts[0]
    at = context.index("{}")
    text = f"{noise}\n{context[:at]}{value}{context[at + 2 :]}\n{noise}"
    start = len(noise) + 1 + at
    _check(text)
    assert (start, start + len(value), kind) in {
        (m.start, m.end, m.kind) for m in find_secrets(text)
    }


@pytest.mark.parametrize(
    "text",
    [
        "-----BEGIN PRIVATE KEY-----" * 20_000,
        "-----BEGIN PRIVATE KEY-----\n" + "A" * 40_000,
        "sk-" * 40_000,
        "eyJ" + "a" * 40_000,
        ("eyJhbGciOiJIUzI1NiJ9." * 20_000),
        ". eyJ" * 20_000,
        "AKIA" * 20_000,
        "AKIA2Q7RZK4MBX6TWJ3N aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7d\n" * 5_000,
        "AccountKey=" + "A" * 40_000,
        "sig=" * 20_000,
        "_" * 40_000,
        "-" * 40_000,
        "COHERE_" * 20_000,
        "Q~" * 40_000,
        "hooks.slack.com/services/" * 10_000,
    ],
    ids=lambda text: repr(text[:20]),
)
def test_hostile_inputs_finish(text: str) -> None:
    _check(text)
