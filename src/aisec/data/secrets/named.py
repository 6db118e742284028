"""Shared building blocks of the rule modules: placeholder-aware assessments and values
recognised by the name they are assigned to rather than by a prefix of their own."""

from __future__ import annotations

import re

from aisec.data.secrets.model import Assess, RegexDetector, with_body
from aisec.data.secrets.placeholders import is_placeholder

# ``NAME = value``, ``NAME: value``, ``"name": "value"``, ``name := value``, ``name => value``
# with the rest of the identifier after the anchor word (``_API_KEY``) and optional quotes.
_ASSIGNMENT = r"(?P<name>[A-Za-z0-9_.-]{0,40}+)[\"']?\s{0,3}(?::=|=>|=|:)\s{0,3}[\"']?"


def case_variants(*words: str) -> tuple[str, ...]:
    """Each word as written and, for a word in lower case, its upper-case and capitalised
    forms (``cohere``, ``COHERE``, ``Cohere``)."""
    variants: list[str] = []
    for word in words:
        forms = (word, word.upper(), word.capitalize()) if word.islower() else (word,)
        variants.extend(form for form in forms if form not in variants)
    return tuple(variants)


def unless_placeholder(confidence: float) -> Assess:
    return with_body(lambda body: None if is_placeholder(body) else confidence)


def named(
    kind: str,
    provider: str,
    words: tuple[str, ...],
    value: str,
    confidence: float,
    *,
    assess: Assess | None = None,
    value_chars: str = "A-Za-z0-9",
) -> RegexDetector:
    """A value of shape ``value`` assigned to a name that starts with one of ``words``.

    The words include their separator (``cohere_``, ``cohere-``) or are camel case
    (``cohereApiKey``): names are written that way, and it keeps the anchors off prose.
    """
    anchors = case_variants(*words)
    alternation = "|".join(re.escape(word) for word in anchors)
    pattern = re.compile(
        rf"(?:{alternation}){_ASSIGNMENT}(?P<v>{value})(?![{value_chars}_=-])",
    )
    return RegexDetector(
        kind,
        provider,
        anchors,
        pattern,
        confidence,
        assess=assess or unless_placeholder(confidence),
    )
