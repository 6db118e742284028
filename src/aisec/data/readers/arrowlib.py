"""pyarrow, imported only when a file needs it so that ``import aisec`` stays fast."""

from __future__ import annotations

import importlib
from types import ModuleType

from aisec.data.readers.errors import DataExtraMissing, MalformedDataset

# Errors a hostile file can raise while pyarrow decodes it or Python converts its values
# (a decimal whose scale exceeds its precision raises decimal.InvalidOperation, an
# ArithmeticError; out-of-range dates raise ValueError or OverflowError).
CONVERSION_ERRORS: tuple[type[BaseException], ...] = (
    ArithmeticError,
    ValueError,
    OverflowError,
    TypeError,
    IndexError,
    KeyError,
    UnicodeError,
)


def pyarrow(fmt: str, submodule: str = "") -> ModuleType:
    """Return ``pyarrow`` (or ``pyarrow.<submodule>``), or raise with the install hint."""
    name = f"pyarrow.{submodule}" if submodule else "pyarrow"
    try:
        return importlib.import_module(name)
    except ImportError:
        raise DataExtraMissing(fmt) from None


def malformed(fmt: str, exc: BaseException, where: str = "") -> MalformedDataset:
    """Turn a pyarrow (or conversion) error into ours. pyarrow's message is never passed
    on: it may quote values of the file (``Decimal value 4111111111111111 does not fit``).
    The message names the error class and where it happened (``where``, e.g. "row group
    3"), which is enough to tell a truncated file from a bad value."""
    place = f" at {where}" if where else ""
    return MalformedDataset(f"{fmt} file cannot be read{place} ({type(exc).__name__})")
