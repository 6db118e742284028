"""ONNX models, decoded from the protobuf wire format without the onnx package.

What can hurt a loader is where tensor data comes from: ``external_data`` locations are
paths, resolved against the model's directory by ``onnx.load`` and onnxruntime, and have
been used to read files outside it (absolute paths, ``..``, symbolic and hard links).
Operators from custom domains run native code the runtime must already have loaded.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.onnx_tensors import MAX_TENSORS, TensorFacts, read_tensor
from aisec.modelfile.formats.onnx_tensors import tensor_problems as tensor_size_problems
from aisec.modelfile.formats.protobuf import LENGTH, VARINT, Buffer, ProtobufError, fields
from aisec.modelfile.reports import ArtefactReport

STANDARD_DOMAINS = frozenset(
    {"", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training",
     "com.microsoft", "com.microsoft.nchwc", "com.microsoft.experimental", "org.pytorch.aten"}
)  # fmt: skip
MAX_DEPTH = 32
MAX_LOCATIONS = 10_000


@dataclass
class OnnxFacts:
    locations: list[str] = field(default_factory=list)
    domains: set[str] = field(default_factory=set)
    tensors: list[TensorFacts] = field(default_factory=list)


def _text(value: Buffer) -> str:
    return bytes(value).decode("utf-8", "replace")


def looks_like_onnx(head: bytes) -> bool:
    """ModelProto starts with ir_version (field 1, varint): 0x08 and a small number."""
    return len(head) > 2 and head[0] == 0x08 and 0 < head[1] < 64


def _tensor(data: Buffer, facts: OnnxFacts) -> None:
    tensor = read_tensor(data)
    location = tensor.external.get("location")
    if location is not None and len(facts.locations) < MAX_LOCATIONS:
        facts.locations.append(location)
    if len(facts.tensors) < MAX_TENSORS:
        facts.tensors.append(tensor)


def _graph(data: Buffer, facts: OnnxFacts, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ProtobufError("graphs nested too deep")
    for number, wire, value in fields(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 5:  # initializer
            _tensor(value, facts)
        elif number == 15:  # sparse_initializer: values (1) and indices (2) are tensors
            for n, w, v in fields(value):
                if n in (1, 2) and w == LENGTH and isinstance(v, Buffer):
                    _tensor(v, facts)
        elif number == 1:  # node
            _node(value, facts, depth)


def _node(data: Buffer, facts: OnnxFacts, depth: int) -> None:
    for number, wire, value in fields(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 7:  # domain
            facts.domains.add(_text(value))
        elif number == 5:  # attribute: t (5), g (6), tensors (10), graphs (11)
            for n, w, v in fields(value):
                if w == LENGTH and isinstance(v, Buffer):
                    if n in (5, 10):
                        _tensor(v, facts)
                    elif n in (6, 11):
                        _graph(v, facts, depth + 1)


def read_model(data: Buffer) -> OnnxFacts:
    facts = OnnxFacts()
    has_graph = False
    for number, wire, value in fields(data):
        if number == 1 and wire != VARINT:
            raise ProtobufError("ir_version is not a varint")
        if number == 7 and wire == LENGTH and isinstance(value, Buffer):
            has_graph = True
            _graph(value, facts, 0)
        elif number == 8 and wire == LENGTH and isinstance(value, Buffer):  # opset_import
            for n, w, v in fields(value):
                if n == 1 and w == LENGTH and isinstance(v, Buffer):
                    facts.domains.add(_text(v))
        elif number == 25 and wire == LENGTH and isinstance(value, Buffer):  # functions
            for n, w, v in fields(value):
                if n == 7 and w == LENGTH and isinstance(v, Buffer):  # function nodes
                    _node(v, facts, 1)
    if not has_graph:
        raise ProtobufError("no graph")
    return facts


def location_problem(location: str, model_path: str | None) -> str | None:
    """Why loading external data from ``location`` would leave the model's directory."""
    if not location or "\x00" in location:
        return "empty or NUL-containing location"
    if (
        PurePosixPath(location).is_absolute()
        or PureWindowsPath(location).is_absolute()
        or PureWindowsPath(location).drive
    ):
        return "absolute path"
    if ".." in PurePosixPath(location.replace("\\", "/")).parts:
        return "climbs out of the model directory with '..'"
    if model_path is None:
        return None
    base = os.path.dirname(os.path.abspath(model_path))
    target = os.path.join(base, location)
    try:
        info = os.lstat(target)
    except OSError:
        return None  # missing data is the loader's error, not an escape
    real = os.path.realpath(target)
    if os.path.commonpath([real, os.path.realpath(base)]) != os.path.realpath(base):
        return f"resolves through a link to {real}"
    if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
        return "is a hard link (its content may live outside the model directory)"
    return None


def analyse_onnx(blob: Blob, location: Location, ctx: ScanContext) -> bool:
    if len(blob) > 2 * 1024 * 1024 * 1024:
        return False  # protobuf caps messages at 2 GiB; this is not an ONNX model
    with memoryview(blob.data) as whole, whole[blob.start : blob.end] as view:
        try:
            facts = read_model(view)
        except (ProtobufError, RecursionError):
            return False
    ctx.add_artefact(location, "onnx", len(blob))
    report = ArtefactReport(location, "onnx", len(blob))
    on_disk = location.path if not location.member else None
    for where in sorted(set(facts.locations)):
        problem = location_problem(where, on_disk)
        if problem:
            detail = f"external data {where!r}: {problem}"
            report.add("external-data-escape", detail, location, location_=where)
        elif on_disk is not None:
            ctx.claim_data_file(os.path.join(os.path.dirname(on_disk), where), "onnx-external-data")
    model_dir = os.path.dirname(os.path.abspath(on_disk)) if on_disk else None
    for tensor in facts.tensors:
        for kind, detail in tensor_size_problems(tensor, model_dir):
            report.add(kind, detail, location, tensor=tensor.name)
    for domain in sorted(facts.domains - STANDARD_DOMAINS):
        detail = f"operators from custom domain {domain!r}"
        report.add("custom-op-domain", detail, location, domain=domain)
    ctx.judge(report)
    return True
