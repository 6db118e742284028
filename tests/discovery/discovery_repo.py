"""A realistic repository, built with real libraries, for the discovery tests."""

from __future__ import annotations

import json
import string
from pathlib import Path

# A planted key: the shape of an OpenAI project key, random enough to be taken for one.
FAKE_KEY = "sk-proj-" + "QwErTyUiOpAsDfGhJkLzXcVbNmQaZwSxEdCrFvTg"
FAKE_HF = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"

APP = f'''\
import pickle

import openai
import torch
from anthropic import Anthropic
from transformers import AutoModelForCausalLM

API_KEY = "{FAKE_KEY}"


def load_everything(path):
    model = torch.load(path)
    weights = torch.load(path, weights_only=True)
    with open(path, "rb") as fh:
        legacy = pickle.load(fh)
    return model, weights, legacy


def ask(question):
    client = openai.OpenAI()
    claude = Anthropic()
    lm = AutoModelForCausalLM.from_pretrained("gpt2")
    return client, claude, lm
'''

NOTEBOOK_CELLS = [
    ("markdown", ["# Exploration\n"]),
    (
        "code",
        [
            "import joblib\n",
            "import numpy as np\n",
            "\n",
            "clf = joblib.load('models/clf.joblib')\n",
        ],
    ),
    ("code", ["%matplotlib inline\n", "data = np.load('x.npy', allow_pickle=True)\n"]),
]

PYPROJECT = """\
[project]
name = "demo-app"
version = "0.1.0"
dependencies = [
    "transformers>=4.40",
    "requests>=2",
    "anthropic==0.25.0",
]

[project.optional-dependencies]
train = ["scikit-learn>=1.4"]

[tool.poetry.dependencies]
python = "^3.11"
langchain = {version = "^0.2.0"}
"""

POETRY_LOCK = """\
[[package]]
name = "requests"
version = "2.32.3"
description = "HTTP"

[[package]]
name = "torch"
version = "2.3.1"
description = "Tensors"

[[package]]
name = "safetensors"
version = "0.4.3"
description = "Safe tensors"
"""

MCP = {
    "mcpServers": {
        "filesystem": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/srv/data"],
            "env": {"OPENAI_API_KEY": FAKE_KEY, "LOG_LEVEL": "debug"},
        },
        "search": {"url": "https://mcp.example.com/sse"},
    }
}


def _notebook() -> str:
    cells = [
        {"cell_type": kind, "metadata": {}, "source": source}
        | ({"outputs": [], "execution_count": None} if kind == "code" else {})
        for kind, source in NOTEBOOK_CELLS
    ]
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1)


def _png(seed: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(bytes([0, seed, seed, 0, seed, 0]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def build_repository(root: Path) -> Path:
    """Code, a notebook, dependency files, real model files, datasets, an MCP config."""
    import joblib
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text(APP)
    (root / "notebooks").mkdir()
    (root / "notebooks" / "explore.ipynb").write_text(_notebook())
    (root / "requirements.txt").write_text(
        "# runtime\ntorch==2.3.1\nopenai>=1.30 ; python_version >= '3.9'\nrequests\n"
        "numpy==1.26.4 \\\n    --hash=sha256:abc\n"
    )
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "poetry.lock").write_text(POETRY_LOCK)
    (root / ".vscode").mkdir()
    (root / ".vscode" / "mcp.json").write_text(json.dumps(MCP, indent=2))
    models = root / "models"
    models.mkdir()
    features = np.random.default_rng(0).random((40, 3))
    classifier = LogisticRegression().fit(features, [0, 1] * 20)
    joblib.dump(classifier, models / "clf.joblib")
    try:
        import torch

        torch.save(torch.nn.Linear(3, 2).state_dict(), models / "linear.pt")
    except ImportError:  # the torch extra is optional; the joblib model still counts
        pass
    data = root / "data"
    data.mkdir()
    rows = ["id,text,label"] + [f"{i},sample {i},{i % 2}" for i in range(20)]
    (data / "train.csv").write_text("\n".join(rows) + "\n")
    (data / "eval.jsonl").write_text(
        "".join(json.dumps({"prompt": f"q{i}", "answer": f"a{i}"}) + "\n" for i in range(10))
    )
    images = data / "images"
    images.mkdir()
    for i in range(6):
        (images / f"img_{i}.png").write_bytes(_png(i * 30))
    (root / "README.md").write_text("# demo\n" + string.ascii_letters + "\n")
    # tool directories that discovery skips by default
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "vendored.py").write_text("import pickle\npickle.loads(b'')\n")
    return root
