"""discovery.unsafe-loader: which loader calls can run code from what they load."""

from __future__ import annotations

import pytest

from aisec.discovery.checks.unsafe_loader import UnsafeLoader
from aisec.discovery.pycode import analyse_source


def verdicts(source: str) -> list[tuple[int, str]]:
    calls = analyse_source(source, "m.py").calls
    return [
        (f.location.row, f.evidence["call"]) for call in calls for f in UnsafeLoader().run(call)
    ]


@pytest.mark.parametrize(
    ("source", "unsafe"),
    [
        ("import torch\ntorch.load('m.pt')", True),
        ("import torch\ntorch.load('m.pt', weights_only=True)", False),
        ("import torch\ntorch.load('m.pt', weights_only=False)", True),
        ("import torch\ntorch.load('m.pt', weights_only=flag)", True),  # cannot tell: say so
        ("from torch import load as l\nl('m.pt')", True),
        ("import pickle as p\np.loads(b'')", True),
        ("from pickle import load\nload(f)", True),
        ("import dill\ndill.load(f)", True),
        ("import cloudpickle\ncloudpickle.loads(b)", True),
        ("import joblib\njoblib.load('m.joblib')", True),
        ("import pandas as pd\npd.read_pickle('x.pkl')", True),
        ("import numpy as np\nnp.load('x.npy')", False),
        ("import numpy as np\nnp.load('x.npy', allow_pickle=True)", True),
        ("import yaml\nyaml.load(s)", True),
        ("import yaml\nyaml.load(s, Loader=yaml.SafeLoader)", False),
        ("import yaml\nyaml.load(s, yaml.CSafeLoader)", False),
        ("import yaml\nyaml.load(s, Loader=yaml.FullLoader)", True),
        ("import yaml\nyaml.unsafe_load(s)", True),
        ("import yaml\nyaml.safe_load(s)", False),
        ("import keras\nkeras.models.load_model('m.keras')", False),
        ("import keras\nkeras.models.load_model('m.keras', safe_mode=False)", True),
        ("import tensorflow as tf\ntf.keras.models.load_model('m', safe_mode=False)", True),
        ("from transformers import AutoModel\nAutoModel.from_pretrained('x')", False),
        ("from transformers import pipeline\npipeline('x', trust_remote_code=True)", True),
        ("json.load(f)", False),
    ],
)
def test_unsafe_calls(source, unsafe):
    assert bool(verdicts(source)) is unsafe


def test_finding_names_file_line_and_call():
    (finding,) = [
        f
        for call in analyse_source("import torch\n\nx = torch.load(p)\n", "src/m.py").calls
        for f in UnsafeLoader().run(call)
    ]
    assert finding.location.display() == "src/m.py:3"
    assert finding.severity.label == "high"
    assert finding.evidence == {"call": "torch.load", "keywords": {}}
    assert finding.fingerprint


def test_a_local_function_named_load_is_not_a_loader():
    assert verdicts("def load(p):\n    return p\nload('x')") == []
