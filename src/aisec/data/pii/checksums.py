"""Checksums and issuer rules for payment data: Luhn, card issuer ranges, IBAN mod-97."""

from __future__ import annotations

# Length of the IBAN per country (ISO 13616 registry); a country not listed is no IBAN.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

# (brand, prefix low, prefix high, allowed lengths); prefixes compared on equal length.
_CARD_RANGES: tuple[tuple[str, str, str, frozenset[int]], ...] = (
    ("Visa", "4", "4", frozenset({13, 16, 19})),
    ("Mastercard", "51", "55", frozenset({16})),
    ("Mastercard", "2221", "2720", frozenset({16})),
    ("American Express", "34", "34", frozenset({15})),
    ("American Express", "37", "37", frozenset({15})),
    ("Discover", "6011", "6011", frozenset({16, 19})),
    ("Discover", "644", "649", frozenset({16, 19})),
    ("Discover", "65", "65", frozenset({16, 19})),
    ("Diners Club", "300", "305", frozenset({14, 16, 19})),
    ("Diners Club", "36", "36", frozenset({14, 16, 19})),
    ("Diners Club", "38", "39", frozenset({14, 16, 19})),
    ("JCB", "3528", "3589", frozenset({16, 17, 18, 19})),
    ("JCB", "2131", "2131", frozenset({15})),
    ("JCB", "1800", "1800", frozenset({15})),
    ("UnionPay", "62", "62", frozenset({16, 17, 18, 19})),
    ("Maestro", "50", "50", frozenset(range(12, 20))),
    ("Maestro", "56", "58", frozenset(range(12, 20))),
    ("Maestro", "639", "639", frozenset(range(12, 20))),
    ("Maestro", "67", "67", frozenset(range(12, 20))),
    ("Maestro", "6304", "6304", frozenset(range(12, 20))),
    ("Maestro", "0604", "0604", frozenset(range(12, 20))),
    ("Mir", "2200", "2204", frozenset({16, 17, 18, 19})),
)


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check over a string of ASCII digits."""
    if not digits.isdigit() or not digits.isascii():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    for d in "0123456789":
        if luhn_valid(payload + d):
            return d
    raise ValueError("payload must be ASCII digits")


def card_brand(digits: str) -> str | None:
    """The card scheme whose issuer range and length fit the number, if any."""
    n = len(digits)
    for brand, low, high, lengths in _CARD_RANGES:
        if n in lengths and low <= digits[: len(low)] <= high:
            return brand
    return None


def iban_mod97(iban: str) -> int:
    """ISO 7064 MOD 97-10 over the rearranged IBAN (country and check digits moved last)."""
    moved = iban[4:] + iban[:4]
    remainder = 0
    for ch in moved:
        if "0" <= ch <= "9":
            remainder = (remainder * 10 + ord(ch) - 48) % 97
        elif "A" <= ch <= "Z":
            remainder = (remainder * 100 + ord(ch) - 55) % 97
        else:
            return -1
    return remainder


def iban_valid(iban: str) -> bool:
    """Country known, length right for the country, check digits right (mod 97 == 1)."""
    expected = IBAN_LENGTHS.get(iban[:2])
    return (
        expected is not None
        and len(iban) == expected
        and iban[2:4].isdigit()
        and iban_mod97(iban) == 1
    )


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits for a country and basic bank account number."""
    remainder = iban_mod97(f"{country}00{bban}")
    return f"{98 - remainder:02d}"
