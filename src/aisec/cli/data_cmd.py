"""``aisec data``: work on training datasets (integrity manifests, anonymisation, quality).

Each command lives in its own module; this one only puts them in one group. Personal
data and credentials in datasets are found by ``aisec scan``, which reads datasets too.
"""

from __future__ import annotations

import typer

from aisec.cli import data_anonymise_cmd, data_manifest_cmd, data_quality_cmd

app = typer.Typer(
    help="Training data: integrity manifests, anonymisation, quality and poisoning indicators.",
    no_args_is_help=True,
)
app.command("manifest")(data_manifest_cmd.manifest)
app.command("verify")(data_manifest_cmd.verify)
app.command("anonymise")(data_anonymise_cmd.anonymise)
app.command("privacy-report")(data_anonymise_cmd.privacy_report)
app.command("check")(data_quality_cmd.check)
app.command("snapshot")(data_quality_cmd.snapshot)
