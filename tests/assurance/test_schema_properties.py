"""Properties of ``FeatureSchema.project`` over generated schemas and perturbations:
projected rows are always valid, projecting twice changes nothing, immutable columns
never move."""

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.assurance.schema import Column, FeatureSchema, Kind

finite = st.floats(-1e6, 1e6, allow_nan=False)
anything = st.one_of(finite, st.just(float("nan")), st.sampled_from([np.inf, -np.inf]))


@st.composite
def columns(draw, name):
    kind = draw(st.sampled_from(list(Kind)))
    immutable = draw(st.booleans())
    if kind is Kind.CATEGORICAL:
        values = draw(st.lists(finite, min_size=1, max_size=6, unique=True))
        return Column(name, kind, values=tuple(sorted(values)), immutable=immutable)
    low = draw(st.one_of(st.none(), st.floats(-1e4, 1e4)))
    width = draw(st.floats(0, 1e4))
    high = draw(st.one_of(st.none(), st.just(None if low is None else low + width)))
    if low is None and high is None and draw(st.booleans()):
        high = draw(st.floats(-1e4, 1e4))
    if kind is Kind.INTEGER:
        step = draw(st.sampled_from([1.0, 2.0, 0.5, 0.1, 7.0]))
        if low is not None and high is not None and high - low < step:
            high = low + step
        return Column(name, kind, low, high, step, immutable=immutable)
    return Column(name, kind, low, high, immutable=immutable)


@st.composite
def schemas(draw):
    n = draw(st.integers(1, 6))
    cols = [draw(columns(f"c{j}")) for j in range(n)]
    groups = {}
    for g in range(draw(st.integers(0, 2))):
        size = draw(st.integers(2, 4))
        frozen = draw(st.booleans())
        names = [f"g{g}_{k}" for k in range(size)]
        cols += [Column(m, Kind.CATEGORICAL, values=(0.0, 1.0), immutable=frozen) for m in names]
        groups[f"g{g}"] = tuple(names)
    order = draw(st.permutations(cols))
    return FeatureSchema(tuple(order), groups)


@st.composite
def cases(draw):
    schema = draw(schemas())
    rows = draw(st.integers(1, 5))
    width = len(schema.columns)
    raw = np.array(draw(st.lists(anything, min_size=rows * width, max_size=rows * width)))
    # A valid original row: the same schema with nothing immutable projects anything.
    free = FeatureSchema(
        tuple(replace(c, immutable=False) for c in schema.columns), dict(schema.one_hot)
    )
    orig = free.project(raw.reshape(rows, width))
    noise = np.array(draw(st.lists(anything, min_size=rows * width, max_size=rows * width)))
    return schema, orig, orig + noise.reshape(rows, width)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_projected_rows_are_valid_idempotent_and_keep_immutable_columns(case):
    schema, orig, adv = case
    assert schema.valid_rows(orig).all()
    with np.errstate(invalid="ignore", over="ignore"):
        out = schema.project(adv, orig)
    assert schema.valid_rows(out, orig).all()
    assert np.array_equal(schema.project(out, orig), out)
    for j, column in enumerate(schema.columns):
        if column.immutable:
            assert np.array_equal(out[:, j], orig[:, j])
