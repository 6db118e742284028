"""A bounded walk over a parsed Keras model configuration.

Every serialised object (``{"class_name": ..., "config": ...}``, with ``module`` and
``registered_name`` in the Keras 3 format) is judged the way Keras would resolve it:
Lambda bytecode, names outside the Keras namespaces, side-effect functions inside them,
anything that turns safe mode off, paths read at load time, and custom objects. The walk
is iterative with explicit depth, node and time caps.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from typing import Any

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.keras_bytecode import describe_code
from aisec.modelfile.formats.keras_policy import PYTHON_BUILTINS, keras_policy
from aisec.modelfile.reports import ArtefactReport

Nested = Callable[[Blob, Location], None]
MAX_DEPTH = 200
MAX_NODES = 5_000_000
MAX_KEY_CHARS = 64
SAFE_MODE_NOTE = {
    "keras": "Keras runs it when loaded with safe_mode=False or after "
    "enable_unsafe_deserialization, and always before Keras 2.13 (CVE-2024-3660)",
    "h5": "Keras ignores safe_mode for .h5 files before 3.11.3 and always ran it before "
    "(CVE-2025-9905)",
    "tf-savedmodel": "tf.keras runs it when it rebuilds the model from the SavedModel; "
    "safe_mode only ever applied to .keras files (CVE-2024-3660)",
}


def _join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    text = str(key)
    text = text if len(text) <= MAX_KEY_CHARS else text[:MAX_KEY_CHARS] + "…"
    return f"{path}.{text}" if path else text


class ConfigWalk:
    def __init__(
        self, report: ArtefactReport, ctx: ScanContext, nested: Nested, container: str
    ) -> None:
        self.report = report
        self.ctx = ctx
        self.nested = nested
        self.container = container
        self.policy = keras_policy()

    def run(self, root: Any) -> None:
        stack: list[tuple[Any, str, int, str | None]] = [(root, "", 0, None)]
        nodes = 0
        too_deep = False
        while stack:
            value, path, depth, layer = stack.pop()
            nodes += 1
            if nodes > MAX_NODES or (nodes % 10_000 == 0 and self.ctx.out_of_time()):
                what = "node" if nodes > MAX_NODES else "time"
                self.add("limit", f"Keras config walk stopped at its {what} cap", path)
                return
            if depth > MAX_DEPTH:  # skip the subtree, say so once, judge the rest
                if not too_deep:
                    self.add("limit", f"Keras config nested deeper than {MAX_DEPTH}", path)
                too_deep = True
                continue
            if isinstance(value, dict):
                layer = self._object(value, path, layer)
                children: Any = value.items()
            elif isinstance(value, list):
                children = enumerate(value)
            else:
                continue
            pushed = []
            for key, child in children:
                # Paths are built only for what is looked at again: a list of a million
                # numbers costs a loop, not a million strings.
                if isinstance(child, dict | list):
                    pushed.append((child, _join(path, key), depth + 1, layer))
                elif isinstance(child, str) and child in self.policy.unsafe_strings:
                    self.add("keras-unsafe-deserialization", f"names {child!r}", _join(path, key))
            stack.extend(reversed(pushed))

    def add(self, kind: str, detail: str, path: str, **evidence: Any) -> None:
        where = self.report.location.inner(path) if path else self.report.location
        self.report.add(kind, detail, where, path=path, **evidence)

    # -- one serialised object ----------------------------------------------------------
    def _object(self, obj: dict[str, Any], path: str, layer: str | None) -> str | None:
        if obj.get("safe_mode") is False:
            self.add("keras-unsafe-deserialization", "passes safe_mode=False", path)
        cls, inner = obj.get("class_name"), obj.get("config")
        if not isinstance(cls, str) or "config" not in obj:
            return layer
        if isinstance(inner, dict) and isinstance(inner.get("name"), str):
            layer = inner["name"]
        module, registered = obj.get("module"), obj.get("registered_name")
        if cls == "__lambda__":
            code = inner.get("code", inner.get("value")) if isinstance(inner, dict) else None
            self._lambda(code, path, layer)
        elif cls == "function" and isinstance(inner, str):
            self._reference(module, inner, registered, path, "function")
        elif cls in self.policy.special:
            pass
        elif isinstance(module, str) and module:
            self._reference(module, cls, registered, path, "class")
        else:
            self._unplaced(cls, registered, path)
        if isinstance(inner, dict):
            self._arguments(cls, inner, path, layer)
        return layer

    def _lambda(self, code: object, path: str, layer: str | None) -> None:
        if not isinstance(code, str):
            return  # func_load fails on anything else: nothing runs
        evidence = describe_code(code, self.policy.suspicious_bytecode)
        shown = evidence["suspicious_names"] or evidence["names"][:8]
        detail = (
            (f"Lambda {layer!r}" if layer else "A lambda")
            + " carries marshalled Python bytecode"
            + (f" naming {', '.join(shown)}" if shown else "")
            + f": {SAFE_MODE_NOTE.get(self.container, SAFE_MODE_NOTE['keras'])}"
        )
        self.add("keras-lambda", detail, path, layer=layer, container=self.container, **evidence)

    def _reference(
        self, module: object, name: str, registered: object, path: str, kind: str
    ) -> None:
        module = module if isinstance(module, str) and module else "keras.layers"
        full = f"{module}.{name}"
        bare = full.rsplit(".", 1)[-1]
        if bare in self.policy.unsafe_names:
            self.add("keras-unsafe-deserialization", f"calls {full}", path, reference=full)
            return
        relative = self.policy.relative(module)
        if relative is not None:
            reason = self.policy.side_effect(relative, bare)
            if reason:
                self._external(full, kind, path, reason, cve="CVE-2025-8747")
            return
        if module == "builtins":
            if ">" in name:
                self._custom(name, kind, path, module)
            elif name in PYTHON_BUILTINS:
                verdict = self.ctx.policy.classify(module, name)
                reason = verdict.category if verdict.dangerous else "a Python builtin"
                self._external(full, kind, path, reason, dangerous=verdict.dangerous)
            elif name not in self.policy.functions:
                self._custom(name, kind, path, module)
            return
        verdict = self.ctx.policy.classify(module, name)
        if verdict.dangerous:
            self._external(full, kind, path, verdict.category, dangerous=True)
        elif isinstance(registered, str) and registered and registered != "function":
            self._custom(registered, kind, path, module)
        else:
            self._external(full, kind, path, "a module outside Keras, imported by Keras < 3.9")

    def _external(self, full: str, kind: str, path: str, reason: str, **evidence: Any) -> None:
        cve = evidence.pop("cve", "CVE-2025-1550")
        detail = f"{kind} {full}: {reason} ({cve})"
        self.add("keras-external-reference", detail, path, reference=full, role=kind, **evidence)

    def _custom(self, name: str, kind: str, path: str, module: str | None) -> None:
        detail = f"custom {kind} {name!r}: loading needs code that is not in the model file"
        self.add("keras-custom-object", detail, path, name=name, role=kind, module=module)

    def _unplaced(self, cls: str, registered: object, path: str) -> None:
        """An object without a module: Keras 3 writes these for custom objects, the
        legacy format for everything; only Keras's own class names are built in."""
        if isinstance(registered, str) and ">" in registered:
            self._custom(registered, "class", path, None)
        elif cls.startswith("Custom>") and cls[len("Custom>") :] in self.policy.classes:
            pass  # tf.keras 2.11+ registers its own optimizers as "Custom>Adam" ...
        elif ">" in cls or cls not in self.policy.classes:
            self._custom(cls, "class", path, None)

    def _arguments(self, cls: str, inner: dict[str, Any], path: str, layer: str | None) -> None:
        """Arguments that Keras turns into code, file reads or nested artefacts."""
        at = f"{path}.config" if path else "config"
        if cls == "Lambda":  # legacy forms: [code, defaults, closure], or a name + module
            for key, kind_key, module_key in (
                ("function", "function_type", "module"),
                ("output_shape", "output_shape_type", "output_shape_module"),
            ):
                fn, kind = inner.get(key), inner.get(kind_key)
                if isinstance(fn, list) and fn and isinstance(fn[0], str):
                    self._lambda(fn[0], f"{at}.{key}", layer)
                elif isinstance(fn, str) and kind == "lambda":
                    self._lambda(fn, f"{at}.{key}", layer)
                elif isinstance(fn, str) and kind == "function":
                    module = inner.get(module_key)
                    self._reference(module, fn, None, f"{at}.{key}", "function")
        if cls in ("TFOpLambda", "SlicingOpLambda"):
            op = inner.get("function")
            if isinstance(op, str) and self.policy.tf_op_side_effect(op):
                reason = "a TensorFlow operation that does I/O or runs Python"
                self._external(f"tf.{op}", "function", f"{at}.function", reason, cve="CWE-73")
        for key in self.policy.path_arguments.get(cls, ()):
            value = inner.get(key)
            if isinstance(value, str) and value:
                reason = f"{cls}.{key} is a path Keras reads while loading"
                cve = "CVE-2026-1462" if cls == "TFSMLayer" else "CVE-2025-12058"
                self._external(repr(value), "path", f"{at}.{key}", reason, cve=cve)
        module = inner.get("module")
        if cls == "TorchModuleWrapper" and isinstance(module, str) and module:
            self._embedded(module, f"{at}.module")

    def _embedded(self, text: str, path: str) -> None:
        """TorchModuleWrapper keeps a torch.save archive as base64: torch.load reads it."""
        try:
            raw = binascii.a2b_base64(text.encode("ascii"))
        except (UnicodeEncodeError, binascii.Error) as exc:
            self.add("malformed", f"TorchModuleWrapper module is not base64: {exc}", path)
            return
        with Blob.from_bytes(raw) as blob:
            self.nested(blob, self.report.location.inner(f"{path} (base64 torch.save)"))
