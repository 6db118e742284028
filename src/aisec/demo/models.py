"""The model files and training data of the organisation's other two systems, written by
the real libraries: ONNX through skl2onnx when it is installed (else joblib) for the
digit reader, joblib (and skops when installed) for the claims-cost estimator.

The models are small on purpose (the demo trains them on every run) but real: they are
what a scanner, the inventory and the AI-BOM meet in practice.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
from pathlib import Path

from aisec.core.errors import ConfigError
from aisec.demo.poisoning import poisoned_digits, write_poisoned_csv

CLAIMS_DATA = "claims_history.csv"
_CLAIMS_COLUMNS = ("age", "sex", "bmi", "blood_pressure", "tc", "ldl", "hdl", "tch", "ltg", "glu")
# load_diabetes' target is a disease-progression score; scaled, it stands for next year's
# claims in euros, so that the file reads like what a pricing team keeps.
_EUROS_PER_POINT = 37.5


def write_mail_sorting(directory: Path) -> list[Path]:
    """The digit reader, trained on the poisoned set (that is what poisoning is), and the
    set itself in ``training-data/``."""
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    x, y = poisoned_digits()
    data = write_poisoned_csv(directory / "training-data", x, y)
    # A few epochs reach ~97% training accuracy; full convergence would only cost time.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier((32,), max_iter=60, random_state=0).fit(x / 16.0, y)
    models = directory / "models"
    models.mkdir(parents=True, exist_ok=True)
    if importlib.util.find_spec("skl2onnx") is not None:
        # Imported by name: neither library ships type information.
        to_onnx = importlib.import_module("skl2onnx").to_onnx
        onnx = to_onnx(model, (x[:1] / 16.0).astype(np.float32), target_opset=17)
        path = models / "digit_reader.onnx"
        path.write_bytes(onnx.SerializeToString())
    else:
        path = models / "digit_reader.joblib"
        _joblib(model, path)
    return [path, data]


def write_claims_cost(directory: Path) -> list[Path]:
    """The claims-cost regressor and its training history."""
    import numpy as np
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import GradientBoostingRegressor

    bunch = load_diabetes(scaled=False)
    x, cost = bunch.data, np.round(bunch.target * _EUROS_PER_POINT, 2)
    data_dir = directory / "training-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    data = data_dir / CLAIMS_DATA
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*_CLAIMS_COLUMNS, "next_year_claims_eur"])
        writer.writerows(
            [*row, value] for row, value in zip(x.tolist(), cost.tolist(), strict=True)
        )
    model = GradientBoostingRegressor(n_estimators=40, max_depth=3, random_state=0).fit(x, cost)
    models = directory / "models"
    models.mkdir(parents=True, exist_ok=True)
    written = [models / "claims_cost_gbr.joblib"]
    _joblib(model, written[0])
    if importlib.util.find_spec("skops") is not None:
        written.append(models / "claims_cost_gbr.skops")
        importlib.import_module("skops.io").dump(model, written[-1])
    return [*written, data]


def _joblib(model: object, path: Path) -> None:
    try:
        import joblib
    except ImportError:
        raise ConfigError(
            "the demo writes real scikit-learn models", hint="pip install 'aisec[sklearn]'"
        ) from None
    joblib.dump(model, path)
