"""The phone screen splits numbers with the ``phonenumbers`` metadata instead of calling
``phonenumbers.parse`` on every candidate; its verdicts must agree with the library's."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.data.pii.phone_metadata import (
    _number,
    is_valid,
    is_valid_for_region,
    region_screen,
    validate_international,
    validate_national,
)

REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL")
LOCALES = {"US": "en_US", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "ES": "es_ES",
           "IT": "it_IT", "NL": "nl_NL"}  # fmt: skip


def library_national(digits: str, region: str) -> bool:
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return False
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) == region
    )


def library_international(digits: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + digits, None))
    except phonenumbers.NumberParseException:
        return False


def national_samples(region: str) -> list[str]:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    out = []
    for kind in ("fixed_line", "mobile", "toll_free", "premium_rate", "voip"):
        desc = getattr(meta, kind)
        if desc is not None and desc.example_number:
            prefix = meta.national_prefix or ""
            out.append(
                prefix + desc.example_number if region not in ("IT", "US") else desc.example_number
            )
    return out


@pytest.mark.parametrize("region", REGIONS)
def test_library_example_numbers_are_valid_in_their_region(region: str) -> None:
    samples = national_samples(region)
    assert samples
    for digits in samples:
        assert validate_national(digits, (region,)) == region, digits
        assert library_national(digits, region)


@pytest.mark.parametrize("region", REGIONS)
def test_agrees_with_parse_and_is_valid_number_on_faker_numbers(region: str) -> None:
    fake = Faker(LOCALES[region])
    fake.seed_instance(11)
    for _ in range(60):
        written = fake.phone_number().split("x")[0]
        digits = "".join(filter(str.isdigit, written))
        if written.startswith("+"):
            assert (validate_international(digits) is not None) == library_international(digits)
        elif written.lstrip("(").startswith("00"):
            body = digits[2:]
            assert (validate_international(body) is not None) == library_international(body)
        else:
            mine = validate_national(digits, (region,)) == region
            assert mine == library_national(digits, region), written


@settings(max_examples=300)
@given(st.sampled_from(REGIONS), st.text("0123456789", min_size=6, max_size=13))
def test_agrees_with_the_library_on_random_national_digits(region: str, digits: str) -> None:
    mine = validate_national(digits, (region,)) == region
    library = library_national(digits, region)
    # The screen insists on the trunk "0" where the region always writes it; the library also
    # accepts such numbers without it. And the library reads digits that start with the
    # region's international call prefix ("00" 33 1...) as an international number, which
    # the international screen judges. Otherwise the two agree.
    if library and not mine:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        idd = re.match(meta.international_prefix or "(?!)", digits)
        if idd:
            assert validate_international(digits[idd.end() :]) is not None
        else:
            assert meta.national_prefix == "0" and not digits.startswith("0")
    else:
        assert mine == library


@settings(max_examples=300)
@given(st.sampled_from(["1", "44", "49", "33", "34", "39", "31", "41", "86", "7"]),
       st.text("0123456789", min_size=6, max_size=12))  # fmt: skip
def test_agrees_with_the_library_on_random_international_digits(code: str, rest: str) -> None:
    digits = code + rest
    assert (validate_international(digits) is not None) == library_international(digits)


def _example_nsns() -> list[tuple[int, str]]:
    out = []
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        for region in regions:
            meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
            if meta is None:
                continue
            for kind in ("fixed_line", "mobile", "toll_free", "voip", "pager", "uan"):
                desc = getattr(meta, kind)
                if desc is not None and desc.example_number:
                    nsn = desc.example_number
                    out += [(code, nsn), (code, nsn[:-1]), (code, nsn + "5"), (code, "0" + nsn)]
    return out


def _regions(code: int) -> list[str]:
    # "001" holds the non-geographic codes (+800, +979, ...): numbers under them are judged
    # whole (``is_valid``), never as national numbers of a region, so only that is compared.
    return [r for r in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code] if r != "001"]


def _library_verdicts(code: int, nsn: str) -> tuple[bool, list[bool]]:
    number = _number(code, nsn)
    return phonenumbers.is_valid_number(number), [
        phonenumbers.is_valid_number_for_region(number, r) for r in _regions(code)
    ]


def _screen_verdicts(code: int, nsn: str) -> tuple[bool, list[bool]]:
    regions = _regions(code)
    per_region = []
    for region in regions:
        screen = region_screen(region)
        per_region.append(screen is not None and is_valid_for_region(screen, nsn))
    return is_valid(code, nsn), per_region


def test_compiled_validity_matches_the_library_on_example_numbers_of_every_region() -> None:
    samples = _example_nsns()
    assert len(samples) > 1000
    valid = 0
    for code, nsn in samples:
        library = _library_verdicts(code, nsn)
        assert _screen_verdicts(code, nsn) == library, (code, nsn)
        valid += library[0]
    assert valid > len(samples) // 4  # the sample holds valid numbers, not only rejects


@settings(max_examples=400)
@given(
    st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    st.text("0123456789", min_size=0, max_size=17),
)
def test_compiled_validity_matches_the_library_on_random_digits(code: int, nsn: str) -> None:
    assert _screen_verdicts(code, nsn) == _library_verdicts(code, nsn)
