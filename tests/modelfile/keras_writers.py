"""Writes real Keras models for the tests: ``python keras_writers.py DIRECTORY``.

Run in a subprocess (Keras takes seconds to import and pulls in torch), with
``KERAS_BACKEND=torch``. The Lambda model's function names ``os.system`` with a harmless
command on a branch that building the model never takes (its input is a symbolic
tensor, never None), so nothing runs; no model is ever loaded.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def write(directory: Path) -> None:
    import keras

    def save(model, stem: str) -> None:
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        model.save(directory / f"{stem}.keras")
        model.save(directory / f"{stem}.h5")

    save(
        keras.Sequential(
            [
                keras.Input((8,)),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dropout(0.1),
                keras.layers.BatchNormalization(),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        ),
        "sequential",
    )
    tokens = keras.Input((12,), dtype="int32")
    features = keras.Input((4,))
    text = keras.layers.Embedding(50, 8)(tokens)
    text = keras.layers.Conv1D(8, 3, activation="gelu")(text)
    text = keras.layers.LSTM(8)(text)
    text = keras.layers.LayerNormalization()(text)
    merged = keras.layers.Concatenate()([text, keras.layers.Dense(8)(features)])
    outputs = keras.layers.Dense(3, activation="softmax")(merged)
    functional = keras.Model([tokens, features], outputs)
    save(functional, "functional")
    functional.save_weights(directory / "functional.weights.h5")

    payload = keras.layers.Lambda(
        lambda x: os.system("echo aisec-test") if x is None else x, name="payload"
    )
    save(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), payload]), "lambda")
    (directory / "done").write_text("ok")


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "torch")
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    write(target)
