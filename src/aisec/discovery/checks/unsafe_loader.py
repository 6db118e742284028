from __future__ import annotations

from collections.abc import Iterator

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.discovery.loaders import ALWAYS, KERAS
from aisec.discovery.subjects import LoaderCall

SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")


def why_unsafe(call: LoaderCall) -> str | None:
    """Why this call can run code from what it loads, or None when it cannot."""
    name, kw = call.function, call.keywords
    if name in ALWAYS:
        return f"{name} unpickles its input: loading an untrusted file runs its code"
    if name == "torch.load" and kw.get("weights_only") != "True":
        return "torch.load without weights_only=True unpickles arbitrary objects"
    if name in KERAS and kw.get("safe_mode") == "False":
        return f"{name} with safe_mode=False deserialises Lambda layers (Python bytecode)"
    if name == "numpy.load" and kw.get("allow_pickle") == "True":
        return "numpy.load with allow_pickle=True unpickles object arrays"
    if name in ("yaml.load", "yaml.load_all"):
        loader = kw.get("Loader", call.positional[1] if len(call.positional) > 1 else "")
        if not loader.endswith(SAFE_YAML_LOADERS):
            return f"{name} without SafeLoader can construct arbitrary Python objects"
    hub = name.rsplit(".", 1)[-1] in ("from_pretrained", "pipeline")
    if hub and kw.get("trust_remote_code") == "True":
        return f"{name} with trust_remote_code=True runs Python code from the model hub"
    return None


class UnsafeLoader(Check[LoaderCall]):
    id = "discovery.unsafe-loader"
    title = "Model or data loader that can run code from the file it loads"
    severity = Severity.HIGH
    applies_to = ("loader-call",)
    refs = ("CWE-502", "AML.T0010", "ML06:2023")
    description = (
        "Python code calls a loader that deserialises with pickle or an equivalent (torch.load "
        "without weights_only=True, pickle/dill/cloudpickle/joblib load, numpy.load with "
        "allow_pickle=True, yaml.load without SafeLoader, Keras load_model with "
        "safe_mode=False, from_pretrained with trust_remote_code=True). Whoever controls the "
        "file then controls the process. Found statically with Python's ast; nothing is run."
    )
    remediation = (
        "Load weights with torch.load(..., weights_only=True) or from safetensors; use "
        "yaml.safe_load; keep allow_pickle=False; scan model files with `aisec scan` before "
        "loading them, and load only files from sources you trust."
    )

    def run(self, subject: LoaderCall) -> Iterator[Finding]:
        if not subject.function:
            return
        reason = why_unsafe(subject)
        if reason is None:
            return
        evidence = {"call": subject.function, "keywords": dict(subject.keywords)}
        key = f"{subject.function}@{subject.location.row}"
        yield self.finding(subject.location, reason, evidence=evidence, key=key)
