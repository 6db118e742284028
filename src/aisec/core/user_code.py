"""A Python function the user names on the command line: ``package.module:function``
(imported from the working directory, as ``python -m`` would) or
``path/to/file.py:function``.

Importing the module runs its code, as a command-line program named by the user runs:
it is the user's own detector or application, never something found in the data under
analysis. Standard library only, so every extra can use it.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError


def resolve(spec: str) -> tuple[Callable[..., Any], str]:
    """The function ``spec`` names, and the digest of the file that defines it ("" when
    it has none, a built-in or a namespace)."""
    where, sep, attribute = spec.rpartition(":")
    if not sep or not where or not attribute:
        raise ConfigError(f"{spec!r}: expected MODULE:FUNCTION or FILE.py:FUNCTION")
    module = _load_file(Path(where)) if where.endswith(".py") else _import(where)
    target: Any = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ConfigError(f"{spec!r}: {where} has no {attribute!r}")
        target = getattr(target, part)
    if not callable(target):
        raise ConfigError(f"{spec!r}: {attribute!r} is not callable")
    source = getattr(module, "__file__", None)
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest() if source else ""
    return target, digest


def _import(name: str) -> Any:
    # The working directory, as `python -m` would search it: the user's own module. Only
    # for this import: left on the path, a file there could shadow a library imported later.
    cwd = str(Path.cwd())
    added = "" not in sys.path and cwd not in sys.path
    if added:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ConfigError(f"cannot import {name!r}: {exc}") from None
    except Exception as exc:  # the module's own code failed while importing
        raise ConfigError(f"importing {name!r} failed: {type(exc).__name__}: {exc}") from None
    finally:
        if added and cwd in sys.path:
            sys.path.remove(cwd)


def _load_file(path: Path) -> Any:
    if not path.is_file():
        raise ConfigError(f"no such file: {path}")
    name = f"aisec_user_{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot load {path} as Python")
    module = importlib.util.module_from_spec(spec)
    # Registered first, as an import would: dataclasses and pickling look the module up.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise ConfigError(f"running {path} failed: {type(exc).__name__}: {exc}") from None
    return module
