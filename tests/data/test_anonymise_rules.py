"""The rules file: every action parses, mistakes are ConfigErrors naming the field,
keys are refused, and no YAML document (however odd) crashes the parser."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.errors import ConfigError
from aisec.data.anonymise import (
    Bins,
    Categories,
    Context,
    DatePart,
    Drop,
    Hash,
    HmacKey,
    Keep,
    Mask,
    Prefix,
    Pseudonym,
    Replace,
    Rules,
    Scrub,
    load_rules,
    parse_rules,
)

RULES = """\
schema: aisec.anonymise/1
description: people export
unlisted: drop
columns:
  name: {action: pseudonym, prefix: person}
  email: {action: pseudonym, format: email, normalise: [strip, lower]}
  ssn: {action: hash, length: 16}
  phone: {action: mask, show_last: 2, preserve: " -"}
  age: {action: generalise, method: bins, width: 10, ceiling: 90}
  income: {action: generalise, method: bins, edges: [0, 20000, 50000]}
  dob: {action: generalise, method: date, precision: month}
  zip: {action: generalise, method: prefix, keep: 3, fill: "*"}
  city: {action: generalise, method: map, mapping: {Paris: FR, 75: FR}, default: other}
  notes: {action: scrub, entities: [EMAIL_ADDRESS, PERSON]}
  internal: drop
  gender: keep
  comment: {action: replace, with: null}
entities:
  default: replace
  EMAIL_ADDRESS: {action: pseudonym, format: email}
  PHONE_NUMBER: {action: mask, show_last: 2}
  SECRET: {action: replace, with: "[secret]"}
