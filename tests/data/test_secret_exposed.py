"""data.secret.exposed: every occurrence its own finding; cloud and private keys critical."""

from aisec.core.finding import Location
from aisec.core.severity import Severity
from aisec.data.checks.secret_exposed import SecretExposed
from aisec.data.subjects import DatasetSecret


def _secret(kind="github-pat-classic", provider="github", row=1, offset=0, digest="ab" * 32):
    return DatasetSecret(
        Location("chat.jsonl", row=row, column="text"),
        kind,
        provider,
        "ghp_…9f3a",
        digest,
        0.99,
        offset,
        40,
    )


def test_a_token_is_high_and_shown_redacted_with_its_digest():
    (finding,) = SecretExposed().run(_secret())
    assert finding.severity is Severity.HIGH
    assert finding.evidence["value"] == "ghp_…9f3a"
    assert finding.evidence["sha256"] == "ab" * 32


def test_cloud_credentials_and_private_keys_are_critical():
    aws = next(SecretExposed().run(_secret("aws-secret-access-key", "aws")))
    pem = next(SecretExposed().run(_secret("private-key", "private-key")))
    assert aws.severity is pem.severity is Severity.CRITICAL
    key_id = next(SecretExposed().run(_secret("aws-access-key-id", "aws")))
    assert key_id.severity is Severity.HIGH


def test_the_same_token_twice_is_two_findings():
    one = next(SecretExposed().run(_secret(row=1)))
    two = next(SecretExposed().run(_secret(row=2)))
    same_row_later = next(SecretExposed().run(_secret(row=1, offset=80)))
    assert len({one.fingerprint, two.fingerprint, same_row_later.fingerprint}) == 3
