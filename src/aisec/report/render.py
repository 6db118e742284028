"""One entry point for every report format.

Renderer modules are imported on demand so that ``aisec --help`` and a console-only scan
do not pay for XML or SARIF machinery they never use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aisec.core.errors import UsageError

if TYPE_CHECKING:
    from aisec.core.check import Check
    from aisec.core.run import Run
    from aisec.core.severity import Severity

FORMATS: tuple[str, ...] = ("console", "json", "sarif", "junit")


def render(
    run: Run,
    fmt: str,
    *,
    fail_on: Severity,
    rules: Sequence[type[Check[Any]]],
    color: bool = False,
    width: int | None = None,
) -> str:
    """Render ``run`` in format ``fmt`` (one of :data:`FORMATS`).

    ``rules`` are the registry's check classes (SARIF lists them all); ``color`` and
    ``width`` only concern the console format.
    """
    name = fmt.strip().lower()
    if name == "console":
        from aisec.report.console import render_console

        return render_console(run, fail_on, color=color, width=width)
    if name == "json":
        from aisec.report.json_report import render_json

        return render_json(run, fail_on)
    if name == "sarif":
        from aisec.report.sarif import render_sarif

        return render_sarif(run, fail_on, rules)
    if name == "junit":
        from aisec.report.junit import render_junit

        return render_junit(run, fail_on)
    raise UsageError(f"unknown report format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
