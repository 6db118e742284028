"""Synthetic national identifiers (NATIONAL_ID) with valid check characters: German tax id,
French NIR, Spanish DNI and NIE, Italian codice fiscale and Dutch BSN. Each generator takes a
`random.Random` and returns the identifier as people write it."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# Codice fiscale check character: odd positions use this table (A..Z; digits as A..J).
_CF_ODD_LETTERS = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10)
_CF_ODD_LETTERS += (22, 25, 24, 23)
_CF_MONTHS = "ABCDEHLMPRST"


def de_tax_id(rng: random.Random) -> str:
    # Steuer-ID: in the first ten digits exactly one digit occurs twice, eight others once;
    # the eleventh is an ISO 7064 MOD 11,10 check digit.
    while True:
        pool = rng.sample(string.digits, 9)
        digits = [*pool, pool[0]]
        rng.shuffle(digits)
        if digits[0] != "0":
            break
    product = 10
    for char in digits:
        total = (int(char) + product) % 10 or 10
        product = (total * 2) % 11
    check = (11 - product) % 10
    value = "".join(digits) + str(check)
    if rng.random() < 0.4:
        return f"{value[:2]} {value[2:5]} {value[5:8]} {value[8:]}"
    return value


def fr_nir(rng: random.Random) -> str:
    department = rng.choice([d for d in range(1, 96) if d != 20])
    body = (
        f"{rng.randint(1, 2)}{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}"
        f"{department:02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    )
    key = 97 - int(body) % 97
    if rng.random() < 0.5:
        return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:]} {key:02d}"
    return f"{body}{key:02d}"


def es_dni(rng: random.Random) -> str:
    number = rng.randint(1_000_000, 99_999_999)
    return f"{number:08d}{_DNI_LETTERS[number % 23]}"


def es_nie(rng: random.Random) -> str:
    prefix = rng.randrange(3)
    number = rng.randint(0, 9_999_999)
    letter = _DNI_LETTERS[int(f"{prefix}{number:07d}") % 23]
    return f"{'XYZ'[prefix]}{number:07d}{letter}"


def it_codice_fiscale(rng: random.Random) -> str:
    consonants = "BCDFGHLMNPRSTVZ"
    day = rng.randint(1, 28) + rng.choice((0, 40))  # +40 encodes a woman's birth day
    body = (
        "".join(rng.choice(consonants) for _ in range(6))
        + f"{rng.randint(0, 99):02d}{rng.choice(_CF_MONTHS)}{day:02d}"
        + rng.choice("ABCDEFGHILM")
        + f"{rng.randint(1, 999):03d}"
    )
    total = 0
    for index, char in enumerate(body):
        rank = int(char) if char.isdigit() else ord(char) - ord("A")
        # Positions 1, 3, 5, ... (1-based) go through the odd table, the others count as is.
        total += _CF_ODD_LETTERS[rank] if index % 2 == 0 else rank
    return body + string.ascii_uppercase[total % 26]


def nl_bsn(rng: random.Random) -> str:
    # The "11-proof": 9*d1 + 8*d2 + ... + 2*d8 - d9 is divisible by 11.
    while True:
        head = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(7))
        remainder = (
            sum(int(char) * weight for char, weight in zip(head, range(9, 1, -1), strict=False))
            % 11
        )
        if remainder < 10:
            return head + str(remainder)


NATIONAL_IDS: dict[str, tuple[Callable[[random.Random], str], ...]] = {
    "de_DE": (de_tax_id,),
    "fr_FR": (fr_nir,),
    "es_ES": (es_dni, es_nie),
    "it_IT": (it_codice_fiscale,),
    "nl_NL": (nl_bsn,),
}
