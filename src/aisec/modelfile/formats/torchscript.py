"""TorchScript archives: ``code/`` holds TorchScript source that ``torch.jit.load``
compiles. It cannot import Python modules, but it can call any operator registered in
the process; operators outside the standard namespaces come from native extensions the
loader must already have loaded, and deserve a look."""

from __future__ import annotations

import re

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.reports import ArtefactReport

CODE_MEMBER = re.compile(r"(^|/)code/.+\.py$")
_OPS = re.compile(rb"\bops\.([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)")
STANDARD_NAMESPACES = frozenset(
    {
        "aten",
        "prim",
        "quantized",
        "_quantized",
        "profiler",
        "_caffe2",
        "quantized_decomposed",
        "prepacked",
        "_test",
    }
)
MAX_CODE = 16 * 1024 * 1024


def scan_code(blob: Blob, location: Location, facts: ArtefactReport) -> None:
    text = blob.head(MAX_CODE)
    seen: set[str] = set()
    for match in _OPS.finditer(text):
        namespace = match.group(1).decode()
        if namespace in STANDARD_NAMESPACES or namespace in seen:
            continue
        seen.add(namespace)
        facts.add(
            "torchscript-custom-op",
            f"TorchScript calls operator namespace {namespace!r} "
            f"({match.group(0).decode()}), outside the standard operator set",
            location.at(match.start()),
            op=match.group(0).decode(),
        )
