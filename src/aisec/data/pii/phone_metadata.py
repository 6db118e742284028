"""A cheap screen for phone numbers built on the ``phonenumbers`` metadata.

``phonenumbers.parse`` costs about 70 microseconds a call, so parsing every digit run would
dominate the scan. The screen below does the part of parsing that matters here (country
code, trunk prefix, national significant number) with the library's own metadata and
regexes compiled once, and rejects numbers whose length or leading digits fit no number
type of the region.

The library's own validity test is that same check (general description, then any number
type), reached through ``PhoneNumber`` objects and regexes looked up by pattern text on every
call; :func:`is_valid_for_region` and :func:`is_valid` answer it from the compiled screens
instead, including how ``is_valid_number`` picks the region among those sharing a country
code. Only a national number made of zeros, which the library's objects cannot hold as
written, is still handed to the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber

_TYPE_DESCS = (
    "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
    "voip", "personal_number", "pager", "uan", "voicemail",
)  # fmt: skip
_MAX_CACHED_LENGTH = 24  # E.164 numbers are shorter; longer inputs are judged uncached


@dataclass(frozen=True, slots=True)
class _Desc:
    lengths: frozenset[int]
    pattern: str

    def applies(self, size: int) -> bool:
        return not self.lengths or size in self.lengths


@dataclass(frozen=True, slots=True)
class RegionScreen:
    region: str
    country_code: int
    trunk: re.Pattern[str] | None
    trunk_required: bool  # national format always starts with the trunk prefix ("0")
    general: _Desc | None
    types: tuple[_Desc, ...]
    leading_digits: re.Pattern[str] | None  # claims numbers among regions sharing a code
    # One regex per length: the general pattern as a look-ahead, then the number types of
    # that length as alternatives, so a verdict is one ``fullmatch`` in C.
    by_length: dict[int, re.Pattern[str] | None] = field(default_factory=dict)

    def national_significant(self, digits: str, *, national: bool) -> str | None:
        """The national significant number of digits written in national format (or after
        the country code), if this region's rules allow it."""
        if self.trunk is not None:
            m = self.trunk.match(digits)
            if m is not None and m.end() > 0 and self.accepts(digits[m.end() :]):
                return digits[m.end() :]
            if national and self.trunk_required:
                return None
        return digits if self.accepts(digits) else None

    def accepts(self, nsn: str) -> bool:
        """True when the number has a known type in this region (the library's notion of valid)."""
        size = len(nsn)
        if size in self.by_length:
            pattern = self.by_length[size]
        else:
            pattern = self._length_pattern(size)
            if size <= _MAX_CACHED_LENGTH:
                self.by_length[size] = pattern
        return pattern is not None and pattern.fullmatch(nsn) is not None

    def _length_pattern(self, size: int) -> re.Pattern[str] | None:
        general = self.general
        kinds = [d.pattern for d in self.types if d.applies(size)]
        if general is None or not general.applies(size) or not kinds:
            return None
        return re.compile(f"(?=(?:{general.pattern})\\Z)(?:{'|'.join(kinds)})")


def _desc(desc: object) -> _Desc | None:
    pattern = getattr(desc, "national_number_pattern", None)
    if desc is None or pattern is None:
        return None
    lengths = frozenset(getattr(desc, "possible_length", ()) or ())
    # -1 marks "no numbers of this type" in the metadata.
    if lengths == frozenset({-1}):
        return None
    return _Desc(lengths, f"(?:{pattern})")


@lru_cache(maxsize=512)
def region_screen(region: str) -> RegionScreen | None:
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return None
    general = _desc(meta.general_desc)
    types = tuple(d for d in (_desc(getattr(meta, n, None)) for n in _TYPE_DESCS) if d)
    prefix = meta.national_prefix_for_parsing or meta.national_prefix
    return RegionScreen(
        region=region,
        country_code=meta.country_code or 0,
        trunk=re.compile(prefix) if prefix else None,
        trunk_required=meta.national_prefix == "0",
        general=general,
        types=types,
        leading_digits=re.compile(meta.leading_digits) if meta.leading_digits else None,
    )


def _number(country_code: int, nsn: str) -> PhoneNumber:
    zeros = len(nsn) - len(nsn.lstrip("0"))
    number = PhoneNumber(country_code=country_code, national_number=int(nsn or "0"))
    if zeros:
        # As ``phonenumbers.parse`` does for Italian-style leading zeros.
        number.italian_leading_zero = True
        if zeros > 1:
            number.number_of_leading_zeros = zeros
    return number


def is_valid_for_region(screen: RegionScreen, nsn: str) -> bool:
    """``phonenumbers.is_valid_number_for_region`` for the screen's country code and region."""
    if not nsn.strip("0"):
        number = _number(screen.country_code, nsn)
        return phonenumbers.is_valid_number_for_region(number, screen.region)
    return screen.accepts(nsn)


def is_valid(country_code: int, nsn: str) -> bool:
    """``phonenumbers.is_valid_number``: valid in the region the library assigns the number to
    (the only region of its country code, else the first whose leading digits or number
    types claim it)."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions or not nsn.strip("0"):
        return phonenumbers.is_valid_number(_number(country_code, nsn))
    owner: RegionScreen | None = None
    for region in regions:
        screen = region_screen(region)
        if screen is None:
            if len(regions) == 1:
                return phonenumbers.is_valid_number(_number(country_code, nsn))
            continue
        if len(regions) == 1 or (
            screen.leading_digits.match(nsn) is not None
            if screen.leading_digits is not None
            else screen.accepts(nsn)
        ):
            owner = screen
            break
    return owner is not None and owner.accepts(nsn)


def validate_international(digits: str) -> str | None:
    """The region of an international number (digits after + or 00), if valid."""
    for size in (1, 2, 3):
        if len(digits) <= size:
            return None
        code = int(digits[:size])
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code)
        if regions is None:
            continue
        for region in regions:
            screen = region_screen(region)
            nsn = screen.national_significant(digits[size:], national=False) if screen else None
            if nsn is not None and is_valid(code, nsn):
                return region
        return None
    return None


def validate_national(digits: str, regions: tuple[str, ...]) -> str | None:
    """The first configured region in which national-format digits are a valid number."""
    leading_zero = digits.startswith("0")
    for region in regions:
        screen = region_screen(region)
        if screen is None or (screen.trunk_required and not leading_zero):
            continue
        nsn = screen.national_significant(digits, national=True)
        code = str(screen.country_code)
        if nsn is None and digits.startswith(code):
            # The country code written without "+" or "00", as the library also accepts.
            nsn = screen.national_significant(digits[len(code) :], national=False)
        if nsn is not None and is_valid_for_region(screen, nsn):
            return region
    return None
