"""No false positives on what the real libraries write.

Every artefact here is produced in ``tmp_path`` by scikit-learn, joblib, numpy, PyTorch
(and pandas when installed) exactly as users produce them, then scanned. The
expectation is strict: nothing at medium or above, exit code 0, every artefact analysed
and no internal error. Object arrays (which need ``allow_pickle``) may give a low
finding, nothing more.
"""

from __future__ import annotations

import io
import pickle
import warnings

import numpy as np
import pytest
from fixtures import describe_run, write

from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.core.severity import Severity
from aisec.modelfile.scanner import scan

FAIL_ON = Settings().fail_on

pytestmark = pytest.mark.filterwarnings(
    "ignore::PendingDeprecationWarning",  # numpy.matrix
    "ignore:torch.quantize_per_tensor:UserWarning",
    "ignore:Sparse invariant checks:UserWarning",
)


def assert_clean(run):
    """Nothing at medium or above, exit 0, everything analysed, no internal error."""
    loud = [f for f in run.findings if f.severity >= Severity.MEDIUM]
    assert loud == [], describe_run(run)
    assert run.exit_code(FAIL_ON) == 0, describe_run(run)
    assert run.errors == []
    assert all(a.status is ArtefactStatus.ANALYSED for a in run.artefacts), describe_run(run)


def assert_silent(run):
    """Not even a low finding."""
    assert run.findings == [], describe_run(run)
    assert_clean(run)


# -- scikit-learn ---------------------------------------------------------------------------
def _estimators():
    from sklearn.cluster import KMeans
    from sklearn.compose import ColumnTransformer
    from sklearn.decomposition import PCA
    from sklearn.ensemble import (
        GradientBoostingClassifier,
        HistGradientBoostingClassifier,
        IsolationForest,
        RandomForestClassifier,
    )
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeRegressor

    column = ColumnTransformer(
        [
            ("onehot", OneHotEncoder(handle_unknown="ignore"), [4]),
            ("scale", StandardScaler(), [0, 1, 2, 3]),
        ]
    )
    # (estimator, needs y, uses the extra categorical column)
    return {
        "Pipeline": (
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)),
            True,
            False,
        ),
        "ColumnTransformer+OneHotEncoder": (
            Pipeline([("columns", column), ("model", LogisticRegression(max_iter=300))]),
            True,
            True,
        ),
        "RandomForestClassifier": (
            RandomForestClassifier(n_estimators=4, random_state=0),
            True,
            False,
        ),
        "GradientBoostingClassifier": (
            GradientBoostingClassifier(n_estimators=4, random_state=0),
            True,
            False,
        ),
        "SVC": (SVC(), True, False),
        "MLPClassifier": (
            MLPClassifier(hidden_layer_sizes=(4,), max_iter=30, random_state=0),
            True,
            False,
        ),
        "KMeans": (KMeans(n_clusters=3, n_init=1, random_state=0), False, False),
        "LogisticRegression": (LogisticRegression(max_iter=300), True, False),
        "DecisionTreeRegressor": (DecisionTreeRegressor(max_depth=3), True, False),
        "KNeighborsClassifier": (KNeighborsClassifier(), True, False),
        "StandardScaler": (StandardScaler(), False, False),
        "PCA": (PCA(n_components=2), False, False),
        "HistGradientBoostingClassifier": (HistGradientBoostingClassifier(max_iter=4), True, False),
        "IsolationForest": (IsolationForest(n_estimators=4, random_state=0), False, False),
    }


ESTIMATORS = [
    "Pipeline",
    "ColumnTransformer+OneHotEncoder",
    "RandomForestClassifier",
    "GradientBoostingClassifier",
    "SVC",
    "MLPClassifier",
    "KMeans",
    "LogisticRegression",
    "DecisionTreeRegressor",
    "KNeighborsClassifier",
    "StandardScaler",
    "PCA",
    "HistGradientBoostingClassifier",
    "IsolationForest",
]
JOBLIB_COMPRESSORS = ["zlib", "gzip", "bz2", "lzma", "xz", "lz4"]
FORMATS = [
    "joblib",
    *(f"joblib-{c}" for c in JOBLIB_COMPRESSORS),
    *(f"pickle-protocol-{p}" for p in (2, 3, 4, 5)),
]

# KD/ball trees pickle through their Cython ``newObj`` helpers, which no allowlist covers.


@pytest.fixture(scope="module")
def fitted():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_iris

    x, y = load_iris(return_X_y=True)
    extra = np.c_[x, (x[:, 0] > 5.8).astype(int)]
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings of the deliberately tiny fits
        for name, (model, supervised, categorical) in _estimators().items():
            data = extra if categorical else x
            models[name] = model.fit(data, y) if supervised else model.fit(data)
    return models


