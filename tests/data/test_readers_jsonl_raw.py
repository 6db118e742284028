"""A JSON line that cannot be read is skipped with its text, so a secret on it is still
scanned; a line over the cap keeps none."""

from aisec.data.readers import ReadLimits, read_chunks


def test_a_broken_json_line_keeps_its_text(tmp_path):
    token = "ghp_" + "A1b2C3d4E5" * 3 + "zzzzzz"
    path = tmp_path / "j.jsonl"
    path.write_text(
        f'{{"a": "x"}}\n{{"a": "my key {token}",}}\n[1, 2]\n{{"a": "' + "y" * 80 + '"}\n'
    )
    chunks = list(read_chunks(path, limits=ReadLimits(max_line_bytes=64)))
    skips = {s.row: s for c in chunks for s in c.skipped}
    assert skips[1].reason == "not valid JSON"
    assert skips[1].raw == f'{{"a": "my key {token}",}}'
    assert skips[2].raw == "[1, 2]"  # not an object
    assert skips[3].raw is None  # over the line cap: never kept
    assert token not in repr(skips[1])
