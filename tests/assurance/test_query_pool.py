"""Attacker queries: a disjoint pool, any number of rows from a few, inside the schema
(immutable columns never move) or inside the pool's observed ranges."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_breast_cancer

from aisec.assurance.extraction.query_pool import split_attacker_pool, synthesize_queries
from aisec.assurance.schema import FeatureSchema
from aisec.assurance.schema.column import Column, Kind
from aisec.core.errors import ConfigError


def test_split_is_disjoint_and_keeps_half_for_the_attacker():
    evaluated, pool = split_attacker_pool(540, 1000, seed=0)
    assert len(evaluated) == len(pool) == 270
    assert not set(evaluated) & set(pool)
    evaluated, pool = split_attacker_pool(3000, 1000, seed=0)
    assert (len(evaluated), len(pool)) == (1000, 2000)
    with pytest.raises(ConfigError, match="at least 4"):
        split_attacker_pool(3, 1, seed=0)
    with pytest.raises(ConfigError, match="eval_rows"):
        split_attacker_pool(100, 0, seed=0)


def test_ten_thousand_queries_from_five_hundred_rows():
    x, _ = load_breast_cancer(return_X_y=True)
    pool = x[:500]
    queries = synthesize_queries(pool, 10_000, seed=1)
    assert queries.shape == (10_000, x.shape[1])
    # The pool comes first, then rows that are new but inside the observed ranges.
    assert sorted(map(tuple, queries[:500])) == sorted(map(tuple, pool))
    assert (queries >= pool.min(axis=0)).all()
    assert (queries <= pool.max(axis=0)).all()
    assert len(np.unique(queries[500:], axis=0)) == 9_500
    # Seeded.
    assert np.array_equal(queries, synthesize_queries(pool, 10_000, seed=1))


def test_empty_pool_is_a_config_error():
    with pytest.raises(ConfigError, match="pool is empty"):
        synthesize_queries(np.zeros((0, 3)), 10)


SCHEMA = FeatureSchema(
    (
        Column("age", Kind.INTEGER, 18, 90, 1, immutable=True),
        Column("income", Kind.NUMERIC, 0, 1e6),
        Column("rooms", Kind.INTEGER, 1, 10, 1),
        Column("colour", Kind.CATEGORICAL, values=(0.0, 1.0, 2.0)),
    )
)


@settings(max_examples=40, deadline=None)
@given(
    pool=arrays(np.float64, st.tuples(st.integers(1, 30), st.just(3)), elements=st.floats(0, 1)),
    age=st.integers(18, 90),
    n=st.integers(1, 200),
    seed=st.integers(0, 2**16),
)
def test_queries_respect_the_schema(pool, age, n, seed):
    rows = np.column_stack(
        (
            np.full(len(pool), float(age)),
            pool[:, 0] * 1e5,
            np.round(1 + pool[:, 1] * 9),
            np.round(pool[:, 2] * 2),
        )
    )
    queries = synthesize_queries(rows, n, schema=SCHEMA, seed=seed)
    assert queries.shape == (n, 4)
    assert SCHEMA.valid_rows(queries).all()
    # The immutable column is constant in the pool, so it is constant in every query.
    assert (queries[:, 0] == age).all()
