"""Keyed digests long enough not to collide, collisions counted per column and refused
unless allowed, and the key's two uses kept apart (a digest never equals a stream block)."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from aisec.core.errors import ConfigError
from aisec.data.anonymise import Context, Hash, HmacKey, Pseudonym, anonymise_file, parse_rules
from aisec.data.anonymise.errors import GuaranteeNotMet

KEY = HmacKey(b"collision-test-key-0123456789")


def rules_for(column_rule: object) -> object:
    return {"schema": "aisec.anonymise/1", "columns": {"v": column_rule}}


@pytest.mark.parametrize("action", ["hash", "pseudonym"])
def test_digests_shorter_than_64_bits_are_refused(action):
    with pytest.raises(ConfigError, match="length: expected a whole number from 16 to 64"):
        parse_rules(rules_for({"action": action, "length": 15}))
    parsed = parse_rules(rules_for({"action": action, "length": 16})).columns["v"]
    assert isinstance(parsed, Hash | Pseudonym)
    assert parsed.length == 16
    assert Pseudonym().length == 16


def test_digest_and_stream_are_domain_separated():
    raw = b"collision-test-key-0123456789"
    # Without labels, the digest of "\0\0\0\0" + v was the first block of v's stream.
    assert KEY.hexdigest("\0\0\0\0v") != KEY.stream("v", 32).hex()
    assert KEY.stream("v", 32) != hmac.new(raw, b"\0\0\0\0v", hashlib.sha256).digest()
    assert KEY.hexdigest("v") != hmac.new(raw, b"v", hashlib.sha256).hexdigest()


def test_colliding_shapes_are_counted_and_reported(tmp_path):
    source = tmp_path / "in.csv"
    values = [f"{i:02d}" for i in range(100)]  # 100 two-digit values: shapes must collide
    pa_csv.write_csv(pa.table({"v": values}), source)
    rules = parse_rules(rules_for({"action": "pseudonym", "format": "shape"}))
    result = anonymise_file(source, tmp_path / "out.csv", rules, key=KEY, batch_rows=7)
    (count,) = result.columns
    outputs = set(pa_csv.read_csv(tmp_path / "out.csv", convert_options=pa_csv.ConvertOptions(
        column_types={"v": pa.string()})).column("v").to_pylist())  # fmt: skip
    assert count.distinct_in == 100
    assert count.distinct_out == len(outputs) < 100
    assert count.collisions == 100 - len(outputs)
    assert result.to_dict()["columns"][0]["collisions"] == count.collisions


class TruncatedKey(HmacKey):
    """A key whose digests keep one hex digit: collisions certain in a few values."""

    __slots__ = ()

    def hexdigest(self, value: str) -> str:
        return super().hexdigest(value)[:1] * 64


@pytest.mark.parametrize("action", ["hash", "pseudonym"])
def test_a_collision_in_a_keyed_column_fails_the_run_unless_allowed(tmp_path, action):
    source = tmp_path / "in.csv"
    pa_csv.write_csv(pa.table({"v": [f"user{i}" for i in range(40)]}), source)
    key = TruncatedKey(b"collision-test-key-0123456789")
    output = tmp_path / "out.csv"
    strict = parse_rules(rules_for({"action": action}))
    with pytest.raises(GuaranteeNotMet, match=r"'v': .* distinct values share") as raised:
        anonymise_file(source, output, strict, key=key, batch_rows=8)
    assert raised.value.exit_code == 1
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    allowed = parse_rules(rules_for({"action": action, "allow_collisions": True}))
    result = anonymise_file(source, output, allowed, key=key)
    distinct = len({key.hexdigest(f"user{i}") for i in range(40)})
    assert 1 < distinct <= 16
    assert result.columns[0].collisions == 40 - distinct


def test_normalised_spellings_are_one_input_not_a_collision(tmp_path):
    source = tmp_path / "in.csv"
    pa_csv.write_csv(pa.table({"v": ["A@x.org", "a@x.org ", "b@x.org"]}), source)
    rules = parse_rules(rules_for({"action": "hash", "normalise": ["strip", "lower"]}))
    result = anonymise_file(source, tmp_path / "out.csv", rules, key=KEY)
    assert (result.columns[0].distinct_in, result.columns[0].collisions) == (2, 0)
    assert Hash().apply("x", Context(KEY)) == KEY.hexdigest("x")
