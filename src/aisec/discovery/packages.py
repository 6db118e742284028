"""The curated list of ML and AI packages (``ml_packages.txt``), read once."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from aisec.discovery.requirements import normalise


@cache
def ml_packages() -> frozenset[str]:
    text = files("aisec.discovery").joinpath("ml_packages.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(normalise(line) for line in lines if line)


def is_ml_package(name: str) -> bool:
    return normalise(name) in ml_packages()
