"""What must not be reported (look-alikes, placeholders, documentation samples) and the
context rules: confidence where only the neighbourhood tells, structured formats' edges."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import uuid
import zlib

import pytest
from test_secrets_formats import ALNUM, BASE32, FORMATS, b64url, checksummed, pem, pick

from aisec.data.secrets import find_secrets
from aisec.data.secrets.checksums import BASE62, checksum_valid, crc32_base62

RNG = random.Random(20261128)


def _lookalikes() -> list[str]:
    values = []
    for _ in range(40):
        values.append(str(uuid.UUID(int=RNG.getrandbits(128), version=4)))
        values.append(f"{RNG.getrandbits(160):040x}")  # commit
        values.append(hashlib.sha256(RNG.randbytes(8)).hexdigest())
        values.append(hashlib.md5(RNG.randbytes(8)).hexdigest())  # a look-alike
        values.append(base64.b64encode(RNG.randbytes(RNG.choice((30, 64, 120)))).decode())
        values.append(b64url(RNG.randbytes(48)))
    return values


@pytest.mark.parametrize(
    "template",
    [
        "value {} in prose",
        'id,hash\n1,"{}"\n',
        '{"checksum": "{}"}',
        'digest = "{}"',
        "https://cdn.test/assets/{}.js",
    ],
)
def test_hashes_uuids_and_blobs_without_context_are_not_secrets(template: str) -> None:
    text = "\n".join(template.replace("{}", value) for value in _lookalikes())
    assert find_secrets(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We used sk-learn and hf_hub_download; skeleton-key and xoxo-gossip are not tokens.",
        "Trips to ASIA and AKIAN villages; AIzawa is a family name.",
        "sig=abc&sv=2020-01-01",
        "eyJ is how base64 of a JSON object starts; eyJhbGciOiJIUzI1NiJ9 alone is a header.",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg...\n-----END PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
        "password_reset_token_expiry = 3600",
    ],
)
def test_words_and_fragments_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "OPENAI_API_KEY=sk-proj-your-api-key-goes-here-xxxxxxxxxxxx",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "GITHUB_TOKEN=ghp_" + "x" * 36,
        "HF_TOKEN=hf_" + "a" * 34,
        "token: ghp_" + "0123456789abcdefghijklmnopqrstuvwxyz",
        "stripe: sk_live_" + "REDACTED" * 4,
        "slack: xoxb-000000000000-0000000000000-XXXXXXXXXXXXXXXXXXXXXXXX",
        "webhook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        # jwt.io's sample token
        "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv"
        "aG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        # the Azure storage emulator's published account key
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcq"
        "FlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
    ],
)
def test_placeholders_and_documentation_samples_are_dropped(text: str) -> None:
    assert find_secrets(text) == []


def test_github_checksum_is_crc32_of_the_random_part_in_base62() -> None:
    body = pick(RNG, ALNUM, 30)
    digits = crc32_base62(body)
    number = 0
    for digit in digits:
        number = number * 62 + BASE62.index(digit)
    assert number == zlib.crc32(body.encode()) and len(digits) == 6
    assert crc32_base62("") == "000000"
    assert checksum_valid(body + digits)
    assert not checksum_valid(body + digits[::-1]) or digits == digits[::-1]
    assert not checksum_valid(body + digits + "0")


def test_a_failed_checksum_lowers_the_confidence_but_is_still_reported() -> None:
    valid = checksummed(RNG, "ghp_")
    broken = valid[:-1] + ("A" if valid[-1] != "A" else "B")
    first, second = find_secrets(f"{valid}\n{broken}")
    assert (first.confidence, second.confidence) == (0.99, 0.6)
    assert first.kind == second.kind == "github-pat-classic"


def test_aws_secret_next_to_its_key_id_is_found_with_lower_confidence() -> None:
    key_id = "AKIA" + pick(RNG, BASE32, 16)
    secret = pick(RNG, ALNUM + "/+", 38) + "7a"
    commit = f"{RNG.getrandbits(160):040x}"
    text = f"user,key,secret,commit\nci,{key_id},{secret},{commit}\n"
    found = {(m.kind, text[m.start : m.end], m.confidence) for m in find_secrets(text)}
    assert found == {("aws-access-key-id", key_id, 0.95), ("aws-secret-access-key", secret, 0.7)}


def test_lone_forty_character_values_are_not_aws_secrets() -> None:
    secret = pick(RNG, ALNUM + "/+", 38) + "7a"
    assert find_secrets(f"ci,{secret}\n") == []


def test_sas_signature_outside_a_sas_query_has_low_confidence() -> None:
    make, _ = FORMATS["azure-sas-token"]
    (match,) = find_secrets(f"https://example.test/cb?sig={make(RNG)}&x=1")
    assert match.kind == "azure-sas-token" and match.confidence == 0.5


def test_sas_parameters_after_the_signature_count_too() -> None:
    make, _ = FORMATS["azure-sas-token"]
    (match,) = find_secrets(f"GET /c/b?sig={make(RNG)}&sv=2024-05-04&sr=b&sp=r HTTP/1.1")
    assert match.confidence == 0.9


def test_named_aws_secret_needs_no_digit() -> None:
    secret = pick(RNG, "abcdefghijKLMNOPQRST/+", 40)
    (match,) = find_secrets(f"aws_secret_access_key={secret}")
    assert (match.kind, match.end - match.start, match.confidence) == (
        "aws-secret-access-key",
        40,
        0.9,
    )


def test_jwts_with_the_same_header_and_payload_stay_separate() -> None:
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps({"sub": "42"}).encode())
    tokens = [f"{head}.{body}.{b64url(RNG.randbytes(32))}" for _ in range(3)]
    text = f"a={tokens[0]}, b={tokens[1]}. Then {tokens[2]}."
    found = [text[m.start : m.end] for m in find_secrets(text)]
    assert found == tokens


def test_encrypted_and_unsigned_jwts() -> None:
    header = b64url(json.dumps({"alg": "RSA-OAEP", "enc": "A256GCM"}).encode())
    jwe = ".".join([header, *(b64url(RNG.randbytes(size)) for size in (256, 12, 200, 16))])
    unsigned = b64url(b'{"alg":"none"}') + "." + b64url(b'{"sub":"7"}') + "."
    first, second = find_secrets(f"{jwe} {unsigned} ")
    assert (first.end - first.start, first.confidence) == (len(jwe), 0.9)
    assert second.end - second.start == len(unsigned) and second.confidence == 0.95


def test_dotted_base64_without_an_alg_header_is_not_a_jwt() -> None:
    header = b64url(json.dumps({"typ": "JWT"}).encode())
    assert find_secrets(f"{header}.{b64url(b'{}')}.{b64url(RNG.randbytes(32))}") == []


def test_truncated_private_key_is_reported_with_lower_confidence() -> None:
    block = pem(RNG, "RSA PRIVATE KEY")
    cut = block[: block.index("-----END")].rstrip()
    (match,) = find_secrets(f'"{cut}"')
    assert (match.start, match.end, match.confidence) == (1, 1 + len(cut), 0.8)
    assert match.redacted == "-----BEGIN RSA PRIVATE KEY-----…"


@pytest.mark.parametrize("newline", ["\n", "\\n"])
def test_truncated_private_key_stops_at_its_last_short_line(newline: str) -> None:
    lines = pem(RNG, "PRIVATE KEY", newline=newline).split(newline)[:-1]  # no END line
    cut = newline.join(lines)
    # The next cells of a column: base-64 looking, but after the short last line.
    text = f"{cut}{newline}ops{newline}AbCdEf0123{newline}"
    (match,) = find_secrets(text)
    assert (match.start, match.end) == (0, len(cut))


def test_private_key_outside_a_service_account_stays_a_private_key() -> None:
    key = pem(RNG, "PRIVATE KEY", newline="\\n")
    (match,) = find_secrets(f'{{"type": "user", "private_key": "{key}"}}')
    assert (match.kind, match.provider) == ("private-key", "private-key")


def test_repeated_tokens_each_get_a_match_and_the_same_digest() -> None:
    value = FORMATS["slack-bot-token"][0](RNG)
    matches = find_secrets(" ".join([value] * 50))
    assert len(matches) == 50 and len({m.digest for m in matches}) == 1
    assert [m.start for m in matches] == [i * (len(value) + 1) for i in range(50)]
