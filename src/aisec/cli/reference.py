"""Generates the derived documentation: the check catalogue and the CLI reference.

``python -m aisec.cli.reference docs/`` rewrites ``docs/checks.md`` and ``docs/cli.md``;
a test fails when the committed files differ from what this produces.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from aisec.core.registry import Registry, default_registry


def checks_markdown(registry: Registry | None = None) -> str:
    registry = registry or default_registry()
    lines = [
        "# Check catalogue",
        "",
        "Generated from the check registry by `python -m aisec.cli.reference docs/`; do not edit.",
        "",
        "| id | severity | applies to | title |",
        "| --- | --- | --- | --- |",
    ]
    checks = [e.check for e in registry if e.check is not None]
    for check in checks:
        link = f"[`{check.id}`](#{_anchor(check.id)})"
        kinds = ", ".join(check.applies_to)
        lines.append(f"| {link} | {check.severity.label} | {kinds} | {check.title} |")
    for check in checks:
        lines += [
            "",
            f"## {check.id}",
            "",
            f"**{check.title}** — severity *{check.severity.label}*"
            + (f", *{check.strict_severity.label}* under strict" if check.strict_severity else "")
            + (", marks the artefact as not fully analysed" if check.marks_incomplete else ""),
            "",
            check.description,
            "",
            f"Remediation: {check.remediation}" if check.remediation else "",
            "",
            "References: " + (", ".join(f"`{r}`" for r in check.refs) or "none"),
        ]
        if check.requires:
            lines += ["", "Requires: " + ", ".join(f"`aisec[{r}]`" for r in check.requires)]
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def _anchor(check_id: str) -> str:
    return check_id.replace(".", "")


def cli_markdown() -> str:
    import typer

    from aisec.cli.main import app

    root = typer.main.get_command(app)
    lines = [
        "# CLI reference",
        "",
        "Generated from the command definitions by"
        " `python -m aisec.cli.reference docs/`; do not edit.",
        "",
        "## Exit codes",
        "",
        "| code | meaning |",
        "| --- | --- |",
        "| 0 | nothing at or above the fail threshold (`--fail-on`, default high) |",
        "| 1 | findings at or above the fail threshold |",
        "| 2 | usage or configuration error |",
        "| 3 | some input could not be fully analysed, and nothing at or above the threshold"
        " was found |",
    ]
    lines += _command_markdown(root, "aisec")
    return "\n".join(lines) + "\n"


def _command_markdown(command: Any, path: str) -> list[str]:
    import typer

    ctx = typer.Context(command, info_name=path)
    lines = [
        "",
        f"## `{path}`",
        "",
        (command.help or "").strip(),
        "",
        "```",
        command.get_usage(ctx),
        "```",
    ]
    params = [
        p for p in command.params if getattr(p, "help", None) or p.param_type_name == "argument"
    ]
    if params:
        lines += ["", "| parameter | description |", "| --- | --- |"]
        for param in params:
            names = ", ".join(f"`{o}`" for o in getattr(param, "opts", [])) or f"`{param.name}`"
            lines.append(f"| {names} | {(getattr(param, 'help', None) or '').strip()} |")
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        lines += _command_markdown(sub, f"{path} {name}")
    return lines


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("checks.md", checks_markdown()), ("cli.md", cli_markdown())):
        target = directory / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(path)
