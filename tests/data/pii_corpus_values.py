"""Synthetic identifiers that pass the same validation rules as real ones (checksums, number
plans, allocation rules) but belong to nobody. Everything is drawn from the `random.Random`
passed in, so a seed gives the same values on every run."""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
import string

import phonenumbers

DIGITS = string.digits


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(DIGITS) for _ in range(count))


def luhn_check_digit(payload: str) -> str:
    total = 0
    # Counting from the right, the digit next to the check digit is the first one doubled.
    for index, char in enumerate(reversed(payload)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return len(number) > 1 and luhn_check_digit(number[:-1]) == number[-1]


# (issuer prefix choices, length, grouping when written with separators)
_CARD_SHAPES = (
    (("4",), 16, (4, 4, 4, 4)),
    (("51", "52", "53", "54", "55", "2221", "2500", "2720"), 16, (4, 4, 4, 4)),
    (("34", "37"), 15, (4, 6, 5)),
    (("6011", "65"), 16, (4, 4, 4, 4)),
)


def credit_card(rng: random.Random) -> str:
    prefixes, length, groups = rng.choice(_CARD_SHAPES)
    body = rng.choice(prefixes)
    body += _digits(rng, length - len(body) - 1)
    number = body + luhn_check_digit(body)
    separator = rng.choice(("", "", " ", "-"))
    if not separator:
        return number
    parts, at = [], 0
    for size in groups:
        parts.append(number[at : at + size])
        at += size
    return separator.join(parts)


# Country -> BBAN pattern: n = digit, a = upper-case letter (bank codes in GB and NL).
IBAN_BBAN = {
    "DE": "n" * 18,
    "GB": "aaaa" + "n" * 14,
    "FR": "n" * 23,
    "ES": "n" * 20,
    "IT": "a" + "n" * 22,
    "NL": "aaaa" + "n" * 10,
    "BE": "n" * 12,
    "AT": "n" * 16,
    "CH": "n" * 17,
}


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def iban(rng: random.Random, country: str | None = None) -> str:
    country = country or rng.choice(sorted(IBAN_BBAN))
    bban = "".join(
        rng.choice(string.ascii_uppercase) if kind == "a" else rng.choice(DIGITS)
        for kind in IBAN_BBAN[country]
    )
    value = country + iban_check_digits(country, bban) + bban
    if rng.random() < 0.5:
        return " ".join(value[at : at + 4] for at in range(0, len(value), 4))
    return value


def ipv4(rng: random.Random) -> str:
    first = rng.choice((10, 172, 192, rng.randint(11, 223)))
    return ".".join(str(part) for part in (first, *(rng.randint(0, 255) for _ in range(3))))


def ipv6(rng: random.Random) -> str:
    value = ipaddress.IPv6Address((0x2001 << 112) | rng.getrandbits(112))
    if rng.random() < 0.3:  # a typical /64 host: zeros in the middle, so "::" compresses
        value = ipaddress.IPv6Address((int(value) >> 64 << 64) | rng.getrandbits(16))
    return value.compressed if rng.random() < 0.7 else value.exploded


def mac_address(rng: random.Random) -> str:
    octets = [rng.getrandbits(8) for _ in range(6)]
    octets[0] &= 0xFE  # unicast
    text = rng.choice((":", "-")).join(f"{octet:02x}" for octet in octets)
    return text.upper() if rng.random() < 0.5 else text


def us_ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    separator = "-" if rng.random() < 0.8 else " "
    return f"{area:03d}{separator}{group:02d}{separator}{serial:04d}"


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BARRED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def uk_nino(rng: random.Random) -> str:
    prefix = "GB"
    while prefix in _NINO_BARRED:
        prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
    number, suffix = _digits(rng, 6), rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{prefix} {number[:2]} {number[2:4]} {number[4:]} {suffix}"
    return prefix + number + suffix


def date_of_birth(rng: random.Random) -> dt.date:
    start = dt.date(1940, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(2005, 12, 31).toordinal()))


_PHONE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
_PHONE_FORMATS = (
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.E164,
)


def phone_number(rng: random.Random, region: str) -> str:
    """A number valid in `region`'s numbering plan, in national, international or E.164 form."""
    example = phonenumbers.example_number_for_type(region, rng.choice(_PHONE_TYPES))
    assert example is not None
    significant = phonenumbers.national_significant_number(example)
    number = example
    # Vary everything after the leading digits (the area or mobile prefix) while that stays
    # valid; in number plans where that rarely is, vary only the subscriber's last digits.
    for attempt in range(40):
        keep = 3 if attempt < 20 else len(significant) - 4
        candidate = significant[:keep] + _digits(rng, len(significant) - keep)
        parsed = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number_for_region(parsed, region):
            number = parsed
            break
    text = phonenumbers.format_number(number, rng.choice(_PHONE_FORMATS))
    if region == "US" and text.startswith("(") and rng.random() < 0.5:
        text = text.replace("(", "").replace(") ", "-")  # 201-555-0123, the common US form
    return text
