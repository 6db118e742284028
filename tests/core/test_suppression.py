"""Suppression entries: parsing with errors that name the entry, glob matching, expiry."""

import contextlib
import os
import re
import tomllib
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.errors import ConfigError
from aisec.core.finding import Finding, Location
from aisec.core.pathglob import compile_glob, path_matches
from aisec.core.settings import load_settings
from aisec.core.severity import Severity
from aisec.core.suppression import Suppression, parse_suppressions

GOOD = {
    "check": "modelfile.pickle.unknown-call",
    "path": "models/legacy/*.pkl",
    "justification": "legacy models, retrained by 2027",
    "expires": date(2027, 3, 31),
    "owner": "ml-platform",
}


def finding(path="models/legacy/a.pkl", check="modelfile.pickle.unknown-call", key="x.Y"):
    return Finding.create(
        check_id=check,
        severity=Severity.MEDIUM,
        title="t",
        message="m",
        location=Location(path),
        key=key,
    )


def parse(*entries, source="aisec.toml", base="/repo"):
    return parse_suppressions(list(entries), source, base)


def test_a_full_entry_is_parsed_with_its_source():
    (s,) = parse(GOOD)
    assert s == Suppression(
        justification="legacy models, retrained by 2027",
        expires=date(2027, 3, 31),
        check="modelfile.pickle.unknown-call",
        path="models/legacy/*.pkl",
        owner="ml-platform",
        source="aisec.toml [[suppress]] #1",
        base="/repo",
    )
    assert s.to_dict() == {
        "check": "modelfile.pickle.unknown-call",
        "path": "models/legacy/*.pkl",
        "justification": "legacy models, retrained by 2027",
        "expires": "2027-03-31",
        "owner": "ml-platform",
        "source": "aisec.toml [[suppress]] #1",
    }


def test_fingerprint_alone_is_enough_and_is_normalised_to_lower_case():
    fp = finding().fingerprint
    (s,) = parse({"fingerprint": fp.upper(), "justification": "j", "expires": date(2030, 1, 1)})
    assert s.fingerprint == fp and s.check is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"justification": None}, "#2: missing justification"),
        ({"justification": "  "}, "#2: justification must be a non-empty string"),
        ({"justification": 3}, "#2: justification must be a non-empty string"),
        ({"expires": None}, "#2: missing expires"),
        ({"expires": "2027-03-31"}, "#2: expires must be a TOML date"),
        ({"expires": datetime(2027, 3, 31, 12)}, "#2: expires must be a TOML date"),
        ({"expires": 20270331}, "#2: expires must be a TOML date"),
        ({"check": None}, "#2: give a check id or a fingerprint"),
        ({"fingerprint": "not-hex", "check": None}, "#2: fingerprint 'not-hex' is not a hex"),
        ({"justifcation": "typo"}, "#2: unknown key 'justifcation'"),
        ({"path": "models/[z-a].pkl"}, "#2: invalid path pattern"),
        ({"owner": ["a"]}, "#2: owner must be a non-empty string"),
    ],
)
def test_bad_entries_are_errors_naming_file_and_entry(change, message):
    entry = {k: v for k, v in ({**GOOD, **change}).items() if v is not None}
    with pytest.raises(ConfigError) as info:
        parse(GOOD, entry)
    assert str(info.value).startswith("aisec.toml [[suppress]] " + message.split(":")[0])
    assert message in str(info.value)


@pytest.mark.parametrize("raw", [{"check": "a.b"}, "check", 3, [1]])
def test_suppress_must_be_an_array_of_tables(raw):
    with pytest.raises(ConfigError, match=r"aisec\.toml"):
        parse_suppressions(raw, "aisec.toml", "/repo")


def test_expiry_day_still_applies():
    (s,) = parse(GOOD)
    assert not s.expired(date(2027, 3, 31))
    assert s.expired(date(2027, 4, 1))


