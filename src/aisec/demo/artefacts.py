"""Realistic model files for the demo, written by the real libraries.

One of them is booby-trapped the way real attacks do it: a few opcodes that call
``os.system`` are spliced in front of a genuine scikit-learn pickle. The command is a
harmless ``echo``, and the file is never loaded — only scanned.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from aisec.core.errors import ConfigError

PAYLOAD_COMMAND = "echo aisec-demo: this command would run when the model is loaded"


@dataclass(frozen=True)
class DemoFile:
    name: str
    description: str
    trapped: bool


def booby_trap(pickle_bytes: bytes, command: str = PAYLOAD_COMMAND) -> bytes:
    """Prefix a pickle stream with ``os.system(command)``; the original object still
    loads afterwards, so the model keeps working and nothing looks wrong."""
    if not pickle_bytes.startswith(b"\x80"):
        raise ValueError("expected a protocol 2+ pickle")
    cmd = command.encode()
    payload = (
        b"\x80\x04"
        + b"\x8c\x02os\x8c\x06system\x93"
        + b"\x8c"
        + bytes([len(cmd)])
        + cmd
        + b"\x85R0"
    )
    return payload + pickle_bytes[2:]


def write_demo_files(directory: Path) -> list[DemoFile]:
    try:
        import joblib
        import numpy as np
        from sklearn.compose import ColumnTransformer
        from sklearn.datasets import load_breast_cancer
        from sklearn.ensemble import GradientBoostingClassifier
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError:
        raise ConfigError(
            "the demo writes real scikit-learn models", hint="pip install 'aisec[sklearn]'"
        ) from None
    directory.mkdir(parents=True, exist_ok=True)
    data = load_breast_cancer()
    x, y = data.data, data.target
    model = Pipeline(
        [
            ("scale", ColumnTransformer([("num", StandardScaler(), list(range(x.shape[1])))])),
            ("clf", GradientBoostingClassifier(n_estimators=20, random_state=0)),
        ]
    ).fit(x, y)
    files = [
        DemoFile("tumour_classifier.joblib", "scikit-learn pipeline (joblib)", False),
        DemoFile("tumour_classifier_compressed.joblib", "the same, zlib-compressed", False),
        DemoFile("reference_features.npz", "numpy arrays", False),
        DemoFile("tumour_classifier_v2.joblib", "a 'new version' with a spliced-in payload", True),
        DemoFile(
            "release_bundle.zip", "a zip carrying the trapped model renamed weights.bin", True
        ),
    ]
    joblib.dump(model, directory / files[0].name)
    joblib.dump(model, directory / files[1].name, compress=("zlib", 3))
    np.savez(directory / files[2].name, mean=x.mean(axis=0), std=x.std(axis=0))
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    trapped = booby_trap(buffer.getvalue())
    (directory / files[3].name).write_bytes(trapped)
    with zipfile.ZipFile(directory / files[4].name, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("README.txt", "model release 2.0\n")
        bundle.writestr("weights.bin", trapped)
    files.extend(_torch_files(directory))
    return files


def _torch_files(directory: Path) -> list[DemoFile]:
    try:
        import torch
    except ImportError:
        return []
    net = torch.nn.Sequential(torch.nn.Linear(30, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    torch.save(net.state_dict(), directory / "tumour_net_state.pt")
    return [DemoFile("tumour_net_state.pt", "PyTorch state_dict (zip checkpoint)", False)]
