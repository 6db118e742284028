"""The demo's labelled rows for validating the gateway's ``evasion.ood``: the held-out
rows as benign, successful evasions of them as malicious, scored by the gateway's
detector and written to a CSV that reads back unchanged."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("sklearn")
pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from aisec.demo import detector_validation as dv


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from aisec.demo.model_server import trained_with_reference

    path = tmp_path_factory.mktemp("reference") / "reference.json"
    model, x_train, x_test = trained_with_reference(dv.DATASET, path)
    return model, x_train, x_test, path


@pytest.fixture(scope="module")
def labelled(served):
    model, x_train, x_test, _ = served
    return dv.labelled_rows(model, x_train, x_test)


def test_the_held_out_rows_come_first_as_benign_then_evasions_by_attack(served, labelled):
    _, _, x_test, _ = served
    n = len(x_test)
    total = len(labelled.malicious)
    assert labelled.x.shape == (total, x_test.shape[1])
    assert len(labelled.categories) == total and labelled.rows.shape == (total,)
    assert not labelled.malicious[:n].any() and labelled.malicious[n:].all()
    np.testing.assert_array_equal(labelled.x[:n], x_test)
    np.testing.assert_array_equal(labelled.rows[:n], np.arange(n))
    assert set(labelled.categories[:n]) == {None}
    attacks = labelled.categories[n:]
    assert set(attacks) == set(dv.ATTACKS)
    # grouped by attack in ATTACKS order, each attack's rows ascending and distinct
    assert list(dict.fromkeys(attacks)) == list(dv.ATTACKS)
    for name in dv.ATTACKS:
        mine = labelled.rows[n:][np.array(attacks) == name]
        assert (np.diff(mine) > 0).all() and mine.min() >= 0 and mine.max() < n


def test_every_malicious_row_is_a_successful_evasion_inside_the_epsilon_box(served, labelled):
    from aisec.assurance.attacks.box import build_box

    model, x_train, x_test, _ = served
    bad = labelled.malicious
    source = x_test[labelled.rows[bad]]
    assert (model.predict(labelled.x[bad]) != model.predict(source)).all()
    box = build_box(x_test, x_train)
    slack = dv.EPSILON * box.width + 1e-9 * (1 + np.abs(source))
    assert (np.abs(labelled.x[bad] - source) <= slack).all()
    assert (labelled.x[bad] != source).any(axis=1).all()


def test_the_rows_and_their_scores_are_the_same_on_every_build(served, labelled):
    from aisec.runtime.detectors.reference import load_reference

    model, x_train, x_test, path = served
    again = dv.labelled_rows(model, x_train, x_test)
    np.testing.assert_array_equal(again.x, labelled.x)
    np.testing.assert_array_equal(again.rows, labelled.rows)
    assert again.categories == labelled.categories
    reference = load_reference(path)
    scores = dv.ood_scores(reference, labelled.x)
    np.testing.assert_array_equal(dv.ood_scores(reference, again.x), scores)
    assert scores.shape == labelled.malicious.shape and np.isfinite(scores).all()
    # the gateway blocks at 4: no held-out row would have been blocked (as in its demo)
    assert scores[~labelled.malicious].max() < 4.0
    assert scores[labelled.malicious].mean() > scores[~labelled.malicious].mean()


def test_the_scores_of_a_crafted_far_row_are_high(served):
    from aisec.runtime.detectors.reference import load_reference

    _, _, x_test, path = served
    far = x_test[:1] * 40  # the gateway demo's out-of-distribution probe
    assert dv.ood_scores(load_reference(path), far)[0] >= 4.0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=False, width=64),
            st.sampled_from((None, *dv.ATTACKS)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_scored_csv_reads_back_exactly(rows):
    from aisec.data.quality.table import read_table
    from aisec.services.validating import label_column
    from aisec.validation.sources import ColumnScores

    scores = np.array([s for s, _ in rows], dtype=np.float64)
    categories = tuple(c for _, c in rows)
    labelled = dv.LabelledRows(
        x=np.zeros((len(rows), 1)),
        malicious=np.array([c is not None for c in categories]),
        categories=categories,
        rows=np.arange(len(rows), dtype=np.int64),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / dv.DATA_NAME
        dv.write_scored(path, labelled, scores)
        frame = read_table(path).frame
    assert tuple(frame.columns) == dv.COLUMNS
    # read as ``aisec validate`` reads them
    np.testing.assert_array_equal(ColumnScores("ood_score").score(frame), scores)
    np.testing.assert_array_equal(label_column(frame, "label", None), labelled.malicious)
    read = [None if not isinstance(v, str) or v == "" else v for v in frame["category"]]
    assert tuple(read) == categories
    assert [int(v) for v in frame["row"]] == list(range(len(rows)))
