"""Datasets by content: magic numbers for columnar files, structure for text tables."""

from __future__ import annotations

from aisec.discovery import discover
from aisec.discovery.datasets import binary_format, image_format, text_format


def test_columnar_magic_numbers():
    # Parquet has its magic at both ends; a file that only starts with it is not one
    assert binary_format(b"PAR1\x15\x04", b"PAR1") == "parquet"
    assert binary_format(b"PAR1\x15\x04", b"\x00\x00\x00\x00") is None
    assert binary_format(b"ARROW1\x00\x00", b"RROW1"[-4:]) == "arrow"
    assert binary_format(b"FEA1....", b"FEA1") == "feather-v1"


def test_images():
    assert image_format(b"\x89PNG\r\n\x1a\n....") == "png"
    assert image_format(b"\xff\xd8\xff\xe0") == "jpeg"
    assert image_format(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert image_format(b"BM is a text file, not a bitmap") is None


def test_text_tables_and_what_is_not_one():
    rows = "a,b,c\n1,2,3\n4,5,6\n7,8,9\n"
    assert text_format(rows, ".txt") == "csv"
    assert text_format(rows.replace(",", "\t"), "") == "tsv"
    assert text_format('{"a": 1}\n{"a": 2}\n', ".jsonl") == "jsonl"
    assert text_format(rows, ".py") is None  # code is never a table
    assert text_format("just one line, with a comma\n", ".csv") is None
    assert text_format("Dear reader,\nthis is prose, with commas.\nAnd more\n", ".txt") is None
    assert text_format('{"a": 1}\n[1, 2]\n', ".jsonl") is None


def test_a_columnar_file_in_a_tree_is_recorded_with_its_digest(tmp_path):
    (tmp_path / "table.bin").write_bytes(b"PAR1" + bytes(range(256)) * 40 + b"PAR1")
    (dataset,) = discover(tmp_path).of_kind("dataset")
    assert dataset.name == "table.bin" and dataset.details["format"] == "parquet"
    assert len(dataset.details["sha256"]) == 64


def test_a_folder_with_few_images_is_no_dataset(tmp_path):
    for i in range(3):
        (tmp_path / f"icon{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes([i]) * 50)
    assert discover(tmp_path).of_kind("dataset") == []