def test_all_given_criteria_must_match():
    (s,) = parse(GOOD)
    assert s.matches(finding(), "/repo")
    assert not s.matches(finding(check="modelfile.pickle.unknown-import"), "/repo")
    assert not s.matches(finding(path="models/current/a.pkl"), "/repo")
    (by_both,) = parse({**GOOD, "fingerprint": finding(key="other").fingerprint})
    assert not by_both.matches(finding(), "/repo")
    assert by_both.matches(finding(key="other"), "/repo")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("models/legacy/*.pkl", "models/legacy/a.pkl", True),
        ("models/legacy/*.pkl", "models/legacy/sub/a.pkl", False),  # * stays in a segment
        ("models/**/*.pkl", "models/legacy/sub/a.pkl", True),
        ("models/**/*.pkl", "models/a.pkl", True),
        ("models/**", "models/x/y/z.bin", True),
        ("./models/?.pkl", "models/a.pkl", True),
        ("models/?.pkl", "models/ab.pkl", False),
        ("models/[ab].pkl", "models/b.pkl", True),
        ("models/[!ab].pkl", "models/b.pkl", False),
        ("models/[!ab].pkl", "models/c.pkl", True),
        ("models/a[/]b", "models/a/b", False),  # a class never matches the separator
        ("*.pkl", "models/a.pkl", False),  # relative to the base, not "anywhere"
        ("models/a+b(1).pkl", "models/a+b(1).pkl", True),  # regex syntax is literal
        ("models/[unclosed", "models/[unclosed", True),
        # "**" crosses directories only as a whole segment (gitignore); elsewhere it is "*".
        ("models**", "models-untrusted/evil.pkl", False),
        ("models**", "models-untrusted", True),
        ("models/a**", "models/ab/evil.pkl", False),
        ("models/**.pkl", "models/sub/a.pkl", False),
        ("models/**.pkl", "models/a.pkl", True),
        ("**models/a.pkl", "x/models/a.pkl", False),
        ("models/***/a.pkl", "models/x/y/a.pkl", False),  # "***" is no "**" segment
        ("models/***/a.pkl", "models/x/a.pkl", True),
        ("**", "models/x/a.pkl", True),
        ("**/a.pkl", "a.pkl", True),
        ("models/**/**/a.pkl", "models/a.pkl", True),
        ("models/**/**/a.pkl", "models/x/y/a.pkl", True),
    ],
)
def test_glob_semantics(pattern, path, expected):
    assert path_matches(pattern, path, "/repo", "/repo") is expected


# A glob segment built from literals, "?", "*", classes and "**" inside a segment, but never
# a whole "**" segment.
_PIECE = st.sampled_from(["a", "b", ".", "?", "*", "**", "***", "[ab]", "[!a]"])
_SEGMENT = st.lists(_PIECE, min_size=1, max_size=4).map("".join).filter(lambda s: s != "**")
_PATH_SEGMENT = st.text(alphabet="ab.-", min_size=1, max_size=4).filter(
    lambda s: s not in (".", "..")
)


@settings(max_examples=300)
@given(
    glob=st.lists(_SEGMENT, min_size=1, max_size=4),
    path=st.lists(_PATH_SEGMENT, min_size=1, max_size=7),
)
def test_a_glob_without_double_star_segments_matches_only_as_many_segments(glob, path):
    pattern, subject = "/".join(glob), "/".join(path)
    matched = compile_glob(pattern).fullmatch(subject) is not None
    if len(path) != len(glob):
        assert not matched, (pattern, subject)


@settings(max_examples=300)
@given(
    glob=st.lists(_SEGMENT, min_size=1, max_size=3),
    path=st.lists(_PATH_SEGMENT, min_size=1, max_size=6),
)
def test_double_star_inside_a_segment_is_a_single_star(glob, path):
    pattern, subject = "/".join(glob), "/".join(path)
    starred = re.sub(r"\*+", "*", pattern)
    assert (compile_glob(pattern).fullmatch(subject) is None) == (
        compile_glob(starred).fullmatch(subject) is None
    ), (pattern, subject)


