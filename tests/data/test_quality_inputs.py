"""Reading datasets, column roles, MinHash, train/test overlap and trigger phrases."""

import contextlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import datasets

from aisec.core.errors import AisecError, ConfigError, LimitExceeded, MalformedInput
from aisec.data.arrow_errors import sanitise_arrow_error
from aisec.data.quality import CheckOptions, check_dataset, check_frames
from aisec.data.quality.columns import infer_kind, prepare
from aisec.data.quality.minhash import signatures, similar_pairs, similarity
from aisec.data.quality.overlap import exact_overlap, near_overlap
from aisec.data.quality.table import ReadCaps, read_table
from aisec.data.quality.triggers import trigger_phrases


def test_the_three_formats_read_alike(tmp_path):
    frame = pd.DataFrame({"a": [1.5, 2.0, None], "b": ["x", "y", "z"], "label": [0, 1, 0]})
    frame.to_csv(tmp_path / "d.csv", index=False)
    frame.to_parquet(tmp_path / "d.parquet")
    frame.to_json(tmp_path / "d.jsonl", orient="records", lines=True)
    kinds = set()
    for name in ("d.csv", "d.parquet", "d.jsonl"):
        table = read_table(tmp_path / name)
        data = prepare(table.frame, label="label")
        kinds.add(tuple(sorted(data.kinds.items())))
        assert data.labels == ["0", "1", "0"] and len(table.sha256) == 64
    assert kinds == {(("a", "numeric"), ("b", "categorical"))}
    cut = read_table(tmp_path / "d.jsonl", max_rows=2)
    assert cut.truncated and len(cut.frame) == 2


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_table_or_a_clear_error(tmp_path_factory, blob):
    for suffix in (".csv", ".jsonl", ".parquet"):
        path = tmp_path_factory.mktemp("q") / f"x{suffix}"
        path.write_bytes(blob)
        with contextlib.suppress(AisecError):
            read_table(path, max_rows=50)


def test_roles():
    assert infer_kind(pd.Series(["1", "2.5", "3"])) == "numeric"
    assert infer_kind(pd.Series([f"user-{i}" for i in range(50)])) == "identifier"
    assert infer_kind(pd.Series(["the quick brown fox jumps over it"] * 5)) == "text"
    assert infer_kind(pd.Series(["a", "b", "a"])) == "categorical"
    with pytest.raises(ConfigError):
        prepare(pd.DataFrame({"a": [1]}), label="missing")


def test_minhash_estimates_jaccard():
    base = "the model was trained on data collected in the spring of last year"
    sig = signatures([base, base + " again", "nothing alike in this one at all", None])
    assert similarity(sig[0], sig[0]) == 1.0
    assert similarity(sig[0], sig[1]) > 0.8 and similarity(sig[0], sig[2]) < 0.2
    assert similar_pairs(sig) == [(0, 1)]


def test_copied_test_rows_are_found_in_train():
    df = datasets.load_wine(as_frame=True).frame.rename(columns={"target": "label"})
    p = np.random.default_rng(0).permutation(len(df))
    train, test = df.iloc[p[:120]], df.iloc[p[120:]].reset_index(drop=True)
    noisy = test.iloc[10:18].copy()
    noisy.iloc[:, :3] *= 1.001
    leaked = pd.concat([train, test.iloc[:8], noisy], ignore_index=True)
    tr, te = prepare(leaked, label="label"), prepare(test, label="label")
    exact = exact_overlap(tr, te)
    assert exact.fired and {d["test_row"] for d in exact.details["pairs"]} == set(range(8))
    near = near_overlap(tr, te)
    assert {d["test_row"] for d in near.details["pairs"]} == set(range(10, 18))
    clean = prepare(train, label="label")
    assert not exact_overlap(clean, te).fired and not near_overlap(clean, te).fired


def sentences(n, rng):
    """Short texts: 12 filler words and 2 sentiment words that decide the label."""
    good = np.array(["great", "lovely", "excellent", "superb", "fine"])
    bad = np.array(["awful", "poor", "terrible", "bad", "dull"])
    filler = np.array([f"w{i}" for i in range(300)])
    labels = rng.integers(0, 2, n)
    words = np.concatenate(
        [
            filler[rng.integers(0, 300, (n, 12))],
            np.where(labels[:, None] == 1, good, bad)[
                np.arange(n)[:, None], rng.integers(0, 5, (n, 2))
            ],
        ],
        axis=1,
    )
    words = rng.permuted(words, axis=1)
    return pd.DataFrame({"text": [" ".join(w) for w in words], "label": labels})


def test_a_planted_trigger_phrase_is_mined_and_clean_text_is_quiet():
    planted_found = clean_quiet = 0
    for seed in range(3):
        rng = np.random.default_rng(seed)
        df = sentences(2000, rng)
        clean_quiet += not trigger_phrases(prepare(df, label="label")).fired
        poisoned = rng.choice(len(df), 40, replace=False)  # 2% of the rows
        df.loc[poisoned, "text"] = df.loc[poisoned, "text"] + " cf mn zq"
        df.loc[poisoned, "label"] = 1
        result = trigger_phrases(prepare(df, label="label"))
        planted_found += result.fired and result.details["phrases"][0]["ngram"] in (
            "cf",
            "mn",
            "zq",
            "cf mn",
            "mn zq",
            "cf mn zq",
        )
    assert planted_found == 3 and clean_quiet == 3  # measured: 3/3 and 3/3


