"""Option types shared by commands."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    console = "console"
    json = "json"
    sarif = "sarif"
    junit = "junit"


class SeverityName(StrEnum):
    info = "info"
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"
