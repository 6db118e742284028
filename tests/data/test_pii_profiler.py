"""ColumnProfiler: column names and value hit rates combined into one verdict per column."""

from __future__ import annotations

import pickle

import pytest
from faker import Faker

from aisec.data.pii import ColumnVerdict, PiiDetector
from aisec.data.pii.column_names import column_entity


def verdicts(
    columns: dict[str, list[str | None]], chunks: int = 1
) -> dict[str, list[ColumnVerdict]]:
    profiler = PiiDetector().column_profiler()
    for column, values in columns.items():
        size = max(1, len(values) // chunks)
        for i in range(0, len(values), size):
            profiler.add(column, values[i : i + size])
    out: dict[str, list[ColumnVerdict]] = {}
    for v in profiler.verdicts():
        out.setdefault(v.column, []).append(v)
    return out


NAME_TABLE = """
email EMAIL_ADDRESS | E-Mail-Adresse EMAIL_ADDRESS | user.email EMAIL_ADDRESS
courriel EMAIL_ADDRESS
phone_number PHONE_NUMBER | Telefonnummer PHONE_NUMBER | téléphone PHONE_NUMBER | movil PHONE_NUMBER
cellulare PHONE_NUMBER | mobiel PHONE_NUMBER | iban IBAN_CODE | ssn US_SSN | dob DATE_OF_BIRTH
Geburtsdatum DATE_OF_BIRTH | date_de_naissance DATE_OF_BIRTH | fecha_nacimiento DATE_OF_BIRTH
data_nascita DATE_OF_BIRTH | geboortedatum DATE_OF_BIRTH | first_name PERSON | surname PERSON
lastName PERSON | Vorname PERSON | prénom PERSON | apellidos PERSON | cognome PERSON
achternaam PERSON | name PERSON | street POSTAL_ADDRESS | city POSTAL_ADDRESS | zip POSTAL_ADDRESS
postcode POSTAL_ADDRESS | PLZ POSTAL_ADDRESS | Straße POSTAL_ADDRESS | code_postal POSTAL_ADDRESS
indirizzo POSTAL_ADDRESS | woonplaats POSTAL_ADDRESS | ip_address IP_ADDRESS | client_ip IP_ADDRESS
mac MAC_ADDRESS | codice_fiscale NATIONAL_ID | bsn NATIONAL_ID | nino UK_NINO
card_number CREDIT_CARD | file_name - | hostname - | username - | company_name - | notes -
price - | id - | capacity -
"""
NAMES = [
    (name, None if entity == "-" else entity)
    for pair in NAME_TABLE.replace("\n", " | ").split("|")
    if pair.strip()
    for name, entity in [pair.split()]
]


@pytest.mark.parametrize(("name", "entity"), NAMES)
def test_column_names_in_six_languages(name: str, entity: str | None) -> None:
    assert column_entity(name) == entity


def test_a_column_whose_name_and_values_agree_is_reported_once_with_redacted_samples() -> None:
    fake = Faker("en_US")
    fake.seed_instance(1)
    emails = [fake.email() for _ in range(200)] + [None, "", "n/a"]
    result = verdicts({"email": emails}, chunks=4)["email"]
    assert len(result) == 1
    (v,) = result
    assert (v.entity, v.free_text) == ("EMAIL_ADDRESS", False)
    assert (v.matched, v.non_null) == (200, 201)
    assert "name 'email'" in v.reason and "100% of values are e-mail addresses" in v.reason
    assert 0.9 <= v.score <= 1.0
    assert 1 <= len(v.samples) <= 3
    for sample in v.samples:
        assert "…" in sample
        assert sample not in emails


def test_the_column_name_is_context_for_bare_values() -> None:
    # Bare national numbers are below the threshold in running text, not in a phone column.
    numbers = ["03012345678", "08912345678", "04012345678", "02211234567"] * 10
    (v,) = verdicts({"telefon": numbers})["telefon"]
    assert (v.entity, v.matched, v.free_text) == ("PHONE_NUMBER", 40, False)
    assert (v.entity, v.matched) == ("PHONE_NUMBER", 40)
    assert verdicts({"reference": numbers}) == {}


def test_values_that_all_match_make_a_verdict_without_a_telling_name() -> None:
    fake = Faker("de_DE")
    fake.seed_instance(2)
    (v,) = verdicts({"col_7": [fake.iban() for _ in range(50)]})["col_7"]
    assert (v.entity, v.matched, v.free_text) == ("IBAN_CODE", 50, False)
    assert "name" not in v.reason and "100% of values are IBANs" in v.reason


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL"])
def test_a_name_column_of_personal_names_is_person(locale: str) -> None:
    fake = Faker(locale)
    fake.seed_instance(3)
    names = [fake.first_name() + " " + fake.last_name() for _ in range(60)]
    (v,) = verdicts({"name": names})["name"]
    assert (v.entity, v.free_text) == ("PERSON", False)
    assert v.matched >= 57


def test_a_name_column_of_product_codes_is_not_person() -> None:
    assert verdicts({"name": ["SKU-1001", "sku_1002", "x1003", "widget 4", "3000 RPM"] * 10}) == {}


def test_dates_in_a_birth_date_column_are_dates_of_birth() -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(4)
    values = [fake.date_of_birth().strftime("%d/%m/%Y") for _ in range(40)]
    (v,) = verdicts({"date_naissance": values})["date_naissance"]
    assert (v.entity, v.matched) == ("DATE_OF_BIRTH", 40)


def test_address_parts_in_city_and_zip_columns() -> None:
    fake = Faker("de_DE")
    fake.seed_instance(5)
    result = verdicts(
        {"city": [fake.city() for _ in range(40)], "zip": [fake.postcode() for _ in range(40)]}
    )
    assert [(v.entity, v.free_text) for v in result["city"]] == [("POSTAL_ADDRESS", False)]
    assert [(v.entity, v.free_text) for v in result["zip"]] == [("POSTAL_ADDRESS", False)]
    assert result["zip"][0].matched == 40


def test_free_text_columns_are_flagged_for_per_value_reporting() -> None:
    fake = Faker("en_US")
    fake.seed_instance(6)
    notes: list[str | None] = []
    for i in range(60):
        sentence = fake.paragraph(nb_sentences=3)
        if i % 4 == 0:
            sentence += f" Reach me at {fake.email()} or call +1 212 555 01{i:02d}."
        notes.append(sentence)
    result = {v.entity: v for v in verdicts({"notes": notes})["notes"]}
    assert set(result) >= {"EMAIL_ADDRESS"}
    email = result["EMAIL_ADDRESS"]
    assert email.free_text and email.matched == 15 and email.non_null == 60
    assert "free text" in email.reason


def test_a_name_that_values_contradict_is_not_a_column_verdict() -> None:
    values = ["hashed:" + "ab" * 16] * 30
    assert verdicts({"email": values}) == {}


def test_profilers_merge_and_survive_pickling() -> None:
    fake = Faker("en_GB")
    fake.seed_instance(7)
    detector = PiiDetector()
    first, second = detector.column_profiler(), detector.column_profiler()
    first.add("email", [fake.email() for _ in range(10)])
    second.add("email", [fake.email() for _ in range(15)])
    restored = pickle.loads(pickle.dumps(second))
    restored.add("email", ["not an address"])
    first.merge(restored)
    (v,) = first.verdicts()
    assert (v.entity, v.matched, v.non_null) == ("EMAIL_ADDRESS", 25, 26)
    assert len(v.samples) == 3
