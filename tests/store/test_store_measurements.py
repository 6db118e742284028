"""Revision 0004: a run's measurements are stored with it and read back in order, on SQLite
and PostgreSQL; NaN, infinities and hostile text included."""

from __future__ import annotations

import math
import uuid
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from aisec.core.errors import InvalidRecord
from aisec.core.run import Measurement, Run
from aisec.core.severity import Severity
from aisec.store import migrate
from aisec.store.engine import create_store_engine
from aisec.store.session import clean, clean_data


def make_run(*measurements: Measurement) -> Run:
    run = Run("test", ["model.pkl"], "0.1.0", {"fail_on": "high"})
    run.measurements.extend(measurements)
    run.finish()
    return run


def rate(name: str = "privacy.mia.auc", value: float = 0.5, **changes) -> Measurement:
    fields = {
        "name": name,
        "value": value,
        "ci_low": 0.4,
        "ci_high": 0.6,
        "n": 200,
        "unit": "rate",
        "params": {"confidence": 0.95, "ci_method": "wilson"},
    }
    fields.update(changes)
    return Measurement(**fields)


def test_measurements_round_trip_in_order(store):
    made = [
        rate("fairness.selection_rate", 0.25, params={"group": "a", "note": ["x", 1, True]}),
        rate("fairness.selection_rate", 0.75, params={"group": "b"}),
        rate("privacy.mia.auc", 0.61, ci_low=None, ci_high=None, n=10, unit="auc", params={}),
        rate("fairness.demographic_parity_ratio", 1 / 3, unit="ratio"),
    ]
    run = make_run(*made)
    stored = store.runs.record(run)
    assert stored.measurement_count == len(made)
    assert stored.finding_count == 0
    assert store.runs.get(run.id) == stored
    assert store.runs.measurements(run.id) == made


def test_many_measurements_keep_their_order(store):
    made = [rate(f"m.{i % 7}", i / 3, n=i) for i in range(120)]
    store.runs.record(make_run(*made))
    other = make_run(*reversed(made))  # a second run's rows do not mix with the first's
    store.runs.record(other)
    assert store.runs.measurements(other.id) == list(reversed(made))


def test_a_run_without_measurements_and_unknown_runs(store):
    run = make_run()
    assert store.runs.record(run).measurement_count == 0
    assert store.runs.measurements(run.id) == []
    assert store.runs.measurements(str(uuid.uuid4())) == []
    # The id is read as a UUID, as record reads it: the same run however it is spelled.
    measured = make_run(rate())
    store.runs.record(measured)
    assert store.runs.measurements(measured.id.upper()) == [rate()]
    with pytest.raises(InvalidRecord, match="not a UUID"):
        store.runs.measurements("run-1")


def test_nan_is_stored_as_null_and_read_back_as_nan(store):
    run = make_run(rate(value=math.nan, ci_low=math.nan, ci_high=None))
    store.runs.record(run)
    (back,) = store.runs.measurements(run.id)
    assert math.isnan(back.value)
    # An interval bound has no NaN of its own: undefined reads as missing.
    assert (back.ci_low, back.ci_high) == (None, None)
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT value, ci_low FROM run_measurements")).one()
    assert tuple(stored) == (None, None)


def test_infinities_are_kept(store):
    run = make_run(rate(value=math.inf, ci_low=-math.inf, ci_high=math.inf))
    store.runs.record(run)
    (back,) = store.runs.measurements(run.id)
    assert (back.value, back.ci_low, back.ci_high) == (math.inf, -math.inf, math.inf)


def test_numbers_from_numpy_and_plain_ints(store):
    made = rate(value=np.float64(0.125), ci_low=np.float32(0.5), ci_high=1, n=np.int64(9))
    run = make_run(made)
    store.runs.record(run)
    (back,) = store.runs.measurements(run.id)
    assert (back.value, back.ci_low, back.ci_high, back.n) == (0.125, 0.5, 1.0, 9)
    assert type(back.n) is int and type(back.ci_high) is float


def test_params_are_json_safe(store):
    params = {
        "nan": math.nan,
        "inf": [math.inf, -math.inf, 1.5],
        "nested": {"deep": (np.float32("nan"), np.int64(3), np.float64(2.5))},
        "text": "nan",  # a string stays a string
        "set": {math.nan},
        "bytes": b"\x80\x00",
        "severity": Severity.HIGH,  # an enum is shown as clean_data shows it
        "huge": Fraction(10**400),
    }
    run = make_run(rate(params=params))
    store.runs.record(run)
    (back,) = store.runs.measurements(run.id)
    assert back.params == {
        "nan": None,
        "inf": [None, None, 1.5],
        "nested": {"deep": [None, 3, 2.5]},
        "text": "nan",
        "set": [None],
        "bytes": "\\x80\\x00",
        "severity": "high",
        "huge": None,
    }


