"""Generalisation: number bins and bands, dates, prefixes, category maps; unreadable
values become null rather than passing through."""

from __future__ import annotations

import pytest

from aisec.data.anonymise import Bins, Categories, Context, DatePart, Prefix

CTX = Context()


@pytest.mark.parametrize(
    ("value", "label"),
    [("34", "30-39"), ("30", "30-39"), ("39.9", "30-39"), ("0", "0-9"), ("-1", "-10--1")],
)
def test_ten_year_bands(value, label):
    assert Bins(width=10).apply(value, CTX) == label


def test_five_year_bands_with_origin_and_top_coding():
    bands = Bins(width=5, origin=1, floor=16, ceiling=90)
    assert bands.apply("17", CTX) == "16-20"
    assert bands.apply("15", CTX) == "<16"
    assert bands.apply("95", CTX) == ">=90"


def test_explicit_edges_and_fractional_bins():
    edges = Bins(edges=(18, 30, 50, 65))
    assert [edges.apply(v, CTX) for v in ("5", "18", "29", "64.5", "65", "99")] == [
        "<18", "18-29", "18-29", "50-64", ">=65", ">=65",
    ]  # fmt: skip
    assert Bins(width=2.5).apply("3.1", CTX) == "[2.5, 5.0)"
    assert Bins(width=1).apply("7", CTX) == "7"


@pytest.mark.parametrize("bad", ["n/a", "", "nan", "inf", "1e400"])
def test_unreadable_numbers_become_null(bad):
    assert Bins(width=10).apply(bad, CTX) is None


def test_bins_on_extreme_numbers_do_not_overflow():
    assert Bins(width=1e-300).apply("1e300", CTX) is None


@pytest.mark.parametrize(
    ("precision", "value", "out"),
    [
        ("year", "1987-03-04", "1987"),
        ("month", "1987-03-04", "1987-03"),
        ("month", "1987/3/4", "1987-03"),
        ("decade", "1987-03-04T10:00:00", "1980s"),
        ("year", "2020-01-02 03:04:00.000000", "2020"),
    ],
)
def test_dates(precision, value, out):
    assert DatePart(precision).apply(value, CTX) == out


def test_dates_with_a_format_and_unreadable_dates():
    assert DatePart("month", "%d/%m/%Y").apply("04/03/1987", CTX) == "1987-03"
    assert DatePart("year", "%d/%m/%Y").apply("1987-03-04", CTX) is None
    assert DatePart().apply("1987-13-01", CTX) is None
    assert DatePart().apply("yesterday", CTX) is None


def test_prefix():
    assert Prefix(keep=3).apply("02139", CTX) == "021"
    assert Prefix(keep=3, fill="*").apply("02139", CTX) == "021**"
    assert Prefix(keep=4).apply(" SW1A 1AA ", CTX) == "SW1A"


def test_category_map_with_and_without_default():
    mapping = {"Paris": "FR", "Lyon": "FR", "Secret town": None}
    assert Categories(mapping).apply("Lyon", CTX) == "FR"
    assert Categories(mapping).apply("Berlin", CTX) == "Berlin"
    assert Categories(mapping, default="other").apply("Berlin", CTX) == "other"
    assert Categories(mapping, default=None).apply("Berlin", CTX) is None
    assert Categories(mapping).apply("Secret town", CTX) is None