@settings(max_examples=200)
@given(
    head=st.lists(_PATH_SEGMENT, max_size=3),
    middle=st.lists(_PATH_SEGMENT, max_size=3),
    tail=_PATH_SEGMENT,
)
def test_a_double_star_segment_spans_any_number_of_directories(head, middle, tail):
    pattern = "/".join([*head, "**", tail])  # path segments hold no glob syntax
    subject = "/".join([*head, *middle, tail])
    assert compile_glob(pattern).fullmatch(subject) is not None


def test_relative_globs_start_at_the_config_directory():
    # The scan ran from /repo/sub, the configuration lives in /repo.
    assert path_matches("sub/models/*.pkl", "models/a.pkl", "/repo", "/repo/sub")
    assert not path_matches("models/*.pkl", "models/a.pkl", "/repo", "/repo/sub")
    # Absolute artefact paths are read relative to the base too; outside it nothing matches.
    assert path_matches("models/*.pkl", "/repo/models/a.pkl", "/repo", "/elsewhere")
    assert not path_matches("**", "/other/a.pkl", "/repo", "/repo")
    assert not path_matches("**", "../a.pkl", "/repo", "/repo")


def test_absolute_globs_match_absolute_paths():
    assert path_matches("/data/**/*.pt", "models/a.pt", "/repo", "/data/x")
    assert not path_matches("/data/*.pt", "models/a.pt", "/repo", "/repo")


def test_a_finding_inside_an_archive_matches_through_its_archive():
    (s,) = parse({**GOOD, "path": "models/bundle.zip"})
    inner = Finding.create(
        check_id=GOOD["check"],
        severity=Severity.MEDIUM,
        title="t",
        message="m",
        location=Location("models/bundle.zip").inner("a/data.pkl"),
    )
    assert s.matches(inner, "/repo")


# --- junk never raises anything but ConfigError ----------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["modelfile.pickle.unknown-call", "**", "[", "[!]", "a" * 32, ""]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_keys = st.sampled_from(
    ["check", "fingerprint", "path", "justification", "expires", "owner", "other"]
)
_entries = st.dictionaries(_keys, _values, max_size=6) | _values


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.lists(_entries, max_size=4) | _values)
def test_junk_entries_raise_only_config_errors(raw):
    try:
        parsed = parse_suppressions(raw, "aisec.toml", "/repo")
    except ConfigError as exc:
        message = str(exc)
        parsed = ()
        assert message.startswith("aisec.toml")
    for suppression in parsed:
        assert suppression.justification and isinstance(suppression.expires, date)
        suppression.matches(finding(), "/repo")


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_junk_configuration_text_raises_only_config_errors(tmp_path, text):
    (tmp_path / "aisec.toml").write_text("[[suppress]]\n" + text, encoding="utf-8")
    with contextlib.suppress(ConfigError):
        load_settings(directory=tmp_path, environ={})


@settings(max_examples=200)
@given(pattern=st.text(alphabet="ab/*?[]!^\\-.", max_size=12), path=st.text("ab/.", max_size=12))
def test_any_glob_compiles_or_is_a_config_error(pattern, path):
    try:
        compile_glob(pattern)
    except ConfigError:
        return
    assert path_matches(pattern, path or "a", "/repo", "/repo") in (True, False)


def test_suppressions_read_from_a_real_toml_file(tmp_path):
    (tmp_path / "aisec.toml").write_text(
        "[[suppress]]\n"
        'check = "modelfile.pickle.unknown-call"\n'
        'path = "models/*.pkl"\n'
        'justification = "our own classes"\n'
        "expires = 2027-03-31\n",
        encoding="utf-8",
    )
    (s,) = load_settings(directory=tmp_path, environ={}).suppress
    assert s.source == f"{tmp_path / 'aisec.toml'} [[suppress]] #1"
    assert s.base == os.path.abspath(tmp_path)
    assert s.expires == date(2027, 3, 31)
    assert tomllib.loads(f"d = {s.expires.isoformat()}")["d"] == s.expires
