"""The issue's promise end to end: a Faker-made people file, anonymised, keeps its columns,
reaches the requested k, and no longer trips aisec's PII and secret detectors."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from aisec.data.anonymise import HmacKey, anonymise_file, parse_rules

faker = pytest.importorskip("faker")
pii = pytest.importorskip("aisec.data.pii", reason="the PII detector is not installed")
secrets = pytest.importorskip("aisec.data.secrets", reason="the secret finder is not installed")

RULES = {
    "schema": "aisec.anonymise/1",
    "columns": {
        "name": {"action": "pseudonym", "prefix": "person"},
        "email": {"action": "pseudonym", "normalise": ["lower"]},
        "phone": {"action": "hash", "length": 16},
        "ssn": {"action": "mask"},
        "age": {"action": "generalise", "method": "bins", "width": 20},
        "zip": {"action": "generalise", "method": "prefix", "keep": 1},
        "notes": "scrub",
    },
    "entities": {"default": "replace"},
}


def people(rows: int) -> pa.Table:
    fake = faker.Faker(["en_US", "en_GB", "de_DE"])
    fake.seed_instance(7)
    data: dict[str, list[str]] = {c: [] for c in RULES["columns"]}
    for _ in range(rows):
        us = fake["en_US"]
        email, phone = us.email(), us.phone_number()
        data["name"].append(fake.name())
        data["email"].append(email)
        data["phone"].append(phone)
        data["ssn"].append(us.ssn())
        data["age"].append(str(fake.random_int(18, 90)))
        data["zip"].append(us.zipcode())
        key = "AKIA" + "".join(fake.random_choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
        data["notes"].append(f"Reach me at {email} or call {phone}. Old key {key}.")
    return pa.table(data)


def test_anonymised_people_no_longer_trip_the_detectors(tmp_path):
    source = tmp_path / "people.csv"
    table = people(120)
    pa_csv.write_csv(table, source)
    detector = pii.PiiDetector()
    before = sum(bool(detector.find(v)) for v in table.column("notes").to_pylist())
    assert before > 80  # the detectors see the planted data in the input
    assert all(secrets.find_secrets(v) for v in table.column("notes").to_pylist())
    output = tmp_path / "people.anon.csv"
    result = anonymise_file(
        source, output, parse_rules(RULES), key=HmacKey(b"k" * 32),
        quasi_identifiers=["age", "zip"], k=3, suppress_below_k=True,
    )  # fmt: skip
    assert result.after is not None
    assert result.after.k_anonymity.k is not None
    assert result.after.k_anonymity.k >= 3
    anonymised = pa_csv.read_csv(output, convert_options=pa_csv.ConvertOptions(
        column_types={c: pa.string() for c in table.column_names}))  # fmt: skip
    assert anonymised.column_names == table.column_names
    assert anonymised.num_rows == result.rows_out > 0
    for column in anonymised.column_names:
        for value in anonymised.column(column).to_pylist():
            assert detector.find(value) == [], column
            assert secrets.find_secrets(value) == [], column
