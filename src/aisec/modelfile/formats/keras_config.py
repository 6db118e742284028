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
from typing import TYPE_CHECKING

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.reports import ArtefactReport

if TYPE_CHECKING:
    from aisec.modelfile.formats.keras_walk import Nested

KERAS_CONFIG = "config.json"
# A zip is a Keras archive when config.json travels with one of these (what
# keras.saving.save_model writes next to it).
KERAS_MARKERS = ("metadata.json", "model.weights.h5")
# Real configurations are kilobytes to a few megabytes; TorchModuleWrapper layers embed
# a whole torch.save archive as base64, hence the generous byte cap. The item cap bounds
# what json.loads builds from it (a list of small numbers costs ~30 bytes per byte).
MAX_CONFIG_BYTES = 256 * 1024 * 1024
MAX_CONFIG_ITEMS = 4_000_000


def is_keras_archive(names: Iterable[str]) -> bool:
    present = set(names)
    return KERAS_CONFIG in present and any(marker in present for marker in KERAS_MARKERS)


def analyse_config_bytes(
    data: bytes, report: ArtefactReport, ctx: ScanContext, nested: Nested, container: str
) -> None:
    """Parse one configuration and add what it holds to ``report`` (not judged here)."""
    where = report.location
    if len(data) > MAX_CONFIG_BYTES:
        report.add("limit", f"Keras config larger than {MAX_CONFIG_BYTES} bytes", where)
        return
    items = data.count(b",") + data.count(b"[") + data.count(b"{")
    if items > MAX_CONFIG_ITEMS:
        report.add("limit", f"Keras config with more than {MAX_CONFIG_ITEMS} items", where)
        return
    import json  # first Keras model only: start-up time is for every scan (ADR 0005)

    try:
        root = json.loads(data)
    except RecursionError:
        report.add("malformed", "Keras config nests deeper than a JSON parser accepts", where)
        return
    except ValueError as exc:  # not JSON, bad encoding, integers past Python's digit cap
        report.add("malformed", f"Keras config is not valid JSON: {exc}", where)
        return
    # The walker and its policy data load with the first Keras model, not with every scan.
    from aisec.modelfile.formats.keras_walk import ConfigWalk

    ConfigWalk(report, ctx, nested, container).run(root)


def analyse_keras_member(blob: Blob, location: Location, ctx: ScanContext, nested: Nested) -> None:
    """``config.json`` of a ``.keras`` archive."""
    ctx.add_artefact(location, "keras-config", len(blob))
    report = ArtefactReport(location, "keras-config", len(blob))
    if len(blob) > MAX_CONFIG_BYTES:
        report.add("limit", f"Keras config larger than {MAX_CONFIG_BYTES} bytes", location)
    else:
        analyse_config_bytes(blob.read(0, len(blob)), report, ctx, nested, "keras")
    ctx.judge(report)
