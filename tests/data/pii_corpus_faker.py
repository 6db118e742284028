"""Values drawn with Faker or the corpus's own generators, per entity and per locale: names,
postal addresses in each country's layout, dates written the local way, and the look-alikes
of pii_corpus_negatives. Faker instances are built once per locale and re-seeded by callers."""

from __future__ import annotations

import datetime as dt
import functools
import random

import pii_corpus_values as values
from faker import Faker
from pii_corpus_national import NATIONAL_IDS
from pii_corpus_negatives import NEGATIVE_VALUES, recent_date
from pii_corpus_templates import DATE_FORMATS, MONTHS_EN, REGION

_FAKER_PROVIDERS = [
    f"faker.providers.{name}" for name in ("person", "address", "internet", "lorem")
]


@functools.cache
def faker_for(locale: str) -> Faker:
    # Building a Faker with every provider takes about 0.4 s a locale; these four are all
    # the corpus uses. Callers re-seed it.
    return Faker(locale, providers=_FAKER_PROVIDERS)


def format_date(rng: random.Random, locale: str, date: dt.date) -> str:
    pattern = rng.choice(DATE_FORMATS[locale])
    return pattern.format(d=date.day, m=date.month, y=date.year, month=MONTHS_EN[date.month - 1])


def person(fake: Faker) -> str:
    return f"{fake.first_name()} {fake.last_name()}"


def city(fake: Faker, locale: str) -> str:
    cities = _sorted_cities(locale)
    return str(fake.random_element(cities)) if cities else str(fake.city())


@functools.cache
def _sorted_cities(locale: str) -> list[str]:
    # it_IT builds its city list from a set, so its order (and fake.city()) changes with
    # the interpreter's string hashing; a sorted copy keeps the corpus the same run to run.
    for provider in faker_for(locale).providers:
        cities = getattr(provider, "cities", None)
        if isinstance(cities, list) and cities:
            return sorted(cities)
    return []


def postal_address(fake: Faker, locale: str) -> str:
    if locale == "en_US":
        return (
            f"{fake.street_address()}, {city(fake, locale)}, {fake.state_abbr()} {fake.postcode()}"
        )
    if locale == "en_GB":
        return f"{fake.street_address()}, {city(fake, locale)} {fake.postcode()}"
    return f"{fake.street_address()}, {fake.postcode()} {city(fake, locale)}"


def pii_value(entity: str, rng: random.Random, fake: Faker, locale: str) -> str:
    region = REGION[locale]
    makers = {
        "EMAIL_ADDRESS": fake.email,
        "PHONE_NUMBER": lambda: values.phone_number(rng, region),
        "CREDIT_CARD": lambda: values.credit_card(rng),
        "IBAN_CODE": lambda: values.iban(
            rng, region if region in values.IBAN_BBAN and rng.random() < 0.5 else None
        ),
        "IP_ADDRESS": lambda: values.ipv4(rng) if rng.random() < 0.6 else values.ipv6(rng),
        "MAC_ADDRESS": lambda: values.mac_address(rng),
        "US_SSN": lambda: values.us_ssn(rng),
        "UK_NINO": lambda: values.uk_nino(rng),
        "NATIONAL_ID": lambda: rng.choice(NATIONAL_IDS[locale])(rng),
        "DATE_OF_BIRTH": lambda: format_date(rng, locale, values.date_of_birth(rng)),
        "PERSON": lambda: person(fake),
        "POSTAL_ADDRESS": lambda: postal_address(fake, locale),
    }
    return makers[entity]()


def negative_value(kind: str, rng: random.Random, locale: str) -> str:
    if kind == "date":
        return format_date(rng, locale, recent_date(rng, locale))
    return NEGATIVE_VALUES[kind](rng, locale)
