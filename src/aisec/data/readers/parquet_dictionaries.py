"""Which Parquet columns hold dictionary-encoded pages, read from the footer's Thrift
without pyarrow. pyarrow decodes such a column into one value per row before any cap of
ours applies: a file of a few hundred bytes can reference one long entry a million times.
Those columns, and only those (reading plain text as a dictionary is far slower), are
then read as Arrow dictionaries, whose decoded size the chunk and cell caps measure."""

from __future__ import annotations

from pathlib import Path

from aisec.data.readers.thrift_compact import I32, LIST, STRUCT, CompactReader, ThriftError

# Field ids of parquet.thrift: FileMetaData.row_groups, RowGroup.columns,
# ColumnChunk.meta_data, ColumnMetaData.encodings, .dictionary_page_offset and
# .encoding_stats, PageEncodingStats.page_type and .encoding.
_ROW_GROUPS = 4
_COLUMNS = 1
_META_DATA = 3
_ENCODINGS = 2
_DICTIONARY_PAGE_OFFSET = 11
_ENCODING_STATS = 13
_PAGE_TYPE = 1
_PAGE_ENCODING = 2
# Encoding ids of PLAIN_DICTIONARY and RLE_DICTIONARY; page types DATA_PAGE, DATA_PAGE_V2.
_DICTIONARY_ENCODINGS = frozenset({2, 8})
_DATA_PAGES = frozenset({0, 3})


def footer_bytes(path: Path, footer_length: int) -> bytes:
    """The footer's Thrift, whose length ``check_footer`` has already checked."""
    with path.open("rb") as handle:
        handle.seek(path.stat().st_size - 8 - footer_length)
        data = handle.read(footer_length)
    if len(data) != footer_length:
        raise ThriftError("footer shorter than stated", len(data))
    return data


def dictionary_columns(footer: bytes) -> set[int]:
    """Leaf column indices whose chunk, in some row group, has a dictionary page or
    dictionary-encoded data pages, and in no row group data pages of other encodings.
    A writer falls back to plain pages once a dictionary grows large (text that rarely
    repeats); read as a dictionary, such a column would be hashed value by value into one
    that keeps growing, several times slower than reading it plainly."""
    reader = CompactReader(footer)
    found: set[int] = set()
    plain: set[int] = set()
    for field, kind in reader.fields():
        if field == _ROW_GROUPS and kind == LIST:
            element, count = reader.list_header()
            for _ in range(count):
                _expect(reader, element, STRUCT)
                _row_group(reader, found, plain)
        else:
            reader.skip(kind, 1)
    return found - plain


def _expect(reader: CompactReader, kind: int, wanted: int) -> None:
    if kind != wanted:
        raise ThriftError(f"type {kind} where {wanted} was expected", reader.pos)


def _row_group(reader: CompactReader, found: set[int], plain: set[int]) -> None:
    for field, kind in reader.fields():
        if field == _COLUMNS and kind == LIST:
            element, count = reader.list_header()
            for index in range(count):
                _expect(reader, element, STRUCT)
                dictionary, other = _column_chunk(reader)
                if dictionary:
                    found.add(index)
                if other:
                    plain.add(index)
        else:
            reader.skip(kind, 2)


def _column_chunk(reader: CompactReader) -> tuple[bool, bool]:
    """(whether it holds a dictionary, whether some data page is not dictionary-encoded)."""
    found = (False, False)
    for field, kind in reader.fields():
        if field == _META_DATA and kind == STRUCT:
            found = _column_meta(reader)
        else:
            reader.skip(kind, 3)
    return found


def _column_meta(reader: CompactReader) -> tuple[bool, bool]:
    dictionary = other = False
    for field, kind in reader.fields():
        if field == _DICTIONARY_PAGE_OFFSET:
            dictionary = True
            reader.skip(kind, 4)
        elif field == _ENCODINGS and kind == LIST:
            element, count = reader.list_header()
            for _ in range(count):
                _expect(reader, element, I32)
                dictionary = reader.zigzag() in _DICTIONARY_ENCODINGS or dictionary
        elif field == _ENCODING_STATS and kind == LIST:
            element, count = reader.list_header()
            for _ in range(count):
                _expect(reader, element, STRUCT)
                other = _plain_data_page(reader) or other
        else:
            reader.skip(kind, 4)
    return dictionary, other


def _plain_data_page(reader: CompactReader) -> bool:
    """Whether these page encoding stats count data pages of a non-dictionary encoding."""
    page_type = encoding = -1
    for field, kind in reader.fields():
        if field == _PAGE_TYPE and kind == I32:
            page_type = reader.zigzag()
        elif field == _PAGE_ENCODING and kind == I32:
            encoding = reader.zigzag()
        else:
            reader.skip(kind, 6)
    return page_type in _DATA_PAGES and encoding not in _DICTIONARY_ENCODINGS