def save(model, fmt, directory):
    import joblib

    if fmt.startswith("pickle-protocol-"):
        path = directory / "model.pkl"
        path.write_bytes(pickle.dumps(model, protocol=int(fmt.rsplit("-", 1)[1])))
        return path
    path = directory / "model.joblib"
    compressor = fmt.partition("-")[2]
    joblib.dump(model, path, compress=(compressor, 3) if compressor else 0)
    return path


SKLEARN_CASES = [
    pytest.param(
        name,
        fmt,
        id=f"{name}-{fmt}",
    )
    for name in ESTIMATORS
    for fmt in FORMATS
]


@pytest.mark.parametrize(("name", "fmt"), SKLEARN_CASES)
def test_sklearn_estimator(tmp_path, fitted, name, fmt):
    run = scan([save(fitted[name], fmt, tmp_path)])
    assert_clean(run)
    assert check_formats(run) & {"joblib", "pickle"}


def check_formats(run):
    return {a.format for a in run.artefacts}


def test_sklearn_knn_with_brute_force_search(tmp_path):
    """Control for the KD-tree false positive: without a tree there is nothing unknown."""
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_iris
    from sklearn.neighbors import KNeighborsClassifier

    model = KNeighborsClassifier(algorithm="brute").fit(*load_iris(return_X_y=True))
    assert_silent(scan([save(model, "joblib", tmp_path)]))


def test_sklearn_on_breast_cancer_all_formats_in_one_directory(tmp_path, fitted):
    """A directory of mixed artefacts, as a model registry would hold them."""
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier

    x, y = load_breast_cancer(return_X_y=True)
    model = RandomForestClassifier(n_estimators=3, random_state=0).fit(x, y)
    for fmt in FORMATS:
        (tmp_path / fmt).mkdir()
        save(model, fmt, tmp_path / fmt)
    run = scan([tmp_path])
    assert len(run.artefacts) >= len(FORMATS)
    assert_silent(run)


# -- numpy ------------------------------------------------------------------------------------
NUMERIC = {
    "float64-2d": np.arange(12.0).reshape(3, 4),
    "float32-fortran": np.asfortranarray(np.ones((3, 4), np.float32)),
    "int8": np.arange(5, dtype=np.int8),
    "big-endian-int32": np.arange(4, dtype=">i4"),
    "complex128": np.ones(3, complex),
    "bool": np.array([True, False]),
    "unicode": np.array(["ab", "c"]),
    "bytes": np.array([b"ab"]),
    "datetime64": np.array(["2020-01-01"], dtype="datetime64[D]"),
    "structured": np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8", (2,))]),
    "0-d": np.array(3.5),
    "empty": np.zeros((0, 3)),
    "float16": np.ones(2, np.float16),
}


def npy_bytes(array, allow_pickle=False):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


@pytest.mark.parametrize("kind", sorted(NUMERIC))
def test_numpy_npy_numeric(tmp_path, kind):
    assert_silent(scan([write(tmp_path, "a.npy", npy_bytes(NUMERIC[kind]))]))


@pytest.mark.parametrize("kind", sorted(NUMERIC))
@pytest.mark.parametrize("protocol", range(6))
def test_numpy_array_pickled(tmp_path, kind, protocol):
    data = pickle.dumps(NUMERIC[kind], protocol=protocol)
    assert_silent(scan([write(tmp_path, "a.pkl", data)]))


@pytest.mark.parametrize("compressed", [False, True], ids=["savez", "savez_compressed"])
def test_numpy_npz(tmp_path, compressed):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(
        buf, **{k.replace("-", "_"): v for k, v in NUMERIC.items()}
    )
    run = scan([write(tmp_path, "arrays.npz", buf.getvalue())])
    assert_silent(run)
    assert len(run.artefacts) == 1 + len(NUMERIC)


def object_array():
    arr = np.empty(4, dtype=object)
    arr[:] = [{"label": 1}, [1, 2], "text", None]
    return arr


def test_numpy_object_array_is_low_only(tmp_path):
    run = scan([write(tmp_path, "labels.npy", npy_bytes(object_array(), allow_pickle=True))])
    assert_clean(run)
    assert {f.check_id for f in run.findings} == {"modelfile.numpy.object-array"}


def test_numpy_npz_with_object_arrays_is_low_only(tmp_path):
    buf = io.BytesIO()
    np.savez_compressed(buf, numbers=np.arange(3), labels=object_array())
    run = scan([write(tmp_path, "data.npz", buf.getvalue())])
    assert_clean(run)
    assert {f.check_id for f in run.findings} == {"modelfile.numpy.object-array"}


NUMPY_OBJECTS = {
    "random-state": lambda: np.random.RandomState(0),
    "generator": lambda: np.random.default_rng(1),
    "philox": lambda: np.random.Generator(np.random.Philox(1)),
    "seed-sequence": lambda: np.random.SeedSequence(1),
    "dtype": lambda: np.dtype("f8"),
    "scalars": lambda: {"f": np.float64(3.0), "i": np.int64(3), "b": np.bool_(True)},
    "matrix": lambda: np.matrix([[1, 2]]),
}


