"""The PII engine on sentences: what it finds, what it leaves alone, how it scores and
resolves overlaps, and that hostile input stays linear."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisec.core.errors import ConfigError
from aisec.data.pii import ENTITIES, PiiDetector, PiiMatch, resolve_overlaps
from aisec.data.pii.checksums import iban_check_digits, luhn_check_digit

DETECTOR = PiiDetector()


def found(text: str, detector: PiiDetector = DETECTOR) -> list[tuple[str, str]]:
    return [(m.entity, text[m.start : m.end]) for m in detector.find(text)]


def entities(text: str) -> set[str]:
    return {m.entity for m in DETECTOR.find(text)}


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        (
            "Write to anna.schmidt+news@example.de today.",
            "EMAIL_ADDRESS",
            "anna.schmidt+news@example.de",
        ),
        ("Card: 4111 1111 1111 1111, exp 12/27", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("paid with 3782-822463-10005 yesterday", "CREDIT_CARD", "3782-822463-10005"),
        ("IBAN DE89 3704 0044 0532 0130 00 bitte", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
        ("Überweisung an GB29NWBK60161331926819.", "IBAN_CODE", "GB29NWBK60161331926819"),
        ("login from 203.0.113.42 blocked", "IP_ADDRESS", "203.0.113.42"),
        ("host 2001:db8:85a3::8a2e:370:7334 is up", "IP_ADDRESS", "2001:db8:85a3::8a2e:370:7334"),
        ("device 00:1A:2B:3C:4D:5E joined", "MAC_ADDRESS", "00:1A:2B:3C:4D:5E"),
        ("SSN: 536-90-4399", "US_SSN", "536-90-4399"),
        ("National Insurance number AB 12 34 56 C", "UK_NINO", "AB 12 34 56 C"),
        ("Steuer-ID: 86095742719", "NATIONAL_ID", "86095742719"),
        ("DNI 12345678Z del cliente", "NATIONAL_ID", "12345678Z"),
        ("codice fiscale RSSMRA85T10A562S", "NATIONAL_ID", "RSSMRA85T10A562S"),
        ("mijn BSN is 111222333", "NATIONAL_ID", "111222333"),
        ("She was born on 12 March 1985 in Leeds.", "DATE_OF_BIRTH", "12 March 1985"),
        ("Date of birth: 1985-03-12", "DATE_OF_BIRTH", "1985-03-12"),
    ],
)
def test_each_recogniser_finds_its_value_in_a_sentence(text: str, entity: str, value: str) -> None:
    assert (entity, value) in found(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Call me on +49 30 12345678 after five.", "+49 30 12345678"),
        ("Phone: (0161) 496 0066", "(0161) 496 0066"),
        ("Téléphone : 01 42 68 53 00", "01 42 68 53 00"),
        ("llámame al +34 912 345 678", "+34 912 345 678"),
        ("chiamare il 06 6982 0000", "06 6982 0000"),
        ("bel me op 020 555 0123 of mail", "020 555 0123"),
        ("Office (212) 555-0199 ext. 12", "(212) 555-0199 ext. 12"),
        ("+44(0)115 823 1234", "+44(0)115 823 1234"),
    ],
)
def test_phone_numbers_in_international_and_national_formats(text: str, value: str) -> None:
    assert ("PHONE_NUMBER", value) in found(text)


def test_a_bare_national_digit_run_needs_context_to_count_as_a_phone() -> None:
    assert "PHONE_NUMBER" not in entities("reference 03012345678 attached")
    assert ("PHONE_NUMBER", "03012345678") in found("Telefon 03012345678")


def test_national_identifiers_that_a_checksum_cannot_tell_apart_need_context() -> None:
    assert entities("order 86095742719 shipped") == set()  # a valid Steuer-ID shape
    assert entities("invoice 111222333 paid") == set()  # a valid BSN shape
    assert entities("ref 536904399 ok") == set()  # a bare SSN


@pytest.mark.parametrize(
    "text",
    [
        "Upgrade to version 1.2.3.4 before Friday.",
        "Build 2024.11.28.1 passed all tests.",
        "Order #1234567890123 shipped on 2024-01-15 10:30:45.",
        "Request 123e4567-e89b-12d3-a456-426614174000 failed.",
        "The total was $1234567.89 or EUR 1 234 567,00.",
        "Timestamp 1700000000123 and checksum 9f86d081884c7d659a2feaa0c55ad015.",
        "Ticket 4111 was closed; see page 12 of 30.",
        "Meeting at 10:30, room 3.14, 2 x 16 GB.",
        "The ratio was 1:2:3:4:5:6 in the study.",
        "std::vector<int> and a::b are C++.",
    ],
)
def test_lookalikes_are_not_reported(text: str) -> None:
    assert found(text) == []


def test_version_words_keep_dotted_quads_out_but_a_column_hint_overrides() -> None:
    assert entities("firmware version 10.0.0.1") == set()
    hinted = DETECTOR.find_with_hints("10.0.0.1", frozenset({"IP_ADDRESS"}))
    assert [m.entity for m in hinted] == ["IP_ADDRESS"]


def test_invalid_checksums_are_not_reported() -> None:
    assert entities("Card 4111 1111 1111 1112") == set()
    assert entities("IBAN DE89 3704 0044 0532 0130 01") == set()
    assert entities("DNI 12345678A") == set()


def test_every_match_has_a_score_and_a_reason() -> None:
    text = "Mr. John Smith, john@example.com, card 4111111111111111, IP 192.0.2.1"
    matches = DETECTOR.find(text)
    assert len(matches) == 4
    for m in matches:
        assert m.entity in ENTITIES
        assert 0.5 <= m.score <= 1.0
        assert m.reason


def test_context_words_raise_the_score() -> None:
    bare = DETECTOR.find("a 4111 1111 1111 1111 b")[0]
    near = DETECTOR.find("credit card 4111 1111 1111 1111")[0]
    assert near.score > bare.score
    assert "context word 'card'" in near.reason


def test_a_card_number_inside_an_iban_loses_to_the_iban() -> None:
    bban = "370400440532013000"
    iban = "DE" + iban_check_digits("DE", bban) + bban
    text = f"IBAN {iban[:4]} {bban[:4]} {bban[4:8]} {bban[8:12]} {bban[12:16]} {bban[16:]}"
    assert [e for e, _ in found(text)] == ["IBAN_CODE"]


def test_a_phone_shaped_part_of_a_card_number_is_not_reported() -> None:
    payload = "491234567890123"
    card = payload + luhn_check_digit(payload)
    text = f"card {card[:4]} {card[4:8]} {card[8:12]} {card[12:]}, tel nearby"
    assert [e for e, _ in found(text)] == ["CREDIT_CARD"]


def test_resolve_overlaps_prefers_score_then_length() -> None:
    low_long = PiiMatch("PHONE_NUMBER", 0, 20, 0.6, "a")
    high_short = PiiMatch("CREDIT_CARD", 2, 18, 0.9, "b")
    equal_longer = PiiMatch("IBAN_CODE", 30, 50, 0.7, "c")
    equal_shorter = PiiMatch("CREDIT_CARD", 32, 45, 0.7, "d")
    apart = PiiMatch("EMAIL_ADDRESS", 60, 70, 0.5, "e")
    kept = resolve_overlaps([low_long, high_short, equal_shorter, equal_longer, apart])
    assert kept == [high_short, equal_longer, apart]


def test_results_are_sorted_and_never_overlap() -> None:
    text = "born 1985-03-12, Tel. +49 30 1234567, jane@example.org, DE89370400440532013000 " * 5
    matches = DETECTOR.find(text)
    assert matches == sorted(matches, key=lambda m: m.start)
    for a, b in pairwise(matches):
        assert a.end <= b.start


def test_entities_and_min_score_filter_the_output() -> None:
    text = "Mail jane@example.org or call +49 30 12345678"
    only_mail = PiiDetector(entities=["EMAIL_ADDRESS"])
    assert [e for e, _ in found(text, only_mail)] == ["EMAIL_ADDRESS"]
    strict = PiiDetector(min_score=0.99)
    assert found("jane@example.org", strict) == []
    lenient = PiiDetector(min_score=0.0)
    assert ("US_SSN", "536904399") in found("ref 536904399", lenient)


def test_unknown_entities_and_bad_thresholds_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown PII entities: PASSPORT"):
        PiiDetector(entities=["EMAIL_ADDRESS", "PASSPORT"])
    with pytest.raises(ConfigError):
        PiiDetector(min_score=1.5)


def test_without_regions_no_phone_numbers_are_looked_for() -> None:
    assert found("call +49 30 12345678", PiiDetector(regions=())) == []


def test_unknown_top_level_domains_need_context() -> None:
    assert found("see a@b.example-tld-xyz here") == []
    assert entities("user@host.invalidtld") == set()
    assert ("EMAIL_ADDRESS", "user@host.invalidtld") in found("e-mail: user@host.invalidtld")


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 100_000 + "@",
        "@" * 50_000,
        "a@" + "b." * 40_000 + "c",
        "1" * 100_000,
        "1 " * 50_000,
        "1-" * 50_000,
        ":" * 100_000,
        "a:" * 50_000,
        "Mr. " * 25_000,
        "Dear " + "Aa " * 30_000,
        "12 " + "Main " * 20_000 + "Street",
        "DE89" + "0" * 100_000,
        "AAAAAA" * 20_000,
        "\n" * 100_000,
        "1.2." * 25_000,
        "(" * 50_000 + "1" * 10,
    ],
)
def test_hostile_inputs_complete(hostile: str) -> None:
    # No timing assertion: a super-linear pattern would not finish within the test run.
    DETECTOR.find(hostile)


def test_empty_and_whitespace_text() -> None:
    assert DETECTOR.find("") == []
    assert DETECTOR.find("   \n\t ") == []


def test_non_latin_text_is_handled() -> None:
    text = "Связаться: ivan@example.ru, 电话 +86 10 6552 9988, 名前 山田太郎"
    assert ("EMAIL_ADDRESS", "ivan@example.ru") in found(text)


def test_look_backs_stay_bounded_on_long_unbroken_text() -> None:
    # A look-back that fell back to the start of the text made a 0.6 MB column quadratic.
    from aisec.data.pii.recognisers.person import trigger

    text = "x" * 200_000 + "\nAnna"
    assert trigger(text, len(text) - 4) is None
    signed = "y" * 200_000 + " kind regards,\nAnna Berg"
    assert trigger(signed, len(signed) - 9) == (
        0.65,
        "capitalised words below the sign-off 'kind regards'",
    )


def test_a_long_column_joined_into_one_text_is_scanned_whole() -> None:
    values = [f"Kind regards,\nAnna Berg {i}\nanna{i}@example.com" for i in range(3000)]
    matches = DETECTOR.find("\n".join(values))
    assert sum(m.entity == "EMAIL_ADDRESS" for m in matches) == 3000
    assert sum(m.entity == "PERSON" for m in matches) == 3000


def _reference_resolution(matches: list[PiiMatch]) -> list[PiiMatch]:
    kept: list[PiiMatch] = []
    for m in sorted(matches, key=lambda m: (-m.score, m.start - m.end, m.start)):
        if all(m.end <= k.start or k.end <= m.start for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


_SPANS = st.builds(
    lambda start, size, score: PiiMatch("PERSON", start, start + size, score, "r"),
    st.integers(0, 60),
    st.integers(1, 12),
    st.sampled_from([0.5, 0.6, 0.9]),
)


@given(st.lists(_SPANS, max_size=12))
def test_resolve_overlaps_agrees_with_a_plain_greedy_resolution(matches: list[PiiMatch]) -> None:
    assert resolve_overlaps(matches) == _reference_resolution(matches)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=20))
def test_disjoint_matches_are_all_kept_in_order(gaps: list[int]) -> None:
    matches, pos = [], 0
    for gap in gaps:
        matches.append(PiiMatch("EMAIL_ADDRESS", pos + gap, pos + gap + 3, 0.9, "r"))
        pos += gap + 3
    assert resolve_overlaps(reversed(matches)) == matches


def _walk_back_local_start(text: str, at: int) -> int:
    """The local part's first character found one step at a time, as a reference."""
    i, floor = at, max(0, at - 65)
    while i > floor and (text[i - 1].isalnum() or text[i - 1] in ".!#$%&'*+/=?^_`{|}~-"):
        i -= 1
    return i


@given(st.text(alphabet="ab9_.-+é ß\n\x00@:/", max_size=160))
def test_the_local_part_search_agrees_with_a_walk_back(text: str) -> None:
    from aisec.data.pii.recognisers.email import _LOCAL_RUN

    for at in (i for i, ch in enumerate(text) if ch == "@"):
        floor = max(0, at - 65)
        run = _LOCAL_RUN.search(text[floor:at])
        assert (floor + run.start() if run else at) == _walk_back_local_start(text, at)
