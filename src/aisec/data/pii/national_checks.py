"""Structure and check-digit rules of national identifiers (US, UK, DE, FR, ES, IT, NL)."""

from __future__ import annotations

from collections import Counter

_SSN_RESERVED = frozenset({"078051120", "219099999", "123456789", "111111111", "333333333"})
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NINO_FIRST = frozenset("ABCEGHJKLMNOPRSTWXYZ")
_NINO_SECOND = frozenset("ABCEGHJKLMNPRSTWXYZ")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_CF_ODD_VALUES = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
                  2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23)  # fmt: skip
_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", _CF_ODD_VALUES, strict=True))
# Codice fiscale "omocodia": digits replaced by letters when two people would collide.
_CF_OMOCODE = dict(zip("LMNPQRSTUV", "0123456789", strict=True))
_CF_MONTHS = frozenset("ABCDEHLMPRST")


def us_ssn_valid(digits: str) -> bool:
    """SSA rules: area not 000, 666 or 900-999; group not 00; serial not 0000."""
    if len(digits) != 9 or not digits.isdigit() or digits in _SSN_RESERVED:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (
        area not in ("000", "666")
        and area[0] != "9"
        and group != "00"
        and serial != "0000"
        and len(set(digits)) > 1
    )


def uk_nino_valid(value: str) -> bool:
    """Two prefix letters under HMRC rules, six digits, suffix A-D."""
    v = value.replace(" ", "").upper()
    return (
        len(v) == 9
        and v[0] in _NINO_FIRST
        and v[1] in _NINO_SECOND
        and v[:2] not in _NINO_BAD_PREFIXES
        and v[2:8].isdigit()
        and v[8] in "ABCD"
    )


def steuer_id_check_digit(first10: str) -> int:
    """ISO 7064 MOD 11,10 as used by the German tax identification number."""
    product = 10
    for ch in first10:
        s = (int(ch) + product) % 10 or 10
        product = (s * 2) % 11
    check = 11 - product
    return 0 if check == 10 else check


def de_steuer_id_valid(digits: str) -> bool:
    """11 digits, no leading zero, one digit repeated 2-3 times in the first ten, check digit."""
    if len(digits) != 11 or not digits.isdigit() or digits[0] == "0":
        return False
    counts = sorted(Counter(digits[:10]).values(), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    return steuer_id_check_digit(digits[:10]) == int(digits[10])


def fr_nir_key(first13: str) -> int:
    """97 minus the number mod 97; Corsican departments 2A/2B count as 19/18."""
    n = first13.upper().replace("2A", "19", 1).replace("2B", "18", 1)
    return 97 - int(n) % 97


def fr_nir_valid(value: str) -> bool:
    """Sex digit, birth month, department and the two-digit key of a French NIR."""
    v = value.replace(" ", "").upper()
    if len(v) != 15 or not (v[:5].isdigit() and v[7:].isdigit()):
        return False
    dept = v[5:7]
    if not (dept.isdigit() or dept in ("2A", "2B")):
        return False
    month = int(v[3:5])
    if v[0] not in "123478" or not (1 <= month <= 12 or 20 <= month <= 42 or month >= 50):
        return False
    return fr_nir_key(v[:13]) == int(v[13:])


def es_dni_valid(value: str) -> bool:
    """Eight digits and the letter of the number mod 23 (also NIE with X/Y/Z first)."""
    v = value.replace("-", "").replace(" ", "").upper()
    if len(v) != 9:
        return False
    head = v[:8]
    if head[0] in "XYZ":
        head = str("XYZ".index(head[0])) + head[1:]
    if not head.isdigit():
        return False
    return _DNI_LETTERS[int(head) % 23] == v[8]


def it_cf_check_char(first15: str) -> str:
    total = 0
    for i, ch in enumerate(first15):
        if i % 2 == 0:
            total += _CF_ODD[ch]
        else:
            total += int(ch) if ch.isdigit() else ord(ch) - 65
    return chr(65 + total % 26)


def it_codice_fiscale_valid(value: str) -> bool:
    """Letters and digits in place (omocodia allowed), a month letter, the check char."""
    v = value.upper()
    if len(v) != 16 or not v.isascii() or not v.isalnum():
        return False
    if not v[:6].isalpha() or not v[8].isalpha() or not v[11].isalpha() or not v[15].isalpha():
        return False
    digits = "".join(_CF_OMOCODE.get(v[i], v[i]) for i in (6, 7, 9, 10, 12, 13, 14))
    if not digits.isdigit() or v[8] not in _CF_MONTHS:
        return False
    day = int(digits[2:4])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    return it_cf_check_char(v[:15]) == v[15]


def nl_bsn_valid(digits: str) -> bool:
    """The Dutch "11-test": weights 9..2 and -1 for the last digit, sum divisible by 11."""
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0