"""


def test_every_action_parses(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(RULES)
    rules = load_rules(path)
    c = rules.columns
    assert c["name"] == Pseudonym("person", 16, "token")
    assert c["email"] == Pseudonym("email", 16, "email", ("strip", "lower"))
    assert c["ssn"] == Hash(16)
    assert c["phone"] == Mask(0, 2, "*", " -")
    assert c["age"] == Bins(width=10, ceiling=90)
    assert c["income"] == Bins(edges=(0, 20000, 50000))
    assert c["dob"] == DatePart("month")
    assert c["zip"] == Prefix(3, "*")
    assert isinstance(c["city"], Categories)
    assert c["city"].mapping == {"Paris": "FR", "75": "FR"}
    assert isinstance(c["notes"], Scrub)
    assert c["notes"].entities == ("EMAIL_ADDRESS", "PERSON")
    assert c["internal"] == Drop()
    assert c["gender"] == Keep()
    assert c["comment"] == Replace(None)
    assert rules.unlisted == "drop"
    assert rules.needs_key
    assert rules.scrubs


def test_toml_rules(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        'schema = "aisec.anonymise/1"\n[columns]\nssn = "hash"\n'
        '[columns.age]\naction = "generalise"\nmethod = "bins"\nwidth = 5\n'
    )
    rules = load_rules(path)
    assert rules.columns == {"ssn": Hash(), "age": Bins(width=5)}
    path.write_text("schema = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_rules(path)


def test_entity_rules_pick_the_most_specific_and_label_by_entity():
    rules = parse_rules(
        {
            "schema": "aisec.anonymise/1",
            "columns": {"notes": "scrub"},
            "entities": {"SECRET": "replace", "SECRET:aws-access-key-id": "drop",
                         "PERSON": {"action": "pseudonym"}},
        }
    )  # fmt: skip
    scrub = rules.columns["notes"]
    assert isinstance(scrub, Scrub)
    ctx = Context(HmacKey(b"k" * 16))
    assert scrub.action_for("SECRET:github-pat").apply("ghp_x", ctx) == "<SECRET:github-pat>"
    assert scrub.action_for("SECRET:aws-access-key-id").apply("AKIA", ctx) == ""
    person = scrub.action_for("PERSON").apply("Alice", ctx)
    assert person is not None
    assert person.startswith("person-")
    assert scrub.action_for("US_SSN").apply("123-45-6789", ctx) == "<US_SSN>"


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"columns": {}}, "schema must be"),
        ({"schema": "aisec.anonymise/1", "columns": []}, "columns: expected a mapping"),
        ({"schema": "aisec.anonymise/1", "columns": {"a": "shred"}}, r"columns\.a\.action"),
        ({"schema": "aisec.anonymise/1", "columns": {"a": {"action": "mask", "chars": 1}}},
         "unknown field 'chars'"),
        ({"schema": "aisec.anonymise/1", "columns": {"a": {"action": "hash", "length": 8}}},
         r"columns\.a\.length: expected a whole number from 16 to 64"),
        ({"schema": "aisec.anonymise/1",
          "columns": {"a": {"action": "generalise", "method": "bins"}}}, "width or edges"),
        ({"schema": "aisec.anonymise/1",
          "columns": {"a": {"action": "generalise", "method": "bins", "width": -1}}},
         "positive"),
        ({"schema": "aisec.anonymise/1",
          "columns": {"a": {"action": "generalise", "method": "bins", "edges": [3, 1]}}},
         "increasing"),
        ({"schema": "aisec.anonymise/1", "columns": {"a": {"action": "mask", "char": "**"}}},
         "one character"),
        ({"schema": "aisec.anonymise/1", "columns": {"a": {"action": "pseudonym",
          "prefix": "a b"}}}, "prefix"),
        ({"schema": "aisec.anonymise/1", "columns": {}, "entities": {"PERSON": "generalise"}},
         "action"),
        ({"schema": "aisec.anonymise/1", "columns": {}, "unlisted": "maybe"}, "unlisted"),
        ({"schema": "aisec.anonymise/1", "columns": {1: "keep"}}, "non-empty strings"),
    ],
)  # fmt: skip
def test_mistakes_name_the_field(rules, message):
    with pytest.raises(ConfigError, match=message):
        parse_rules(rules)


def test_a_key_in_the_rules_is_refused_without_echoing_it():
    with pytest.raises(ConfigError) as raised:
        parse_rules({"schema": "aisec.anonymise/1", "columns": {}, "key": "hunter2-hunter2"})
    assert "does not belong" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_hostile_yaml_files_are_config_errors(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("a: &x [1]\nb: *x\n")
    with pytest.raises(ConfigError, match="aliases"):
        load_rules(path)
    path.write_text("[" * 200)
    with pytest.raises(ConfigError, match="deeply"):
        load_rules(path)
    with pytest.raises(ConfigError, match="not a file"):
        load_rules(tmp_path / "missing.yaml")


def _outcome(parse):
    """The rules, or the ConfigError; anything else escapes and fails the test."""
    try:
        return parse()
    except ConfigError as exc:
        return exc


_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_words = st.sampled_from(["schema", "columns", "entities", "action", "method", "width",
                          "edges", "mapping", "default", "prefix", "length", "unlisted",
                          "aisec.anonymise/1", "bins", "date", "map", "hash", "mask",
                          "generalise", "scrub", "entities", "format", "keep", "a"])  # fmt: skip
_keys = _words | st.text(max_size=6) | st.integers()
_documents = st.recursive(
    _scalars | _words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=25,
)


_rules_like = st.builds(
    lambda columns, entities: {"schema": "aisec.anonymise/1", "columns": columns,
                               "entities": entities},
    st.dictionaries(_keys, _documents, max_size=3),
    st.dictionaries(_keys, _documents, max_size=2),
)  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents | _rules_like)
def test_any_document_parses_or_is_a_config_error(document):
    outcome = _outcome(lambda: parse_rules(document))
    assert isinstance(outcome, Rules | ConfigError)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_yaml_text_parses_or_is_a_config_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text("schema: aisec.anonymise/1\ncolumns:\n  a: " + text, encoding="utf-8")
    outcome = _outcome(lambda: load_rules(path))
    assert isinstance(outcome, Rules | ConfigError)
