"""Credentials in training data and other text: AI provider keys, cloud credentials,
developer platform tokens, JSON Web Tokens and private keys.

:func:`find_secrets` reports every occurrence on its own (the same token twice is two
matches; tokens that share a prefix or a JWT header never merge), with its kind, provider,
character offsets, a redacted form that never shows more than the public prefix and the last
four characters, the sha256 digest of the value and a confidence:

* 0.99: a checksum that holds (GitHub, npm), a complete PEM block, an Anthropic key;
* 0.9-0.95: a prefix only this provider uses, with its layout (OpenAI project keys, AWS key
  ids in base 32, Google ``AIza``, Slack, Stripe, JWTs whose parts are JSON, ...);
* 0.7-0.85: a typical but looser shape (OpenAI's oldest ``sk-`` form without its marker,
  Entra client secrets, a truncated PEM block, AWS key ids outside base 32, an unnamed AWS
  secret next to its key id, older Azure AI keys by their variable name);
* 0.5-0.6: a GitHub or npm token whose checksum fails, Cohere and Mistral keys known only by
  their variable name, an Azure ``sig=`` outside a SAS query.

Placeholders and documentation samples (``sk-xxxxxxxx``, ``your-key-here``, one character
repeated, ``AKIAIOSFODNN7EXAMPLE``, the jwt.io sample token) are dropped, not reported with a
low confidence: see :mod:`aisec.data.secrets.placeholders` for the rules.

Speed: anchors are located by seven single-character scans (:mod:`aisec.data.secrets.pivots`)
and each detector runs only where its anchor occurs, with bounded, possessive patterns, so
the cost is linear in the text whatever it holds. A call has a fixed cost of a few
microseconds: scanning a column joined into one text is much faster than cell by cell.
"""

from __future__ import annotations

from aisec.data.secrets.model import SecretMatch
from aisec.data.secrets.scanner import SECRET_KINDS, find_secrets

__all__ = ["SECRET_KINDS", "SecretMatch", "find_secrets"]
