"""Every kind of secret, generated at random in its provider's current format (alphabet,
length, checksum where there is one), planted in prose, CSV cells, JSON strings, code and URLs:
each occurrence must be found on its own with exactly its offsets and kind. Nothing here is a
real credential."""

from __future__ import annotations

import base64
import json
import random
import string
import urllib.parse
from collections.abc import Callable

import pytest

from aisec.data.secrets import SECRET_KINDS, find_secrets
from aisec.data.secrets.checksums import crc32_base62

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
BASE32 = string.ascii_uppercase + "234567"


def pick(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def checksummed(rng: random.Random, prefix: str) -> str:
    body = pick(rng, ALNUM, 30)
    return prefix + body + crc32_base62(body)


def openai(rng: random.Random, prefix: str) -> str:
    return prefix + pick(rng, URLSAFE, 74) + "T3BlbkFJ" + pick(rng, URLSAFE, 74)


def jwt(rng: random.Random) -> str:
    header = {"alg": rng.choice(("HS256", "RS256", "ES256")), "typ": "JWT"}
    payload = {"sub": pick(rng, string.digits, 9), "iat": rng.randint(1_600_000_000, 1_900_000_000)}
    parts = [b64url(json.dumps(part).encode()) for part in (header, payload)]
    return ".".join((*parts, b64url(rng.randbytes(rng.choice((32, 64, 256))))))


def pem(rng: random.Random, label: str, newline: str = "\n") -> str:
    body = base64.b64encode(rng.randbytes(rng.choice((121, 600, 1190)))).decode()
    lines = [body[at : at + 64] for at in range(0, len(body), 64)]
    return newline.join((f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"))


def azure_identifiable(rng: random.Random) -> str:
    return (
        pick(rng, ALNUM, 52)
        + "JQQJ9"
        + rng.choice("9DH")
        + pick(rng, ALNUM, 1)
        + rng.choice("ABCDEFGHIJKL")
        + pick(rng, ALNUM, 16)
        + rng.choice(string.ascii_letters)
        + pick(rng, ALNUM, 7)
    )


def sas_signature(rng: random.Random) -> str:
    return urllib.parse.quote(base64.b64encode(rng.randbytes(32)).decode(), safe="")


# kind -> (make a value, contexts it is written in; "{}" marks the value)
_ANYWHERE = (
    "The deploy used {} until it was rotated.",
    'name,token,owner\nci,"{}",ops\n',
    '{"id": 7, "secret": "{}", "ok": true}',
    'API_TOKEN = "{}"  # do not commit',
    "https://api.internal.test/v1/items?token={}&page=2",
)
FORMATS: dict[str, tuple[Callable[[random.Random], str], tuple[str, ...]]] = {
    "anthropic-admin-key": (lambda r: "sk-ant-admin01-" + pick(r, URLSAFE, 93) + "AA", _ANYWHERE),
    "anthropic-api-key": (lambda r: "sk-ant-api03-" + pick(r, URLSAFE, 93) + "AA", _ANYWHERE),
    "openai-admin-key": (lambda r: openai(r, "sk-admin-"), _ANYWHERE),
    "openai-service-account-key": (lambda r: openai(r, "sk-svcacct-"), _ANYWHERE),
    "openai-api-key": (
        lambda r: (
            openai(r, "sk-proj-")
            if r.random() < 0.5
            else "sk-" + pick(r, ALNUM, 20) + "T3BlbkFJ" + pick(r, ALNUM, 20)
        ),
        _ANYWHERE,
    ),
    "huggingface-token": (lambda r: "hf_" + pick(r, string.ascii_letters, 34), _ANYWHERE),
    "replicate-api-token": (lambda r: "r8_" + pick(r, ALNUM, 37), _ANYWHERE),
    "groq-api-key": (lambda r: "gsk_" + pick(r, ALNUM, 52), _ANYWHERE),
    "xai-api-key": (lambda r: "xai-" + pick(r, ALNUM, 80), _ANYWHERE),
    "perplexity-api-key": (lambda r: "pplx-" + pick(r, ALNUM, 48), _ANYWHERE),
    "cohere-api-key": (
        lambda r: pick(r, ALNUM, 40),
        ('COHERE_API_KEY="{}"', '{"cohere_api_key": "{}"}', "co_api_key: {}"),
    ),
    "mistral-api-key": (
        lambda r: pick(r, ALNUM, 32),
        ("MISTRAL_API_KEY={}", 'mistral_key = "{}"'),
    ),
    "aws-access-key-id": (lambda r: r.choice(("AKIA", "ASIA")) + pick(r, BASE32, 16), _ANYWHERE),
    "aws-secret-access-key": (
        lambda r: pick(r, ALNUM + "+/", 38) + pick(r, string.digits, 1) + pick(r, "Ab", 1),
        (
            "aws_secret_access_key = {}",
            'AWS_SECRET_ACCESS_KEY="{}"',
            '{"AccessKeyId": "ASIA...", "SecretAccessKey": "{}"}',
        ),
    ),
    "gcp-api-key": (lambda r: "AIza" + pick(r, URLSAFE, 35), _ANYWHERE),
    "gcp-oauth-client-secret": (lambda r: "GOCSPX-" + pick(r, URLSAFE, 28), _ANYWHERE),
    "azure-storage-account-key": (
        lambda r: base64.b64encode(r.randbytes(64)).decode(),
        (
            "DefaultEndpointsProtocol=https;AccountName=st1;AccountKey={};"
            "EndpointSuffix=core.windows.net",
            '"conn": "AccountName=st2;AccountKey={}"',
        ),
    ),
    "azure-shared-access-key": (
        lambda r: base64.b64encode(r.randbytes(32)).decode(),
        ("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={}",),
    ),
    "azure-sas-token": (
        sas_signature,
        (
            "https://st.blob.core.windows.net/c/b.csv?sv=2022-11-02&ss=b&srt=o&sp=r"
            "&se=2026-01-01T00:00:00Z&spr=https&sig={}",
            "?sv=2021-06-08&sr=c&sp=rl&sig={}&se=2025-12-31",
        ),
    ),
    "azure-entra-client-secret": (
        lambda r: pick(r, ALNUM, 3) + r.choice(string.digits) + "Q~" + pick(r, ALNUM + "~._-", 34),
        ("AZURE_CLIENT_SECRET={}", 'client_secret: "{}"', "secret {} expires in June"),
    ),
    "azure-identifiable-key": (azure_identifiable, _ANYWHERE),
    "azure-openai-key": (
        lambda r: pick(r, HEX, 32),
        ("AZURE_OPENAI_API_KEY={}", '"azure_openai_key": "{}"'),
    ),
    "azure-ai-key": (
        lambda r: pick(r, HEX, 32),
        ('AZURE_AI_SERVICES_KEY="{}"', "Ocp-Apim-Subscription-Key: {}"),
    ),
    "github-pat-classic": (lambda r: checksummed(r, "ghp_"), _ANYWHERE),
    "github-oauth-token": (lambda r: checksummed(r, "gho_"), _ANYWHERE),
    "github-user-to-server-token": (lambda r: checksummed(r, "ghu_"), _ANYWHERE),
    "github-server-to-server-token": (lambda r: checksummed(r, "ghs_"), _ANYWHERE),
    "github-refresh-token": (lambda r: checksummed(r, "ghr_"), _ANYWHERE),
    "github-pat-fine-grained": (
        lambda r: (
            "github_pat_11"
            + pick(r, string.ascii_uppercase + string.digits, 20)
            + "_"
            + pick(r, ALNUM, 59)
        ),
        _ANYWHERE,
    ),
    "npm-access-token": (lambda r: checksummed(r, "npm_"), _ANYWHERE),
    "gitlab-pat": (lambda r: "glpat-" + pick(r, URLSAFE, 20), _ANYWHERE),
    "gitlab-deploy-token": (lambda r: "gldt-" + pick(r, URLSAFE, 20), _ANYWHERE),
    "gitlab-runner-token": (lambda r: "glrt-" + pick(r, URLSAFE, 20), _ANYWHERE),
    "gitlab-pipeline-trigger-token": (lambda r: "glptt-" + pick(r, HEX, 40), _ANYWHERE),
    "slack-bot-token": (
        lambda r: (
            f"xoxb-{pick(r, string.digits, 12)}-{pick(r, string.digits, 13)}-" + pick(r, ALNUM, 24)
        ),
        _ANYWHERE,
    ),
    "slack-user-token": (
        lambda r: (
            f"xoxp-{pick(r, string.digits, 12)}-{pick(r, string.digits, 12)}-"
            + f"{pick(r, string.digits, 13)}-{pick(r, HEX, 32)}"
        ),
        _ANYWHERE,
    ),
    "slack-workspace-token": (lambda r: "xoxa-2-" + pick(r, ALNUM, 40), _ANYWHERE),
    "slack-legacy-token": (
        lambda r: "xoxs-" + pick(r, string.digits, 12) + "-" + pick(r, HEX, 32),
        _ANYWHERE,
    ),
    "slack-app-token": (
        lambda r: (
            f"xapp-1-A{pick(r, string.ascii_uppercase + string.digits, 10)}-"
            + f"{pick(r, string.digits, 13)}-{pick(r, HEX, 64)}"
        ),
        _ANYWHERE,
    ),
    "slack-webhook-url": (
        lambda r: (
            "https://hooks.slack.com/services/T"
            + pick(r, BASE32, 10)
            + "/B"
            + pick(r, BASE32, 10)
            + "/"
            + pick(r, ALNUM, 24)
        ),
        ("webhook_url: {}", "curl -X POST -d @m.json {}", '{"hook": "{}"}'),
    ),
    "stripe-secret-key": (lambda r: "sk_live_" + pick(r, ALNUM, 99), _ANYWHERE),
    "stripe-restricted-key": (lambda r: "rk_live_" + pick(r, ALNUM, 99), _ANYWHERE),
    "jwt": (jwt, (*_ANYWHERE, "Authorization: Bearer {}", "session={}; Path=/; HttpOnly")),
    "private-key": (
        lambda r: pem(
            r,
            r.choice(
                (
                    "RSA PRIVATE KEY",
                    "PRIVATE KEY",
                    "EC PRIVATE KEY",
                    "DSA PRIVATE KEY",
                    "OPENSSH PRIVATE KEY",
                    "ENCRYPTED PRIVATE KEY",
                    "PGP PRIVATE KEY BLOCK",
                )
            ),
        ),
        ("{}", 'KEY = """\n{}\n"""', 'key,owner\n"{}",ops\n'),
    ),
    "gcp-service-account-key": (
        lambda r: pem(r, "PRIVATE KEY", newline="\\n"),
        (
            '{"type": "service_account", "project_id": "p-1", "private_key_id": "0a1b", '
            '"private_key": "{}\\n", "client_email": "sa@p-1.iam.gserviceaccount.com"}',
        ),
    ),
}


def plant(template: str, value: str) -> tuple[str, int]:
    at = template.index("{}")
    return template[:at] + value + template[at + 2 :], at


def test_every_kind_has_a_generator() -> None:
    assert set(FORMATS) == set(SECRET_KINDS)


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_each_occurrence_found_with_exact_offsets(kind: str) -> None:
    make, contexts = FORMATS[kind]
    rng = random.Random(kind)
    for context in contexts:
        for _ in range(3):
            value = make(rng)
            single, at = plant(context, value)
            # The same value twice and another one: three matches, never merged.
            other = make(rng)
            text = f"{single}\n\n{single}\n\n{plant(context, other)[0]}"
            second = len(single) + 2 + at
            third = 2 * (len(single) + 2) + at
            expected = [(at, value), (second, value), (third, other)]
            found = [(m.start, m.end, m.kind) for m in find_secrets(text)]
            wanted = [(start, start + len(v), kind) for start, v in expected]
            assert found == wanted, (kind, context)


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_redacted_form_keeps_at_most_the_prefix_and_four_characters(kind: str) -> None:
    make, contexts = FORMATS[kind]
    value = make(random.Random(f"redact-{kind}"))
    text, _ = plant(contexts[0], value)
    (match,) = find_secrets(text)
    prefix, tail = match.redacted.split("…")
    assert value not in match.redacted
    assert value.startswith(prefix) and value.endswith(tail) and len(tail) <= 4
    # The prefix is the format's public part: fixed text, never the random part.
    assert len(prefix) <= 40 and len(value) - len(prefix) >= 16
    assert 0.5 <= match.confidence <= 1