@pytest.mark.parametrize("kind", sorted(NUMPY_OBJECTS))
@pytest.mark.parametrize("protocol", [2, 5])
def test_numpy_objects_pickled(tmp_path, kind, protocol):
    data = pickle.dumps(NUMPY_OBJECTS[kind](), protocol=protocol)
    assert_silent(scan([write(tmp_path, "obj.pkl", data)]))


def test_numpy_masked_array_pickled(tmp_path):
    data = pickle.dumps(np.ma.masked_array([1, 2, 3], [0, 1, 0]), protocol=4)
    assert_clean(scan([write(tmp_path, "m.pkl", data)]))


# -- PyTorch ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def torch_bytes(torch, obj, legacy=False):
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=not legacy)
    return buf.getvalue()


def _sequential(torch):
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3),
        torch.nn.BatchNorm2d(2),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(8, 2),
    )


TORCH_OBJECTS = {
    "state_dict": lambda t: _sequential(t).state_dict(),
    "sequential-module": _sequential,
    "lstm-module": lambda t: t.nn.LSTM(3, 4),
    "checkpoint-with-optimizer": lambda t: {
        "model": _sequential(t).state_dict(),
        "optimizer": t.optim.Adam(_sequential(t).parameters()).state_dict(),
        "epoch": 3,
        "args": {"lr": 0.1, "name": "run-1"},
    },
    "dtypes": lambda t: {
        str(d): t.zeros(2, dtype=d)
        for d in (t.float16, t.bfloat16, t.int8, t.bool, t.complex64, t.uint8, t.int64)
    },
    "sparse-coo": lambda t: t.sparse_coo_tensor([[0, 1], [1, 0]], [1.0, 2.0], (2, 2)),
    "quantized": lambda t: t.quantize_per_tensor(t.ones(3), 0.1, 0, t.qint8),
    "parameter": lambda t: t.nn.Parameter(t.ones(2)),
    "numpy-inside": lambda t: {"w": np.arange(3), "rng": np.random.default_rng(0)},
}


@pytest.mark.parametrize("kind", sorted(TORCH_OBJECTS))
def test_torch_save_zip(tmp_path, torch, kind):
    data = torch_bytes(torch, TORCH_OBJECTS[kind](torch))
    run = scan([write(tmp_path, "model.pt", data)])
    assert_silent(run)
    assert run.artefacts[0].format == "pytorch"


@pytest.mark.parametrize(
    "kind",
    sorted(TORCH_OBJECTS),
)
def test_torch_save_legacy(tmp_path, torch, kind):
    data = torch_bytes(torch, TORCH_OBJECTS[kind](torch), legacy=True)
    run = scan([write(tmp_path, "model.pt", data)])
    assert_silent(run)
    assert run.artefacts[0].format == "pytorch-legacy"


def test_torch_zip_checkpoint_compressed_with_gzip(tmp_path, torch):
    import gzip

    data = gzip.compress(torch_bytes(torch, _sequential(torch).state_dict()))
    assert_silent(scan([write(tmp_path, "model.pt.gz", data)]))


def test_torchscript_archive(tmp_path, torch):
    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(3, 2)

        def forward(self, x):
            return torch.relu(self.fc(x)) + 1

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(torch.jit.script(Tiny()), buf)
    run = scan([write(tmp_path, "scripted.pt", buf.getvalue())])
    assert_silent(run)
    assert run.artefacts[0].format == "torchscript"


# -- pandas -----------------------------------------------------------------------------------
@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_pandas_objects(tmp_path, protocol):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "x": [1.0, 2.0],
            "label": pd.Categorical(["a", "b"]),
            "when": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "text": ["u", "v"],
        }
    )
    for i, obj in enumerate([frame, frame["x"], frame.index, frame.set_index("when")]):
        write(tmp_path, f"obj{i}.pkl", pickle.dumps(obj, protocol=protocol))
    frame.to_pickle(tmp_path / "frame.pkl.gz")
    assert_silent(scan([tmp_path]))


# -- what lies around model files ----------------------------------------------------------
def test_model_directory_metadata(tmp_path):
    write(tmp_path, "config.json", b'{"architectures": ["Net"], "hidden": 8}\n')
    write(tmp_path, "README.md", b"# Net\n\nA small model.\n")
    write(tmp_path, "tokenizer/vocab.txt", b"[PAD]\n[UNK]\n(\n)\nthe\n")
    write(tmp_path, "tokenizer/merges.txt", b"#version: 0.2\nt h\nth e\n")
    write(tmp_path, "generation_config.yaml", b"max_length: 20\n")
    assert_silent(scan([tmp_path]))


@pytest.mark.parametrize(
    ("name", "text"),
    [("requirements.txt", b"click\ntorch\nnumpy\n"), ("labels.txt", b"cat\ndog\nbird\n")],
)
def test_text_files_next_to_models(tmp_path, name, text):
    assert_silent(scan([write(tmp_path, name, text)]))
