"""Keras model configurations: ``config.json`` of ``.keras`` archives, and the
``model_config`` / ``training_config`` attributes of Keras and tf.keras ``.h5`` files.

A configuration is JSON that Keras turns into objects by looking names up and calling
them, so it is where a Keras model carries code (Lambda bytecode) and references
(modules, functions, file paths). It is parsed with caps on size and item count (so that
``json.loads`` cannot be made to build gigabytes of objects) and walked by
:class:`~aisec.modelfile.formats.keras_walk.ConfigWalk`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.reports import ArtefactReport

if TYPE_CHECKING:
    from aisec.modelfile.formats.keras_walk import Nested

KERAS_CONFIG = "config.json"
# A zip is a Keras archive when config.json travels with one of these (what
# keras.saving.save_model writes next to it). Keras itself needs none of them: it builds
# the model from config.json before it looks for weights, so the root config.json of any
# other zip is claimed too when it holds a serialised Keras object (``analyse_keras_member``).
KERAS_MARKERS = ("metadata.json", "model.weights.h5", "model.weights.npz")
# How a config that could not be parsed is told apart from other JSON in an unmarked zip.
KERAS_HINT = b'"class_name"'
# Real configurations are kilobytes to a few megabytes; TorchModuleWrapper layers embed
# a whole torch.save archive as base64, hence the generous byte cap. The item cap bounds
# what json.loads builds from it (a list of small numbers costs ~30 bytes per byte).
MAX_CONFIG_BYTES = 256 * 1024 * 1024
MAX_CONFIG_ITEMS = 4_000_000


def is_keras_archive(names: Iterable[str]) -> bool:
    present = set(names)
    return KERAS_CONFIG in present and any(marker in present for marker in KERAS_MARKERS)


_UNPARSED = object()


def looks_like_keras_object(root: object) -> bool:
    """A serialised Keras object at the root: ``{"class_name", "config"}`` or a ``module``."""
    return isinstance(root, dict) and (
        ("class_name" in root and "config" in root) or "module" in root
    )


def _parse(data: bytes, report: ArtefactReport) -> Any:
    """The parsed configuration, or ``_UNPARSED`` with the reason added to ``report``."""
    where = report.location
    if len(data) > MAX_CONFIG_BYTES:
        report.add("limit", f"Keras config larger than {MAX_CONFIG_BYTES} bytes", where)
        return _UNPARSED
    items = data.count(b",") + data.count(b"[") + data.count(b"{")
    if items > MAX_CONFIG_ITEMS:
        report.add("limit", f"Keras config with more than {MAX_CONFIG_ITEMS} items", where)
        return _UNPARSED
    import json  # first Keras model only: start-up time is for every scan (ADR 0005)

    try:
        return json.loads(data)
    except RecursionError:
        report.add("malformed", "Keras config nests deeper than a JSON parser accepts", where)
    except ValueError as exc:  # not JSON, bad encoding, integers past Python's digit cap
        report.add("malformed", f"Keras config is not valid JSON: {exc}", where)
    return _UNPARSED


def _holds_keras_object(root: Any) -> bool:
    """Whether a serialised object (``{"class_name": str, "config": ...}``) is anywhere."""
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("class_name"), str) and "config" in value:
                return True
            stack.extend(v for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, dict | list))
    return False


def analyse_config_bytes(
    data: bytes, report: ArtefactReport, ctx: ScanContext, nested: Nested, container: str
) -> None:
    """Parse one configuration and add what it holds to ``report`` (not judged here)."""
    root = _parse(data, report)
    if root is not _UNPARSED:
        # The walker and its policy data load with the first Keras model, not every scan.
        from aisec.modelfile.formats.keras_walk import ConfigWalk

        ConfigWalk(report, ctx, nested, container).run(root)


def analyse_keras_member(
    blob: Blob, location: Location, ctx: ScanContext, nested: Nested, *, marked: bool = True
) -> bool:
    """The root ``config.json`` of a zip; False when it is left to its ordinary analysis.

    In a zip with Keras's other members (``marked``) it is always a Keras config. In any
    other zip ``keras.saving.load_model`` still builds a model from it, and Keras
    deserialises every ``{"class_name", "config"}`` object it finds, at the root or
    nested in plain dicts and lists: it is claimed when it looks like a Keras object at
    its root or holds one anywhere. Other JSON (a Hugging Face ``config.json``) is not.
    """
    report = ArtefactReport(location, "keras-config", len(blob))
    root: Any = _UNPARSED
    if len(blob) > MAX_CONFIG_BYTES:
        if not marked and KERAS_HINT not in blob.head(1024 * 1024):
            return False
        report.add("limit", f"Keras config larger than {MAX_CONFIG_BYTES} bytes", location)
    else:
        data = blob.read(0, len(blob))
        root = _parse(data, report)
        if marked:
            pass
        elif root is _UNPARSED:
            # Keras fails on JSON it cannot parse too: outside a Keras archive, claim only
            # what the caps stopped and that names Keras objects.
            if KERAS_HINT not in data or any(a.kind != "limit" for a in report.anomalies):
                return False
        elif not (looks_like_keras_object(root) or _holds_keras_object(root)):
            return False
    ctx.add_artefact(location, "keras-config", len(blob))
    if root is not _UNPARSED:
        from aisec.modelfile.formats.keras_walk import ConfigWalk

        ConfigWalk(report, ctx, nested, "keras").run(root)
    ctx.judge(report)
    return True