def test_self_referential_params_are_cut_off(store):
    loop: dict[str, object] = {}
    loop["self"] = loop
    run = make_run(rate(params=loop))
    store.runs.record(run)
    (back,) = store.runs.measurements(run.id)
    depth, node = 0, back.params
    while isinstance(node, dict):
        node, depth = node["self"], depth + 1
    assert node == "…" and depth > 10


# Any character, lone surrogates included, and the two the databases refuse made likely.
characters = st.characters(exclude_categories=()) | st.sampled_from("\x00\udcff\ud800")
hostile = st.text(characters, max_size=50)  # at most 200 once each is escaped to 4
values = st.floats(allow_nan=True, allow_infinity=True) | st.none()
json_leaves = st.none() | st.booleans() | st.integers(-(2**60), 2**60) | values | hostile
json_params = st.dictionaries(
    hostile,
    st.recursive(
        json_leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile, inner, max_size=4),
        max_leaves=12,
    ),
    max_size=5,
)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=hostile,
    unit=st.text(characters, max_size=10),
    value=st.floats(allow_nan=True, allow_infinity=True),
    low=values,
    params=json_params,
)
def test_hostile_measurements_are_stored(store, name, unit, value, low, params):
    run = make_run(rate(name, value, ci_low=low, unit=unit, params=params))
    stored = store.runs.record(run)
    assert stored.measurement_count == 1
    (back,) = store.runs.measurements(run.id)
    assert back.name == clean(name)
    assert back.unit == clean(unit)
    assert back.value == value or (math.isnan(back.value) and math.isnan(value))
    assert back.ci_low == (None if low is None or math.isnan(low) else low)
    assert back.params == clean_data(_finite(params))
    assert store.runs.list(kind="test", limit=1)[0].measurement_count == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "m" * 201}, "name is longer than 200"),
        ({"name": "\x00" * 51}, "name is longer than 200"),  # as stored, \x00 is 4 characters
        ({"unit": "u" * 41}, "unit is longer than 40"),
        ({"n": 2**31}, "out of range"),
        ({"n": 12.0}, "not a whole number"),
        ({"value": "0.5"}, "value '0.5' is not a number"),
        ({"ci_high": object()}, "ci_high .* is not a number"),
    ],
)
def test_what_the_columns_cannot_hold_is_refused_before_anything_is_written(
    store, changes, message
):
    run = make_run(rate("kept"), rate(**changes))
    with pytest.raises(InvalidRecord, match=message):
        store.runs.record(run)
    assert store.runs.get(run.id) is None
    assert store.runs.list() == []


def test_the_longest_name_and_unit_fit(store):
    made = rate("n" * 200, unit="\udcff" * 10, n=2**31 - 1)
    run = make_run(made)
    store.runs.record(run)
    (back,) = store.runs.measurements(run.id)
    assert (back.name, back.unit, back.n) == ("n" * 200, "\\xff" * 10, 2**31 - 1)


def test_a_huge_integer_value_is_an_infinity(store):
    run = make_run(rate(value=-(10**400)))
    store.runs.record(run)
    assert store.runs.measurements(run.id)[0].value == -math.inf


def test_measurements_go_with_their_run(store):
    kept, dropped = make_run(rate("kept")), make_run(rate("a"), rate("b"))
    store.runs.record(kept)
    store.runs.record(dropped)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM scan_runs WHERE id = :id"), {"id": dropped.id})
    assert store.runs.measurements(dropped.id) == []
    assert [m.name for m in store.runs.measurements(kept.id)] == ["kept"]
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM run_measurements")).scalar() == 1


# -- the migration -------------------------------------------------------------------------


@pytest.fixture
def engine(database_url):
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def test_0004_upgrades_from_0003_keeping_runs_and_downgrades_back(engine):
    migrate.upgrade(engine, "0003")
    assert "run_measurements" not in inspect(engine).get_table_names()
    with engine.begin() as connection:  # a run stored before 0004
        connection.execute(
            text(
                "INSERT INTO scan_runs (id, kind, targets, tool_version, config, started_at,"
                " counts, errors, warnings, skipped, recorded_at)"
                " VALUES ('r1', 'scan', '[]', '0.1', '{}', :now, '{}', '[]', '[]', '[]', :now)"
            ),
            {"now": "2026-01-01 00:00:00"},
        )
    migrate.upgrade(engine, "0004")  # not head: later revisions have tests of their own
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == "0004"
        assert connection.execute(text("SELECT count(*) FROM run_measurements")).scalar() == 0
    indexes = {i["name"] for i in inspect(engine).get_indexes("run_measurements")}
    assert indexes == {"ix_run_measurements_run_id", "ix_run_measurements_name"}
    migrate.downgrade(engine, "0003")
    assert "run_measurements" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM scan_runs")).scalar() == 1
    migrate.downgrade(engine, "base")
    assert inspect(engine).get_table_names() == []
