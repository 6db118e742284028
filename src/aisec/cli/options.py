"""Option types shared by commands."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


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


# Shared by the commands that record a run (scan, test, discover).
RecordOption = Annotated[
    bool | None,
    typer.Option(
        "--record/--no-record",
        help="Record the run in the store [default: when a store is configured or"
        " .aisec/aisec.db exists].",
    ),
]
RecordDatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="The store to record in (sqlite:///PATH or postgresql+psycopg://...) [default:"
        " AISEC_DATABASE_URL, database_url, or .aisec/aisec.db].",
    ),
]
