"""Option types shared by commands."""

from __future__ import annotations

from enum import Enum


class Format(str, Enum):
    console = "console"
    json = "json"
    sarif = "sarif"
    junit = "junit"


class SeverityName(str, Enum):
    info = "info"
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"