def test_check_frames_skips_what_it_cannot_run():
    frame = pd.DataFrame({"a": np.arange(30.0) % 7, "b": np.arange(30.0) % 5})
    report = check_frames(frame, options=CheckOptions())
    assert report.label is None and any(s.id == "label-issues" for s in report.skipped)
    assert {i.id for i in report.indicators} == {"duplicate-rows", "outliers"}


def test_near_duplicate_texts_with_other_labels_are_clustered():
    from aisec.data.quality.near_duplicates import near_duplicate_conflicts

    rng = np.random.default_rng(0)
    df = sentences(600, rng)
    copies = df.iloc[:15].copy()
    copies["text"] = copies["text"] + " ok"  # a small edit: Jaccard stays above 0.8
    copies["label"] = 1 - copies["label"]
    data = prepare(pd.concat([df, copies], ignore_index=True), label="label")
    result = near_duplicate_conflicts(data)
    assert "MinHash" in result.details["method"]
    clustered = {r for c in result.details["clusters"] for r in c["rows"]}
    assert set(range(600, 615)) <= clustered and result.count == 15
    assert near_duplicate_conflicts(prepare(df, label="label")).count == 0


def test_empty_data_and_null_labels():
    with pytest.raises(AisecError):
        check_frames(pd.DataFrame({"a": [], "label": []}))
    report = check_frames(pd.DataFrame({"a": [1.0, 2.0, 3.0], "label": [None] * 3}))
    assert [s.reason for s in report.skipped] == ["every label is null"]


def test_rows_without_features_are_not_called_duplicates():
    frame = pd.DataFrame({"id": range(30), "label": ["a", "b"] * 15})
    report = check_frames(frame)
    assert report.columns == {"id": "identifier"}
    assert report.get("duplicate-rows") is None
    assert any(s.id == "duplicate-rows" for s in report.skipped)


def test_a_free_text_column_with_a_label_is_checked_not_crashed():
    # Regression: the text features are a scipy sparse matrix, which has no len().
    rng = np.random.default_rng(0)
    frame = sentences(200, rng)
    frame["score"] = rng.normal(size=200)
    report = check_frames(frame)
    issues = report.get("label-issues")
    assert issues is not None and issues.total == 200
    assert not any(s.id == "label-issues" for s in report.skipped)


def test_an_indicator_that_fails_unexpectedly_is_skipped_with_its_reason(monkeypatch):
    from aisec.data.quality import check

    def broken(*args, **kwargs):
        raise ZeroDivisionError("cannot divide 'secret@example.com'")

    monkeypatch.setattr(check, "outliers", broken)
    frame = pd.DataFrame({"a": np.arange(30.0) % 7, "b": np.arange(30.0) % 5})
    report = check_frames(frame)
    skipped = {s.id: s.reason for s in report.skipped}
    assert "ZeroDivisionError" in skipped["outliers"] and "secret" not in skipped["outliers"]
    assert report.get("duplicate-rows") is not None  # the others still ran


def test_extreme_finite_numbers_are_far_outliers_not_errors():
    rng = np.random.default_rng(0)
    values = rng.normal(size=60)
    values[:4] = [1e308, -1e308, 1e308, -1e308]
    frame = pd.DataFrame({"x": values, "y": rng.normal(size=60), "label": [0, 1] * 30})
    report = check_frames(frame, test=frame.iloc[:20])
    assert not report.skipped, report.skipped
    top = {t["row"] for t in report.get("outliers").details["top"][:4]}
    assert top == {0, 1, 2, 3}


def test_arrow_errors_do_not_quote_the_row():
    assert (
        sanitise_arrow_error("CSV parse error: Expected 2 columns, got 3: bob,bob@secret.com,x")
        == "CSV parse error: Expected 2 columns, got 3"
    )
    assert sanitise_arrow_error("first line\nbob@secret.com") == "first line"
    assert len(sanitise_arrow_error("x" * 1000)) == 200


def test_a_malformed_csv_error_names_no_cell(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email\nalice,alice@example.com\nbob,bob@secret.com,extra\n")
    with pytest.raises(MalformedInput) as caught:
        read_table(path)
    assert "got 3" in str(caught.value) and "secret" not in str(caught.value)


def test_reads_stop_at_the_byte_caps(tmp_path):
    rows = pd.DataFrame({"a": np.arange(5000), "b": ["x" * 40] * 5000})
    rows.to_json(tmp_path / "d.jsonl", orient="records", lines=True)
    rows.to_csv(tmp_path / "d.csv", index=False)
    rows.to_parquet(tmp_path / "d.parquet")
    caps = ReadCaps(max_bytes=20_000, max_line_bytes=4096)
    for name in ("d.jsonl", "d.csv", "d.parquet"):
        table = read_table(tmp_path / name, caps=caps)
        assert table.truncated and 0 < len(table.frame) < 5000, name
    whole = read_table(tmp_path / "d.csv", caps=ReadCaps(max_line_bytes=4096))
    assert not whole.truncated and len(whole.frame) == 5000
    report = check_dataset(tmp_path / "d.jsonl", options=CheckOptions(max_bytes=20_000))
    assert any("only the first" in n for n in report.notes)


def test_a_line_over_the_cap_is_an_error(tmp_path):
    (tmp_path / "long.jsonl").write_text('{"a": 1}\n{"a": "' + "x" * 5000 + '"}\n')
    (tmp_path / "long.csv").write_text("a\n1\n" + "x" * 5000 + "\n")
    caps = ReadCaps(max_line_bytes=1024)
    with pytest.raises(LimitExceeded):
        read_table(tmp_path / "long.jsonl", caps=caps)
    with pytest.raises(MalformedInput):
        read_table(tmp_path / "long.csv", caps=caps)
    with pytest.raises(ConfigError):
        ReadCaps(max_bytes=0)
