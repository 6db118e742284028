"""JSON lines: row N is line N + 1, numbers keep their digits, objects are flattened,
and a bad line is a noted skip, never the end of the file."""

import gzip
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.errors import AisecError
from aisec.data.readers import ReadLimits, read_chunks


def _rows(chunks):
    out = []
    for chunk in chunks:
        for i in range(chunk.num_rows):
            out.append(
                (
                    chunk.first_row + i,
                    {k: v[i] for k, v in chunk.columns.items() if v[i] is not None},
                )
            )
    return out


def _write(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_flattening_numbers_lists_and_nulls(tmp_path):
    path = tmp_path / "a.jsonl"
    _write(
        path,
        [
            json.dumps(
                {"user": {"email": "a@example.com", "card": 4111111111111111111}, "n": None}
            ),
            '{"price": 1.50, "big": 1e400, "tags": ["x", {"y": 2}], "ok": true, '
            '"id": 12345678901234567890}',
        ],
    )
    chunks = list(read_chunks(path))
    assert _rows(chunks) == [
        (0, {"user.email": "a@example.com", "user.card": "4111111111111111111"}),
        (
            1,
            {
                "price": "1.50",
                "big": "1e400",
                "tags": '["x",{"y":2}]',
                "ok": "true",
                "id": "12345678901234567890",
            },
        ),
    ]
    assert list(chunks[0].columns)[:3] == ["user.email", "user.card", "n"]


def test_depth_cap_keeps_deeper_objects_as_json_text(tmp_path):
    path = tmp_path / "d.jsonl"
    _write(path, [json.dumps({"a": {"b": {"c": {"d": 1}}}})])
    (chunk,) = read_chunks(path, limits=ReadLimits(max_depth=2))
    assert chunk.columns == {"a.b": ['{"c":{"d":1}}']}


def test_blank_and_bad_lines_leave_exact_line_numbers(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_bytes(b'{"a": 1}\n\n   \n{"a": 2}\n[1, 2]\n{"a": \n{"a": 3}\r\n{"a": "\xff"}\n\n')
    chunks = list(read_chunks(path))
    assert _rows(chunks) == [
        (0, {"a": "1"}),
        (3, {"a": "2"}),
        (6, {"a": "3"}),
        (7, {"a": "\ufffd"}),
    ]
    assert [(s.row, s.reason) for c in chunks for s in c.skipped] == [
        (4, "not a JSON object"),
        (5, "not valid JSON"),
    ]
    # Trailing blank lines still count: the last chunk says where the file ended.
    assert chunks[-1].first_row + chunks[-1].num_rows == 9


def test_deep_nesting_is_skipped_not_a_crash(tmp_path):
    path = tmp_path / "deep.jsonl"
    deep = '{"a": ' * 50_000 + "1" + "}" * 50_000
    medium = '{"a": ' * 300 + "1" + "}" * 300
    _write(path, [deep, medium, '{"ok": 1}'])
    chunks = list(read_chunks(path, fmt="jsonl"))
    assert _rows(chunks) == [(2, {"ok": "1"})]
    assert [s.row for c in chunks for s in c.skipped] == [0, 1]


def test_an_overlong_line_is_read_past(tmp_path):
    path = tmp_path / "long.jsonl"
    _write(path, ['{"a": 1}', json.dumps({"blob": "x" * 5000}), '{"a": 2}'])
    chunks = list(read_chunks(path, limits=ReadLimits(max_line_bytes=1000)))
    assert _rows(chunks) == [(0, {"a": "1"}), (2, {"a": "2"})]
    assert [s.row for c in chunks for s in c.skipped] == [1]


def test_many_chunks_from_a_file_larger_than_a_chunk(tmp_path):
    path = tmp_path / "many.jsonl"
    _write(path, [json.dumps({"i": i, "e": f"u{i}@example.com"}) for i in range(5000)])
    chunks = list(read_chunks(path, chunk_rows=100))
    assert len(chunks) == 50
    data = path.read_bytes()
    for chunk in chunks:
        lines = data[chunk.byte_start : chunk.byte_end].decode().splitlines()
        assert [str(json.loads(line)["i"]) for line in lines] == chunk.columns["i"]


def test_sparse_keys_cannot_blow_up_a_chunk(tmp_path):
    path = tmp_path / "sparse.jsonl"
    _write(path, [json.dumps({f"k{i}_{j}": j for j in range(20)}) for i in range(200)])
    chunks = list(read_chunks(path, limits=ReadLimits(max_chunk_cells=1000)))
    assert all(len(c.columns) * c.num_rows <= 1000 for c in chunks)
    assert sum(c.num_rows for c in chunks) == 200


def test_gzip_and_utf16(tmp_path):
    text = '{"name": "Zoë"}\n{"name": "Ann"}\n'
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(text.encode()))
    assert _rows(read_chunks(path)) == [(0, {"name": "Zoë"}), (1, {"name": "Ann"})]
    path = tmp_path / "b.jsonl"
    path.write_bytes(text.encode("utf-16"))
    assert _rows(read_chunks(path)) == [(0, {"name": "Zoë"}), (1, {"name": "Ann"})]


def test_byte_ranges_number_lines_from_the_part(tmp_path):
    path = tmp_path / "p.jsonl"
    _write(path, [json.dumps({"i": i}) for i in range(10)])
    cut = path.read_bytes().index(b'{"i": 4}')
    assert _rows(read_chunks(path, byte_range=(cut, None)))[0] == (0, {"i": "4"})


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.text(max_size=8),
)
records = st.dictionaries(
    st.text(st.characters(blacklist_characters="."), min_size=1, max_size=5),
    st.one_of(scalars, st.dictionaries(st.sampled_from("xyz"), scalars, max_size=3)),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(records, st.just(None)), max_size=20), st.integers(1, 6))
def test_round_trip_of_generated_records(tmp_path, items, chunk_rows):
    path = tmp_path / "r.jsonl"
    _write(path, ["" if item is None else json.dumps(item) for item in items])
    expected = []
    for line, item in enumerate(items):
        if item is None:
            continue
        flat = {}
        for key, value in item.items():
            if isinstance(value, dict) and value:
                flat.update({f"{key}.{k}": v for k, v in value.items()})
            else:
                flat[key] = value
        text = {
            k: (json.dumps(v) if not isinstance(v, str) else v)
            for k, v in flat.items()
            if v is not None
        }
        expected.append((line, text))
    got = [(r, cells) for r, cells in _rows(read_chunks(path, fmt="jsonl", chunk_rows=chunk_rows))]
    assert got == expected


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_crash(tmp_path, data):
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    try:
        rows = [
            r
            for r, _ in _rows(read_chunks(path, fmt="jsonl", limits=ReadLimits(max_line_bytes=100)))
        ]
    except AisecError:
        return
    assert rows == sorted(set(rows))
