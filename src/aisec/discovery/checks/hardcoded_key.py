from __future__ import annotations

from collections.abc import Iterator

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.discovery.subjects import KeyCandidate


class HardcodedKey(Check[KeyCandidate]):
    id = "discovery.hardcoded-key"
    title = "Hard-coded AI provider API key"
    severity = Severity.CRITICAL
    applies_to = ("key-candidate",)
    refs = ("CWE-798", "LLM02:2025")
    description = (
        "A file holds a string with the shape of an AI provider's API key (OpenAI, Anthropic, "
        "Hugging Face, Google, Replicate, Groq, xAI, Perplexity; Cohere and Mistral when a "
        "variable names them). Anyone who can read the file can spend on the account and read "
        "what it can read. Keys recognised by their provider's prefix are critical; keys "
        "recognised only by the variable that holds them are high. The key is never shown: "
        "only its prefix and last four characters."
    )
    remediation = (
        "Revoke the key at the provider now (it has been exposed), issue a new one, and read "
        "it from the environment or a secret manager instead of the source."
    )

    def run(self, subject: KeyCandidate) -> Iterator[Finding]:
        if not subject.provider:
            return
        severity = Severity.CRITICAL if subject.strong else Severity.HIGH
        message = f"hard-coded {subject.provider} API key {subject.redacted}"
        evidence = {"provider": subject.provider, "key": subject.redacted}
        key = f"{subject.provider}:{subject.redacted}:{subject.location.row}"
        yield self.finding(subject.location, message, severity=severity, evidence=evidence, key=key)
