"""Checksums and structure rules behind the PII recognisers: valid numbers are built in the
tests with the published algorithms, and single-character changes must be caught."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.data.pii import checksums as cs
from aisec.data.pii import national_checks as nc

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def _change_one(value: str, index: int, new: str) -> str:
    return value[:index] + new + value[index + 1 :]


@pytest.mark.parametrize(
    "number", ["4111111111111111", "5500005555555559", "378282246310005", "6011000990139424"]
)
def test_luhn_accepts_known_test_card_numbers(number: str) -> None:
    assert cs.luhn_valid(number)


@pytest.mark.parametrize("number", ["4111111111111112", "1234567812345678", "", "41x1", "٤١١١"])
def test_luhn_rejects_wrong_check_digits_and_non_digits(number: str) -> None:
    assert not cs.luhn_valid(number)


@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.data())
def test_luhn_catches_every_single_digit_change(payload: str, data: st.DataObject) -> None:
    number = payload + cs.luhn_check_digit(payload)
    assert cs.luhn_valid(number)
    index = data.draw(st.integers(0, len(number) - 1))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != number[index]]))
    assert not cs.luhn_valid(_change_one(number, index, new))


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111111111111111", "Visa"),
        ("5500005555555559", "Mastercard"),
        ("2221000000000009", "Mastercard"),
        ("378282246310005", "American Express"),
        ("6011000990139424", "Discover"),
        ("3530111333300000", "JCB"),
        ("30569309025904", "Diners Club"),
        ("1234567812345670", None),
    ],
)
def test_card_brand_uses_issuer_range_and_length(number: str, brand: str | None) -> None:
    assert cs.card_brand(number) == brand


def test_card_brand_rejects_a_known_prefix_with_the_wrong_length() -> None:
    assert cs.card_brand("37828224631000") is None  # Amex is 15 digits


@pytest.mark.parametrize(
    "iban", ["DE89370400440532013000", "GB29NWBK60161331926819", "FR1420041010050500013M02606",
             "NL91ABNA0417164300", "ES9121000418450200051332", "IT60X0542811101000000123456"],
)  # fmt: skip
def test_iban_accepts_published_examples(iban: str) -> None:
    assert cs.iban_valid(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "DE89370400440532013001",
        "DE8937040044053201300",
        "XX89370400440532013000",
        "DE8937040044053201300!",
    ],
)
def test_iban_rejects_bad_check_length_country_and_characters(iban: str) -> None:
    assert not cs.iban_valid(iban)


countries = st.sampled_from(sorted(cs.IBAN_LENGTHS))


@settings(max_examples=100)
@given(countries, st.data())
def test_built_ibans_validate_and_single_changes_fail(country: str, data: st.DataObject) -> None:
    size = cs.IBAN_LENGTHS[country] - 4
    bban = data.draw(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=size,
                             max_size=size))  # fmt: skip
    iban = country + cs.iban_check_digits(country, bban) + bban
    assert cs.iban_valid(iban)
    positions = [i for i in range(2, len(iban)) if iban[i].isdigit()]
    index = data.draw(st.sampled_from(positions))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != iban[index]]))
    # MOD 97-10 detects every substitution of one digit by another.
    assert not cs.iban_valid(_change_one(iban, index, new))


@pytest.mark.parametrize("ssn", ["536-90-4399", "078-05-1121", "001-01-0001"])
def test_ssn_accepts_numbers_within_the_rules(ssn: str) -> None:
    assert nc.us_ssn_valid(ssn.replace("-", ""))


@pytest.mark.parametrize(
    "ssn",
    ["000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "078-05-1120",
     "123-45-6789", "111-11-1111", "12345678"],
)  # fmt: skip
def test_ssn_rejects_reserved_areas_groups_serials_and_examples(ssn: str) -> None:
    assert not nc.us_ssn_valid(ssn.replace("-", ""))


@pytest.mark.parametrize("nino", ["AB123456C", "ab 12 34 56 c", "JG103759A", "CE123456D"])
def test_nino_accepts_allowed_prefixes(nino: str) -> None:
    assert nc.uk_nino_valid(nino)


@pytest.mark.parametrize(
    "nino",
    ["ZZ123456A", "GB123456A", "DA123456A", "AO123456A", "QQ123456C", "AB123456E", "AB12345C"],
)
def test_nino_rejects_excluded_prefixes_and_suffixes(nino: str) -> None:
    assert not nc.uk_nino_valid(nino)


def _steuer_id(first10: str) -> str:
    return first10 + str(nc.steuer_id_check_digit(first10))


@pytest.mark.parametrize("first10", ["8609574271", "6502894735", "1121456789"])
def test_steuer_id_built_with_the_check_digit_is_valid(first10: str) -> None:
    assert nc.de_steuer_id_valid(_steuer_id(first10))


def test_steuer_id_needs_exactly_one_repeated_digit() -> None:
    assert not nc.de_steuer_id_valid(_steuer_id("1234567890"))  # no digit repeated
    assert not nc.de_steuer_id_valid(_steuer_id("1122345678"))  # two digits repeated
    assert not nc.de_steuer_id_valid(_steuer_id("0121456789"))  # leading zero


steuer_bodies = st.permutations(list("123456789")).map(lambda p: "".join(p[:9]) + p[0])


@given(steuer_bodies, st.data())
def test_steuer_id_catches_single_digit_changes(body: str, data: st.DataObject) -> None:
    number = _steuer_id(body)
    assert nc.de_steuer_id_valid(number)
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != number[10]]))
    assert not nc.de_steuer_id_valid(_change_one(number, 10, new))


def _nir(first13: str) -> str:
    return first13 + f"{nc.fr_nir_key(first13):02d}"


nir_bodies = st.builds(
    lambda sex, year, month, dept, rest: f"{sex}{year:02d}{month:02d}{dept}{rest}",
    st.sampled_from("12"), st.integers(0, 99), st.integers(1, 12),
    st.sampled_from(["75", "13", "2A", "2B", "69"]), st.text("0123456789", min_size=6, max_size=6),
)  # fmt: skip


@given(nir_bodies, st.data())
def test_nir_key_validates_and_catches_digit_changes(body: str, data: st.DataObject) -> None:
    nir = _nir(body)
    assert nc.fr_nir_valid(nir)
    index = data.draw(
        st.sampled_from([i for i in range(15) if nir[i].isdigit() and i not in (0, 3, 4)])
    )
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != nir[index]]))
    assert not nc.fr_nir_valid(_change_one(nir, index, new))


def test_nir_rejects_impossible_sex_digit_and_month() -> None:
    assert not nc.fr_nir_valid(_nir("5841275451089"))
    assert not nc.fr_nir_valid(_nir("1841375451089"))


def _dni(number: int) -> str:
    return f"{number:08d}" + "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23]


@given(st.integers(0, 99_999_999), st.data())
def test_dni_letter_validates_and_catches_digit_changes(number: int, data: st.DataObject) -> None:
    dni = _dni(number)
    assert nc.es_dni_valid(dni)
    index = data.draw(st.integers(0, 7))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != dni[index]]))
    assert not nc.es_dni_valid(_change_one(dni, index, new))


def test_nie_maps_its_first_letter_to_a_digit() -> None:
    body = "1234567"
    letter = "TRWAGMYFPDXBNJZSQVHLCKE"[int("1" + body) % 23]
    assert nc.es_dni_valid(f"Y{body}{letter}")
    assert not nc.es_dni_valid(f"X{body}{letter}")


cf_bodies = st.builds(
    lambda name, year, month, day, place, num: f"{name}{year:02d}{month}{day:02d}{place}{num}",
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=6, max_size=6), st.integers(0, 99),
    st.sampled_from("ABCDEHLMPRST"), st.integers(1, 71).filter(lambda d: d <= 31 or d >= 41),
    st.sampled_from("ABCDEFGHILMZ"), st.text("0123456789", min_size=3, max_size=3),
)  # fmt: skip


@settings(max_examples=100)
@given(cf_bodies)
def test_codice_fiscale_check_char_validates_and_most_changes_fail(body: str) -> None:
    cf = body + nc.it_cf_check_char(body)
    assert nc.it_codice_fiscale_valid(cf)
    changed = [_change_one(cf, i, "9" if cf[i] != "9" else "8") for i in (6, 7, 9, 10, 12, 13, 14)]
    caught = sum(not nc.it_codice_fiscale_valid(c) for c in changed)
    assert caught >= 6


def test_codice_fiscale_accepts_omocodia_letters() -> None:
    body = "RSSMRA85T10A562"
    omocode = body[:6] + "UR" + body[8:]  # 8 -> U, 5 -> R
    assert nc.it_codice_fiscale_valid(body + nc.it_cf_check_char(body))
    assert nc.it_codice_fiscale_valid(omocode + nc.it_cf_check_char(omocode))


def _bsn(first8: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(first8, range(9, 1, -1), strict=True))
    last = total % 11
    return first8 + str(last) if last < 10 else None


@given(st.text("0123456789", min_size=8, max_size=8), st.data())
def test_bsn_eleven_test_validates_and_catches_digit_changes(
    first8: str, data: st.DataObject
) -> None:
    bsn = _bsn(first8)
    if bsn is None or bsn == "000000000":
        return
    assert nc.nl_bsn_valid(bsn)
    index = data.draw(st.integers(0, 8))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != bsn[index]]))
    assert not nc.nl_bsn_valid(_change_one(bsn, index, new))
