"""A training-data extract for the demo, with the personal data real extracts carry.

The tumour-screening model's intake records: the measurements it learns from, and beside
them the columns a careless export brings along (names, contacts, dates of birth) and a
free-text note in which a clinician once pasted an API key. Everything is synthetic and
generated here, the key included (a random string of the right shape, valid nowhere).
"""

from __future__ import annotations

import csv
import random
import string
from datetime import date, timedelta
from pathlib import Path

DATASET_NAME = "intake_records.csv"
ROWS = 200
_GIVEN = ("Maria", "James", "Aisha", "Luca", "Sofia", "Pieter", "Chloé", "Mateo", "Hannah", "Omar")
_FAMILY = ("Schmidt", "Okafor", "Rossi", "de Vries", "Martin", "García", "Nowak", "Lindqvist")
_STREETS = ("Baker Street", "Hauptstraße", "Rue de la Paix", "Via Roma", "Kerkstraat")
# What the demo expects the scan to report: column -> kind of personal data.
EXPECTED_COLUMNS = {
    "patient_name": "PERSON",
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "date_of_birth": "DATE_OF_BIRTH",
}
EXPECTED_SECRETS = 1


def write_demo_dataset(directory: Path) -> Path:
    """Write the extract into ``directory``; returns its path. Deterministic."""
    rng = random.Random(20261128)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DATASET_NAME
    leaked_row = rng.randrange(ROWS)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([
            "record_id", "patient_name", "email", "phone", "date_of_birth",
            "radius_mean", "texture_mean", "diagnosis", "referral_note",
        ])  # fmt: skip
        for row in range(ROWS):
            given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
            handle_name = f"{given}.{family}".lower().replace(" ", "")
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(60 * 365))
            note = _note(rng, row == leaked_row)
            writer.writerow([
                f"R{100000 + row}",
                f"{given} {family}",
                f"{handle_name}{rng.randrange(100)}@mail.example.org",
                f"+44 20 7946 {rng.randrange(10000):04d}",
                born.isoformat(),
                f"{rng.uniform(7, 28):.2f}",
                f"{rng.uniform(9, 40):.2f}",
                rng.choice(("malignant", "benign")),
                note,
            ])  # fmt: skip
    return path


def _note(rng: random.Random, leak: bool) -> str:
    if leak:
        alphabet = string.ascii_letters + string.digits
        key = "sk-proj-" + "".join(rng.choice(alphabet) for _ in range(48))
        return f"upload failed, retried with key {key}"
    if rng.random() < 0.1:
        return f"patient moved to {rng.randrange(1, 200)} {rng.choice(_STREETS)}; update file"
    return rng.choice(("routine screening", "follow-up in 6 months", "referred by GP", ""))
