"""The files of a TensorFlow SavedModel directory, recognised and dispatched.

Only the sniffers are imported with the scanner: the readers and the op tables load when
a TensorFlow file is met (start-up time, docs/adr/0005).
"""

from __future__ import annotations

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.tf_bundle import analyse_checkpoint_parts, is_bundle_index
from aisec.modelfile.formats.tf_metadata import (
    Nested,
    analyse_keras_metadata,
    is_fingerprint,
    looks_like_keras_metadata,
)
from aisec.modelfile.formats.tf_sniff import (
    looks_like_graph_def,
    looks_like_saved_model,
    looks_like_text_graph,
)


def looks_like_tensorflow(head: bytes, blob: Blob) -> bool:
    return (
        looks_like_saved_model(head)
        or looks_like_graph_def(head)
        or looks_like_keras_metadata(head)
        or is_bundle_index(blob)
        or is_fingerprint(blob)
        or looks_like_text_graph(head)
    )


def analyse_tensorflow_file(
    blob: Blob, location: Location, ctx: ScanContext, nested: Nested
) -> bool:
    """saved_model.pb or a GraphDef, keras_metadata.pb, variables.index, fingerprint.pb."""
    head = blob.head(1024)
    if looks_like_saved_model(head) or looks_like_graph_def(head):
        from aisec.modelfile.formats.tf_analysis import analyse_tensorflow

        return analyse_tensorflow(blob, location, ctx)
    if looks_like_keras_metadata(head):
        return analyse_keras_metadata(blob, location, ctx, nested)
    if looks_like_text_graph(head):
        from aisec.modelfile.formats.tf_analysis import analyse_text_graph

        return analyse_text_graph(blob, location, ctx)
    return analyse_checkpoint_parts(blob, location, ctx)
