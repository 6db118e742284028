"""Redaction of credentials and personal values: what stays visible and what never does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisec.data.redact import ELLIPSIS, redact, redact_pii


def test_prefix_and_last_four_characters() -> None:
    assert redact("ghp_" + "a1B2" * 9, keep_prefix="ghp_") == "ghp_…a1B2"


def test_short_values_show_nothing_of_the_secret() -> None:
    assert redact("hunter2") == "…"
    assert redact("sk-abcdefghijklmno", keep_prefix="sk-") == "sk-…"  # 15 secret characters


def test_a_prefix_the_value_does_not_have_is_not_shown() -> None:
    assert redact("AKIA" + "B" * 16, keep_prefix="ghp_") == "…BBBB"


def test_tail_is_bounded_by_a_quarter_of_the_secret() -> None:
    assert redact("x" * 40, tail=8) == "…" + "x" * 8
    assert redact("x" * 31, tail=8) == "…"
    assert redact("x" * 40, tail=0) == "…"


def test_negative_tail_is_refused() -> None:
    with pytest.raises(ValueError, match="tail"):
        redact("value", tail=-1)


@given(st.text(max_size=80), st.text(max_size=12), st.integers(min_value=0, max_value=10))
def test_never_more_than_prefix_and_tail(value: str, prefix: str, tail: int) -> None:
    shown = redact(value, keep_prefix=prefix, tail=tail)
    head, _, end = shown.partition(ELLIPSIS)
    assert head in ("", prefix)
    assert value.startswith(head) and value.endswith(end)
    assert len(end) <= tail
    secret = len(value) - len(head)
    assert len(end) <= secret // 4
    if len(value) >= 2 and len(value) > len(head):
        assert shown != value


@pytest.mark.parametrize(
    ("entity", "value", "expected"),
    [
        ("EMAIL_ADDRESS", "john.doe@example.com", "j…@…com"),
        ("EMAIL_ADDRESS", "jo@example.org", "…@…org"),
        ("CREDIT_CARD", "4111 1111 1111 1234", "…1234"),
        ("IBAN_CODE", "DE89 3704 0044 0532 0130 00", "DE…00"),
        ("MAC_ADDRESS", "00:1A:2B:3C:4D:5E", "00:1A:2B:…"),
        ("IP_ADDRESS", "192.168.10.20", "192.…"),
        ("IP_ADDRESS", "2001:db8::1", "2001:…"),
        ("PERSON", "Maria Schmidt", "M…"),
        ("DATE_OF_BIRTH", "1984-03-12", "…"),
        ("POSTAL_ADDRESS", "12 Rue de la Paix, 75002 Paris", "…"),
        ("PHONE_NUMBER", "+44 20 7946 0958", "…58"),
        ("US_SSN", "123-45-6789", "…89"),
        ("NATIONAL_ID", "12345", "…"),
    ],
)
def test_personal_values_keep_less(entity: str, value: str, expected: str) -> None:
    assert redact_pii(entity, value) == expected


_ENTITIES = st.sampled_from(
    [
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "IBAN_CODE",
        "IP_ADDRESS",
        "MAC_ADDRESS",
        "US_SSN",
        "UK_NINO",
        "NATIONAL_ID",
        "DATE_OF_BIRTH",
        "PERSON",
        "POSTAL_ADDRESS",
        "SOMETHING_ELSE",
    ]
)


@given(_ENTITIES, st.text(min_size=3, max_size=60))
def test_personal_values_never_shown_whole(entity: str, value: str) -> None:
    shown = redact_pii(entity, value)
    assert ELLIPSIS in shown
    if len(value.strip()) >= 3:
        assert value.strip() not in shown
