"""Documentation is part of the contract: generated pages are current, and every setting,
CLI command and error code has an entry."""

from dataclasses import fields
from pathlib import Path

import typer

from aisec.cli.main import app
from aisec.cli.reference import checks_markdown, cli_markdown
from aisec.core.errors import ALL_ERRORS
from aisec.core.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_generated_check_catalogue_is_current():
    assert (DOCS / "checks.md").read_text() == checks_markdown(), (
        "run: python -m aisec.cli.reference docs"
    )


def test_generated_cli_reference_is_current():
    assert (DOCS / "cli.md").read_text() == cli_markdown(), (
        "run: python -m aisec.cli.reference docs"
    )


def test_every_command_is_in_the_cli_reference():
    text = (DOCS / "cli.md").read_text()

    def walk(command, path):
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    for path in walk(typer.main.get_command(app), "aisec"):
        assert f"## `{path}`" in text


def test_every_setting_is_documented():
    text = (DOCS / "settings.md").read_text()
    for field in fields(Settings):
        assert f"| `{field.name}` |" in text, field.name


def test_every_error_code_is_documented():
    text = (DOCS / "errors.md").read_text()
    for error in ALL_ERRORS:
        assert f"| `{error.code}` | `{error.__name__}` |" in text
