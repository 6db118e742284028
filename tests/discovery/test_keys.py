"""The key detector: what it finds, what it leaves, and that redaction never leaks."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.discovery.keys import _plausible, find_keys, redact, redact_text

ALNUM = string.ascii_letters + string.digits


def test_every_provider():
    samples = {
        "openai": "sk-proj-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0UvWx",
        "anthropic": "sk-ant-api03-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0UvWx",
        "huggingface": "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh",
        "google": "AIza" + "SyAb1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uvw",
        "replicate": "r8_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0UvWxYz1",
        "groq": "gsk_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0UvWxYz1Ab2Cd3Ef4Gh5Ij6K",
    }
    for provider, key in samples.items():
        (match,) = find_keys(f'token = "{key}"')
        assert match.provider == provider, key
        assert match.redacted.endswith(key[-4:]) and key not in match.redacted
        assert (match.line, match.column) == (1, 10)


def test_placeholders_and_prose_are_not_keys():
    for text in (
        "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "OPENAI_API_KEY=sk-...",
        "sk-proj-your-key-goes-here-your-key-goes-here",
        "sk-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "the task-runner uses disk-based caching",
        "hf_hub_download(repo_id='bert-base-uncased')",
    ):
        assert list(find_keys(text)) == [], text


def test_line_numbers():
    text = "a\nb\n  key = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh'\n"
    (match,) = find_keys(text)
    assert (match.line, match.column) == (3, 10)


def test_redaction_keeps_at_most_prefix_and_four():
    assert redact("sk-proj-" + "A" * 30 + "wxyz", "sk-proj-") == "sk-proj-…wxyz"
    assert redact("short", "") == "…"


bodies = st.text(alphabet=ALNUM, min_size=40, max_size=80).filter(lambda s: _plausible(s, ""))


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(["sk-proj-", "sk-ant-api03-", "hf_", "r8_"]),
    body=bodies,
    before=st.text(max_size=30),
    after=st.text(max_size=30),
)
def test_generated_keys_are_found_and_never_leak(prefix, body, before, after):
    key = prefix + body
    text = f"{before} '{key}' {after}"
    matches = list(find_keys(text))
    shown = {"sk-ant-api03-": "sk-ant-"}.get(prefix, prefix)  # the provider's own prefix
    assert any(m.redacted == f"{shown}…{key[-4:]}" for m in matches)
    for match in matches:
        assert body[:-4] not in match.redacted
    assert key not in redact_text(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes_and_redaction_is_short(text):
    for match in find_keys(text):
        assert len(match.redacted) <= 20
        assert match.line >= 1 and match.column >= 1
