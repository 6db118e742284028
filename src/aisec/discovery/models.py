"""Model files among the binary files of a tree: sniffed by the model-file scanner's format
detection, then scanned by it; their findings join the discovery run."""

from __future__ import annotations

from dataclasses import dataclass

from aisec.core.run import Artefact

# Formats of the scanner that are not models themselves: containers (a model may be inside)
# and what it recognises without it being a model.
CONTAINERS = frozenset({"zip", "tar", "7z", "gzip", "bz2", "xz", "lz4", "zlib", "zstd"})
NOT_MODELS = frozenset({"text", "unknown", "empty", "directory"})
FRAMEWORKS = {
    "pytorch": "pytorch",
    "torch": "pytorch",
    "torchscript": "pytorch",
    "joblib": "scikit-learn",
    "keras": "keras",
    "hdf5": "keras",
    "onnx": "onnx",
    "tensorflow": "tensorflow",
    "tf-": "tensorflow",
    "gguf": "llama.cpp",
    "safetensors": "safetensors",
    "numpy": "numpy",
    "xgboost": "xgboost",
    "lightgbm": "lightgbm",
    "coreml": "coreml",
}


def looks_like_model(path: str) -> bool:
    """Whether the scanner would read ``path`` as a model or container format (its bytes
    only; a tentative pickle parse of arbitrary bytes is not a claim)."""
    from aisec.modelfile.analyse import candidates, data_only_format
    from aisec.modelfile.blob import Blob

    with Blob.from_file(path) as blob:
        if len(blob) == 0:
            return False
        claimed = [h for h in candidates(blob) if h.__name__ not in ("_maybe_pickle", "_empty")]
        return bool(claimed) or data_only_format(blob, blob.head(8192)) is not None


@dataclass(frozen=True)
class ModelFile:
    path: str  # as the scanner saw it
    format: str
    framework: str


def model_files(artefacts: list[Artefact]) -> list[ModelFile]:
    """The files of a scan that are models: their own format is one, or (for archives and
    compressed files) a member's is."""
    out: dict[str, ModelFile] = {}
    for artefact in artefacts:
        fmt = artefact.format
        path = artefact.location.path
        if fmt in NOT_MODELS or fmt in CONTAINERS or path in out:
            continue
        if artefact.location.member and fmt in ("pickle",):
            fmt = _top_format(artefacts, path) or fmt
        out[path] = ModelFile(path, fmt, framework_of(fmt))
    return list(out.values())


def _top_format(artefacts: list[Artefact], path: str) -> str | None:
    for artefact in artefacts:
        if artefact.location.path == path and not artefact.location.member:
            top = artefact.format
            return None if top in CONTAINERS or top in NOT_MODELS else top
    return None


def framework_of(fmt: str) -> str:
    return next((name for prefix, name in FRAMEWORKS.items() if fmt.startswith(prefix)), "")
