"""AI provider keys: OpenAI, Anthropic, Hugging Face, Replicate, Groq, xAI, Perplexity, and
Cohere and Mistral (whose keys have no prefix, so only their variable names give them away).

The prefixes and alphabets are those of the keys providers issue today; every one of them
identifies its provider on its own except OpenAI's oldest ``sk-`` form, which other services
copied (hence its lower confidence unless it carries ``T3BlbkFJ``, the base64 of "OpenAI"
that OpenAI embeds in its keys).
"""

from __future__ import annotations

from aisec.data.secrets.model import RegexDetector, token, with_body
from aisec.data.secrets.named import named, unless_placeholder
from aisec.data.secrets.placeholders import is_placeholder

_URLSAFE = "[A-Za-z0-9_-]"
_OPENAI_MARK = "T3BlbkFJ"


def _assess_openai(body: str, confidence: float, marked: float) -> float | None:
    if is_placeholder(body):
        return None
    return marked if _OPENAI_MARK in body else confidence


def _prefixed(
    kind: str, provider: str, anchor: str, prefix: str, body: str, confidence: float
) -> RegexDetector:
    return RegexDetector(
        kind,
        provider,
        (anchor,),
        token(prefix, body),
        confidence,
        assess=unless_placeholder(confidence),
    )


def _openai(kind: str, prefix: str, body: str, confidence: float, marked: float) -> RegexDetector:
    """An OpenAI key: ``marked`` when it carries OpenAI's own marker, else ``confidence``."""
    return RegexDetector(
        kind,
        "openai",
        ("sk-",),
        token(prefix, body),
        confidence,
        assess=with_body(lambda found: _assess_openai(found, confidence, marked)),
    )


# Tried in this order at an ``sk-``: the longer, more specific prefixes first.
SK_DETECTORS: tuple[RegexDetector, ...] = (
    _prefixed(
        "anthropic-admin-key",
        "anthropic",
        "sk-",
        r"sk-ant-admin\d\d-",
        f"{_URLSAFE}{{20,300}}+",
        0.99,
    ),
    _prefixed(
        "anthropic-api-key",
        "anthropic",
        "sk-",
        r"sk-ant-(?:api|oat)\d\d-",
        f"{_URLSAFE}{{20,300}}+",
        0.99,
    ),
    _prefixed("anthropic-api-key", "anthropic", "sk-", r"sk-ant-", f"{_URLSAFE}{{32,300}}+", 0.85),
    _openai("openai-admin-key", "sk-admin-", f"{_URLSAFE}{{20,400}}+", 0.95, 0.99),
    _openai("openai-service-account-key", "sk-svcacct-", f"{_URLSAFE}{{20,400}}+", 0.95, 0.99),
    _openai("openai-api-key", "sk-(?:proj|None)-", f"{_URLSAFE}{{20,400}}+", 0.95, 0.99),
    _openai("openai-api-key", "sk-", "[A-Za-z0-9]{32,200}+", 0.7, 0.95),
)

AI_DETECTORS: tuple[RegexDetector, ...] = (
    *SK_DETECTORS,
    _prefixed("huggingface-token", "huggingface", "hf_", "hf_", "[A-Za-z0-9]{30,64}+", 0.9),
    _prefixed("replicate-api-token", "replicate", "r8_", "r8_", "[A-Za-z0-9]{30,64}+", 0.9),
    _prefixed("groq-api-key", "groq", "gsk_", "gsk_", "[A-Za-z0-9]{40,64}+", 0.95),
    _prefixed("xai-api-key", "xai", "xai-", "xai-", "[A-Za-z0-9]{60,100}+", 0.9),
    _prefixed("perplexity-api-key", "perplexity", "pplx-", "pplx-", "[A-Za-z0-9]{40,64}+", 0.9),
    named(
        "cohere-api-key",
        "cohere",
        ("cohere_", "cohere-", "cohereApiKey", "CohereApiKey", "co_api_key"),
        "[A-Za-z0-9]{40}",
        0.6,
    ),
    named(
        "mistral-api-key",
        "mistral",
        ("mistral_", "mistral-", "mistralApiKey", "MistralApiKey"),
        "[A-Za-z0-9]{32}",
        0.6,
    ),
)
