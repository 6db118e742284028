"""The TensorFlow op classification, read from ``policy/tensorflow_ops.toml`` and the list
of every op TensorFlow registers (``policy/tensorflow_standard_ops.txt``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

CATEGORIES = ("python", "file", "network", "checkpoint", "asset", "opaque")


@dataclass(frozen=True)
class OpPolicy:
    category: dict[str, str]  # op -> one of CATEGORIES
    standard: frozenset[str]
    path_input: dict[str, int]
    path_attr: dict[str, tuple[str, tuple[str, ...]]]  # op -> (attribute, harmless prefixes)
    memory_when_empty: frozenset[str]

    @property
    def wanted_attrs(self) -> frozenset[str]:
        return frozenset(attr for attr, _ in self.path_attr.values())

    def classify(self, op: str) -> str:
        """The op's category, ``standard``, or ``unknown``."""
        found = self.category.get(op)
        if found is not None:
            return found
        return "standard" if op in self.standard else "unknown"


def _read(name: str) -> str:
    return resources.files("aisec.modelfile.policy").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=1)
def load_op_policy() -> OpPolicy:
    data: dict[str, Any] = tomllib.loads(_read("tensorflow_ops.toml"))
    category: dict[str, str] = {}
    path_input: dict[str, int] = {}
    path_attr: dict[str, tuple[str, tuple[str, ...]]] = {}
    for name in CATEGORIES:
        section = data.get(name, {})
        for op in section.get("ops", ()):
            category[op] = name
        path_input.update(section.get("path_input", {}))
        for op, rule in section.get("path_attr", {}).items():
            path_attr[op] = (rule["attr"], tuple(rule.get("harmless", ())))
    standard = frozenset(
        line.strip()
        for line in _read("tensorflow_standard_ops.txt").splitlines()
        if line.strip() and not line.startswith("#")
    )
    memory = frozenset(data.get("file", {}).get("memory_when_empty", {}).get("ops", ()))
    return OpPolicy(category, standard, path_input, path_attr, memory)
