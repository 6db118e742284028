"""What a Keras configuration may name, read from ``policy/keras_*.toml``.

Keras resolves the objects of a model configuration by module and name. The data files
say which modules are Keras itself, which names inside Keras have side effects or turn
safe mode off, and which class and function names Keras provides without a module.
"""

from __future__ import annotations

import builtins
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

# Names of Python's builtins module: under the module "builtins" a configuration reaches
# them in Keras before 3.9 (``exec``, ``eval``, ``getattr`` ...).
PYTHON_BUILTINS = frozenset(dir(builtins))


def _names(data: dict[str, Any], table: str, key: str = "names") -> frozenset[str]:
    return frozenset(str(n) for n in data.get(table, {}).get(key, ()))


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@dataclass(frozen=True)
class KerasPolicy:
    namespaces: tuple[str, ...]
    unsafe_names: frozenset[str]
    unsafe_strings: frozenset[str]
    side_effect_names: frozenset[str]
    side_effect_modules: tuple[str, ...]
    tf_ops: tuple[str, ...]
    path_arguments: dict[str, tuple[str, ...]]
    suspicious_bytecode: frozenset[str]
    classes: frozenset[str]
    functions: frozenset[str]
    special: frozenset[str]

    def relative(self, module: str) -> str | None:
        """``module`` inside a Keras namespace, without the namespace and ``src.``
        (``keras.src.utils.file_utils`` -> ``utils.file_utils``); None outside."""
        for namespace in self.namespaces:
            if _under(module, namespace):
                rest = module[len(namespace) + 1 :]
                return rest[4:] if _under(rest, "src") else rest
        return None

    def side_effect(self, relative: str, name: str) -> str | None:
        """Why the Keras object ``name`` in module ``relative`` acts on the world."""
        if name in self.side_effect_names:
            return f"{name} downloads, reads or writes files or loads other models"
        for module in self.side_effect_modules:
            if _under(relative, module):
                return f"functions of Keras's {module} module do I/O or loading, not modelling"
        return None

    def tf_op_side_effect(self, op: str) -> bool:
        op = op.removeprefix("tf.")
        return any(_under(op, entry) for entry in self.tf_ops)


@lru_cache(maxsize=1)
def keras_policy() -> KerasPolicy:
    folder = resources.files("aisec.modelfile.policy")
    rules = tomllib.loads(folder.joinpath("keras_functions.toml").read_text("utf-8"))
    names = tomllib.loads(folder.joinpath("keras_builtins.toml").read_text("utf-8"))
    return KerasPolicy(
        namespaces=tuple(rules["namespaces"]["modules"]),
        unsafe_names=_names(rules, "unsafe"),
        unsafe_strings=_names(rules, "unsafe", "strings"),
        side_effect_names=_names(rules, "side_effects"),
        side_effect_modules=tuple(rules["side_effects"]["modules"]),
        tf_ops=tuple(rules["tensorflow"]["ops"]),
        path_arguments={k: tuple(v) for k, v in rules["path_arguments"].items()},
        suspicious_bytecode=_names(rules, "bytecode", "suspicious"),
        classes=_names(names, "classes"),
        functions=_names(names, "functions"),
        special=_names(names, "special"),
    )
