"""aisec: AI security management — know, scan, test, guard and govern AI systems."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "scan"]


def __getattr__(name: str) -> object:
    # Lazy so that ``import aisec`` (and the CLI's start-up) stays fast.
    if name == "scan":
        from aisec.modelfile.scanner import scan

        return scan
    raise AttributeError(name)
