"""The small protobufs beside ``saved_model.pb``: ``fingerprint.pb`` and tf.keras's
``keras_metadata.pb``.

FingerprintDef (``fingerprint.proto``): uint64 hashes in fields 1-5, a VersionDef (6)
and a UUID string (7); nothing a loader acts on. SavedMetadata (tf.keras's
``saved_metadata.proto``): SavedObject nodes (1) with node_id (2), node_path (3),
identifier (4, ``_tf_keras_*``), metadata (5, a JSON layer or model configuration) and
version (6). tf.keras rebuilds layers from that JSON, Lambda bytecode included, so each
configuration goes to the Keras configuration analysis.
"""

from __future__ import annotations

from collections.abc import Callable

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.protobuf import (
    LENGTH,
    VARINT,
    Buffer,
    ProtobufError,
    fields,
    prefix_fields,
)
from aisec.modelfile.reports import ArtefactReport

MAX_FINGERPRINT = 4096
FINGERPRINT_FIELDS = {1: VARINT, 2: VARINT, 3: VARINT, 4: VARINT, 5: VARINT, 6: LENGTH, 7: LENGTH}
KERAS_OBJECT_FIELDS = {2: VARINT, 3: LENGTH, 4: LENGTH, 5: LENGTH, 6: LENGTH}
KERAS_IDENTIFIER = b"_tf_keras_"
MAX_KERAS_METADATA = 256 * 1024 * 1024

Nested = Callable[[Blob, Location], None]


def is_fingerprint(blob: Blob) -> bool:
    if not 2 < len(blob) <= MAX_FINGERPRINT:
        return False
    try:
        present = set()
        for number, wire, _ in fields(blob.head(MAX_FINGERPRINT)):
            if FINGERPRINT_FIELDS.get(number) != wire:
                return False
            present.add(number)
    except ProtobufError:
        return False
    return {1, 2} <= present  # saved_model_checksum, graph_def_program_hash


def looks_like_keras_metadata(head: bytes) -> bool:
    """A first SavedObject whose fields are the schema's, with a ``_tf_keras_*``
    identifier before the sample ends."""
    try:
        items = list(prefix_fields(head))
        if not items or items[0][:2] != (1, LENGTH) or not isinstance(items[0][2], Buffer):
            return False
        _, _, node, complete = items[0]
        assert isinstance(node, Buffer)
        inner = list(fields(node)) if complete else [i[:3] for i in prefix_fields(node)]
    except ProtobufError:
        return False
    for number, wire, value in inner:
        if KERAS_OBJECT_FIELDS.get(number) != wire:
            return False
        if number == 4 and isinstance(value, Buffer):
            return bytes(value[: len(KERAS_IDENTIFIER)]) == KERAS_IDENTIFIER
    return False


def analyse_keras_metadata(
    blob: Blob, location: Location, ctx: ScanContext, nested: Nested
) -> bool:
    from aisec.modelfile.formats.keras_config import analyse_config_bytes

    if len(blob) > MAX_KERAS_METADATA:
        return False
    with memoryview(blob.data) as whole, whole[blob.start : blob.end] as view:
        try:
            configs = [_config(node) for node in _nodes(view)]
        except ProtobufError:
            return False
    ctx.add_artefact(location, "tf-keras-metadata", len(blob))
    report = ArtefactReport(location, "tf-keras-metadata", len(blob))
    seen: set[tuple[str, str]] = set()
    for path, config in configs:
        if config is None:
            continue
        # The model's configuration repeats its layers' (each node has its own too): a
        # Lambda is reported once, where it first appears.
        part = ArtefactReport(location.inner(path), report.format, len(blob))
        analyse_config_bytes(config, part, ctx, nested, "tf-savedmodel")
        for anomaly in part.anomalies:
            if (anomaly.kind, anomaly.detail) not in seen:
                seen.add((anomaly.kind, anomaly.detail))
                report.anomalies.append(anomaly)
    ctx.judge(report)
    return True


def _nodes(data: Buffer) -> list[Buffer]:
    return [v for n, w, v in fields(data) if n == 1 and w == LENGTH and isinstance(v, Buffer)]


def _config(node: Buffer) -> tuple[str, bytes | None]:
    path, config = "", None
    for number, wire, value in fields(node):
        if wire == LENGTH and isinstance(value, Buffer):
            if number == 3:
                path = bytes(value[:256]).decode("utf-8", "replace")
            elif number == 5:
                config = bytes(value)
    return path or "node", config
