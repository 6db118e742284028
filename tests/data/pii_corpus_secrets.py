"""Synthetic credentials in the current formats of each provider: right prefixes, alphabets,
lengths and, where the format has one, a valid checksum (GitHub's and npm's CRC32). Random,
so none of them is a real credential. pii_corpus_secret_shapes.py says where each is written."""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def _pick(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def github_checksum(random_part: str) -> str:
    value, digits = zlib.crc32(random_part.encode()), ""
    while value:
        value, rest = divmod(value, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(6, "0")


def github_classic(rng: random.Random) -> str:
    random_part = _pick(rng, ALNUM, 30)
    return (
        rng.choice(("ghp", "gho", "ghu", "ghs", "ghr"))
        + "_"
        + random_part
        + github_checksum(random_part)
    )


def github_fine_grained(rng: random.Random) -> str:
    return (
        "github_pat_11"
        + _pick(rng, string.ascii_uppercase + string.digits, 20)
        + "_"
        + _pick(rng, ALNUM, 59)
    )


def npm_token(rng: random.Random) -> str:
    random_part = _pick(rng, ALNUM, 30)
    return "npm_" + random_part + github_checksum(random_part)


def gitlab_token(rng: random.Random) -> str:
    return "glpat-" + _pick(rng, URLSAFE, 20)


def stripe_key(rng: random.Random) -> str:
    return rng.choice(("sk_live_", "rk_live_")) + "51" + _pick(rng, ALNUM, rng.choice((22, 97)))


def openai_key(rng: random.Random) -> str:
    if rng.random() < 0.3:  # the older user key
        return "sk-" + _pick(rng, ALNUM, 20) + "T3BlbkFJ" + _pick(rng, ALNUM, 20)
    prefix = rng.choice(("sk-proj-", "sk-proj-", "sk-svcacct-", "sk-admin-"))
    return prefix + _pick(rng, URLSAFE, 74) + "T3BlbkFJ" + _pick(rng, URLSAFE, 74)


def anthropic_key(rng: random.Random) -> str:
    return rng.choice(("sk-ant-api03-", "sk-ant-admin01-")) + _pick(rng, URLSAFE, 93) + "AA"


def huggingface_token(rng: random.Random) -> str:
    return "hf_" + _pick(rng, string.ascii_letters, 34)


def aws_access_key_id(rng: random.Random) -> str:
    return rng.choice(("AKIA", "ASIA")) + _pick(rng, string.ascii_uppercase + "234567", 16)


def aws_secret_access_key(rng: random.Random) -> str:
    return _pick(rng, ALNUM + "+/", 40)


def gcp_api_key(rng: random.Random) -> str:
    return "AIza" + _pick(rng, URLSAFE, 35)


def gcp_oauth_client_secret(rng: random.Random) -> str:
    return "GOCSPX-" + _pick(rng, URLSAFE, 28)


def azure_storage_key(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(64)).decode()


def azure_client_secret(rng: random.Random) -> str:
    return _pick(rng, ALNUM, 3) + "8Q~" + _pick(rng, ALNUM + "~._-", 34)


def slack_token(rng: random.Random) -> str:
    if rng.random() < 0.5:
        numbers = f"{_pick(rng, string.digits, 12)}-{_pick(rng, string.digits, 13)}"
        return f"xoxb-{numbers}-{_pick(rng, ALNUM, 24)}"
    numbers = "-".join(_pick(rng, string.digits, size) for size in (12, 12, 13))
    return f"xoxp-{numbers}-{_pick(rng, '0123456789abcdef', 32)}"


def slack_webhook(rng: random.Random) -> str:
    upper = string.ascii_uppercase + string.digits
    path = f"T{_pick(rng, upper, 10)}/B{_pick(rng, upper, 10)}/{_pick(rng, ALNUM, 24)}"
    return f"https://hooks.slack.com/services/{path}"


def jwt(rng: random.Random) -> str:
    header = {"alg": rng.choice(("HS256", "RS256")), "typ": "JWT"}
    payload = {
        "sub": _pick(rng, string.digits, 10),
        "iat": rng.randint(1_600_000_000, 1_800_000_000),
    }
    if rng.random() < 0.5:
        payload["scope"] = "read write"
    parts = [json.dumps(part, separators=(",", ":")).encode() for part in (header, payload)]
    signature = rng.randbytes(256 if header["alg"] == "RS256" else 32)
    return ".".join((_b64url(parts[0]), _b64url(parts[1]), _b64url(signature)))


def private_key(rng: random.Random) -> str:
    label = rng.choice(("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"))
    body = base64.b64encode(rng.randbytes(rng.choice((121, 300, 600)))).decode()
    lines = [body[at : at + 64] for at in range(0, len(body), 64)]
    return "\n".join((f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"))
