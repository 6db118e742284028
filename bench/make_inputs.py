"""Generate the benchmark inputs with the real model libraries.

Usage: python bench/make_inputs.py [DIR]   (default: bench/.inputs)

Run it with the project's virtual environment (it needs torch, scikit-learn and joblib).
Files that already exist are kept, so a second run costs nothing.
"""

from __future__ import annotations

import argparse
import os
import pickle
import pickletools
import sys
from collections.abc import Callable
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent / ".inputs"

CHECKPOINT = "checkpoint-200mb.pt"
MANY_OPCODES = "opcodes-5m.pkl"
MALICIOUS = "malicious-small.pkl"
SKLEARN = "sklearn-small.joblib"
INPUT_NAMES = (CHECKPOINT, MANY_OPCODES, MALICIOUS, SKLEARN)


def write_checkpoint(path: Path) -> None:
    """A PyTorch zip checkpoint: state_dict of four 50 MB float32 tensors (200 MB of data)."""
    import torch

    generator = torch.Generator().manual_seed(0)
    state = {f"layer{i}.weight": torch.randn(3200, 4096, generator=generator) for i in range(4)}
    torch.save(state, path)


def write_many_opcodes(path: Path) -> None:
    """A protocol-4 pickle of 5,000,000 small ints: about 5 million opcodes."""
    data = pickle.dumps([i % 1000 for i in range(5_000_000)], protocol=4)
    opcodes = sum(1 for _ in pickletools.genops(data))
    print(f"  {MANY_OPCODES}: {opcodes:,} opcodes, {len(data):,} bytes")
    path.write_bytes(data)


class _Payload:
    """Pickles to a call of os.system with a harmless command. Never unpickle the result."""

    def __reduce__(self) -> tuple[Callable[[str], int], tuple[str]]:
        return (os.system, ("echo bench",))


def write_malicious(path: Path) -> None:
    path.write_bytes(pickle.dumps({"model": _Payload()}, protocol=4))


def write_sklearn(path: Path) -> None:
    """A small fitted scikit-learn pipeline saved with joblib."""
    import joblib
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    features, labels = load_iris(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(features, labels)
    joblib.dump(model, path)


WRITERS: dict[str, Callable[[Path], None]] = {
    CHECKPOINT: write_checkpoint,
    MANY_OPCODES: write_many_opcodes,
    MALICIOUS: write_malicious,
    SKLEARN: write_sklearn,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    directory: Path = args.directory
    directory.mkdir(parents=True, exist_ok=True)
    for name, write in WRITERS.items():
        path = directory / name
        if path.exists():
            print(f"  {name}: exists, kept")
            continue
        partial = path.with_name(path.name + ".partial")
        write(partial)
        partial.replace(path)
        print(f"  {name}: written, {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
