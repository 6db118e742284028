"""Hard negatives: numbers and hex strings that look like personal data or credentials to a
careless pattern (version numbers, order numbers, UUIDs, commit and content hashes, prices,
timestamps, dates that are not birthdays). None of them may be reported."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable

from pii_corpus_values import luhn_valid

PRICE_FORMATS = {
    "en_US": "${whole}.{frac}",
    "en_GB": "£{whole}.{frac}",
    "de_DE": "{whole},{frac} €",
    "fr_FR": "{whole},{frac} €",
    "es_ES": "{whole},{frac} €",
    "it_IT": "€ {whole},{frac}",
    "nl_NL": "€ {whole},{frac}",
}
_THOUSANDS = {"en_US": ",", "en_GB": ",", "fr_FR": "\u202f"}


def version(rng: random.Random, locale: str) -> str:
    if rng.random() < 0.3:  # Windows build numbers: four parts, but not an IPv4 address
        return f"10.0.{rng.randint(19041, 26100)}.{rng.randint(1000, 4999)}"
    text = f"{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
    return rng.choice(("", "v")) + text + rng.choice(("", "", "-rc1", "-beta.2"))


def order(rng: random.Random, locale: str) -> str:
    while True:
        digits = f"{rng.randint(10_000_000, 99_999_999)}"
        if not luhn_valid(digits):
            break
    return rng.choice(
        (f"#{digits}", f"ORD-{rng.randint(2015, 2026)}-{digits[:6]}", f"PO{digits[:7]}")
    )


def uuid4(rng: random.Random, locale: str) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def sha(rng: random.Random, locale: str) -> str:
    value = f"{rng.getrandbits(160):040x}"
    return value if rng.random() < 0.7 else value[:7]


def content_hash(rng: random.Random, locale: str) -> str:
    return f"{rng.getrandbits(256):064x}"


def price(rng: random.Random, locale: str) -> str:
    whole = rng.randint(1, 99_999)
    grouped = f"{whole:,}".replace(",", _THOUSANDS.get(locale, "."))
    return PRICE_FORMATS[locale].format(whole=grouped, frac=f"{rng.randint(0, 99):02d}")


def _moment(rng: random.Random) -> dt.datetime:
    start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC).timestamp()
    return dt.datetime.fromtimestamp(rng.uniform(start, start + 11 * 365 * 86400), dt.UTC)


def timestamp(rng: random.Random, locale: str) -> str:
    moment = _moment(rng)
    if rng.random() < 0.5:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{moment.microsecond // 1000:03d}"


def epoch(rng: random.Random, locale: str) -> str:
    seconds = int(_moment(rng).timestamp())
    return str(seconds) if rng.random() < 0.6 else str(seconds * 1000 + rng.randint(0, 999))


def recent_date(rng: random.Random, locale: str) -> dt.date:
    return _moment(rng).date()


NEGATIVE_VALUES: dict[str, Callable[[random.Random, str], str]] = {
    "version": version,
    "order": order,
    "uuid": uuid4,
    "sha": sha,
    "hash": content_hash,
    "price": price,
    "timestamp": timestamp,
    "epoch": epoch,
}
