"""Azure credentials.

* Storage account keys (64 random bytes, 88 base-64 characters) and Service Bus / Event Hubs
  shared access keys, in connection strings (``AccountKey=...``, ``SharedAccessKey=...``).
* Shared access signatures: the ``sig=`` of a SAS URL or token; confident only when the
  query around it also has SAS parameters (``sv=`` and one of ``se=``, ``sp=``, ``sr=``).
* Microsoft Entra (Azure AD) client secrets: three characters, a digit, the ``Q~`` marker and
  31 to 34 more characters.
* Keys in Microsoft's identifiable format (Azure AI services, Azure OpenAI and others since
  2024): 84 characters with the ``JQQJ9`` signature at a fixed place.
* Older Azure AI services / Azure OpenAI keys (32 hexadecimal characters): only when assigned
  to a name that says Azure and key.
"""

from __future__ import annotations

import re

from aisec.data.secrets.model import Assess, RegexDetector
from aisec.data.secrets.named import case_variants
from aisec.data.secrets.placeholders import is_placeholder, is_public_sample

_B64_END = r"(?![A-Za-z0-9+/=])"
_IDENTIFIABLE = (
    r"[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}"
    r"(?:[A-Za-z0-9]{2}==)?"
)
_SAS_CONTEXT = re.compile(r"(?:^|[?&;\s\"'])sv=\d{4}-\d\d-\d\d")
_SAS_FIELDS = re.compile(r"[?&;](?:se|sp|sr|srt|ss|st|spr)=")
_SAS_QUERY = 512
_BLANK = re.compile(r"\s")


def _account_key(value: str, match: re.Match[str]) -> float | None:
    if is_public_sample(value) or is_placeholder(value):
        return None
    return 0.95 if len(value) == 88 and value.endswith("==") else 0.8


def _shared_key(value: str, match: re.Match[str]) -> float | None:
    return None if is_placeholder(value) else 0.9


def _sas_signature(value: str, match: re.Match[str]) -> float | None:
    if is_placeholder(value):
        return None
    text, begin, end = match.string, match.start("v"), match.end("v")
    # The query the signature belongs to: up to the whitespace on either side, bounded.
    before = text[max(0, begin - _SAS_QUERY) : begin]
    after = text[end : end + _SAS_QUERY]
    query = _BLANK.split(before)[-1] + "&" + _BLANK.split(after, maxsplit=1)[0]
    if _SAS_CONTEXT.search(query) and _SAS_FIELDS.search(query):
        return 0.9
    return 0.5


def _client_secret(value: str, match: re.Match[str]) -> float | None:
    return None if is_placeholder(value[6:]) else 0.85


def _named_key(openai: bool) -> Assess:
    def assess(value: str, match: re.Match[str]) -> float | None:
        name = match.string[match.start() : match.start("v")].lower()
        if "key" not in name or ("openai" in name) != openai or is_placeholder(value):
            return None
        return 0.95 if "JQQJ9" in value else 0.7

    return assess


_NAMED_WORDS = case_variants(
    "azure_", "azure-", "Azure", "ocp-apim-subscription-key", "Ocp-Apim-Subscription-Key"
)
_NAMED = re.compile(
    "(?:"
    + "|".join(re.escape(word) for word in _NAMED_WORDS)
    + r")(?P<name>[A-Za-z0-9_.-]{0,40}+)[\"']?\s{0,3}[=:]\s{0,3}[\"']?"
    + rf"(?P<v>[0-9a-fA-F]{{32}}|{_IDENTIFIABLE})(?![A-Za-z0-9])"
)


AZURE_DETECTORS: tuple[RegexDetector, ...] = (
    RegexDetector(
        "azure-storage-account-key",
        "azure",
        ("AccountKey=", "accountkey=", "ACCOUNTKEY="),
        re.compile(r"(?i:accountkey)=(?P<v>[A-Za-z0-9+/]{40,100}={0,2})" + _B64_END),
        0.95,
        assess=_account_key,
    ),
    RegexDetector(
        "azure-shared-access-key",
        "azure",
        ("SharedAccessKey=", "sharedaccesskey="),
        re.compile(r"(?i:sharedaccesskey)=(?P<v>[A-Za-z0-9+/]{40,60}={0,2})" + _B64_END),
        0.9,
        assess=_shared_key,
    ),
    RegexDetector(
        "azure-sas-token",
        "azure",
        ("sig=",),
        re.compile(
            r"sig=(?P<v>(?:[A-Za-z0-9+/]|%2[BbFf]){30,120}+(?:=|%3[Dd]){0,2})(?![A-Za-z0-9%])"
        ),
        0.9,
        assess=_sas_signature,
    ),
    RegexDetector(
        "azure-entra-client-secret",
        "azure",
        ("Q~",),
        re.compile(
            r"(?<![A-Za-z0-9_~.-])(?P<v>[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}+)(?![A-Za-z0-9_~-])"
        ),
        0.85,
        assess=_client_secret,
        leads=(4,),
    ),
    RegexDetector(
        "azure-identifiable-key",
        "azure",
        ("JQQJ9",),
        re.compile(rf"(?<![A-Za-z0-9])(?P<v>{_IDENTIFIABLE})(?![A-Za-z0-9])"),
        0.9,
        leads=(52,),
    ),
    # Azure OpenAI before the other Azure AI services: the name decides between them.
    RegexDetector(
        "azure-openai-key", "azure", _NAMED_WORDS, _NAMED, 0.7, assess=_named_key(openai=True)
    ),
    RegexDetector(
        "azure-ai-key", "azure", _NAMED_WORDS, _NAMED, 0.7, assess=_named_key(openai=False)
    ),
)
