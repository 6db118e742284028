"""``aisec gateway``: the inference gateway in front of model endpoints (docs/gateway.md):
serve it, build the reference statistics its detectors need, replay recorded traffic
through its detectors, and manage its keys and its traffic log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from aisec.cli import gateway_keys_cmd, gateway_log_cmd
from aisec.cli.store_access import DatabaseOption
from aisec.cli.tables import OutputFormat, print_json, print_table

app = typer.Typer(
    help="The inference gateway: serve it, reference statistics, replay, keys, traffic log.",
    no_args_is_help=True,
)
reference_app = typer.Typer(help="Reference statistics of a model's training data.",
                            no_args_is_help=True)  # fmt: skip
app.add_typer(reference_app, name="reference")
app.add_typer(gateway_keys_cmd.app, name="keys")
app.add_typer(gateway_log_cmd.app, name="log")

ConfigOption = Annotated[
    Path, typer.Option("--config", help="The gateway's YAML file (aisec.gateway/1).")
]


@app.command("serve")
def serve(
    config: ConfigOption,
    database: DatabaseOption = None,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: the file's listen.host].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=0, max=65535, help="Port [default: the file's listen.port].")
    ] = None,
    no_log: Annotated[
        bool, typer.Option("--no-log", help="Keep no traffic log (trying a configuration only).")
    ] = False,
) -> None:
    """Serve the gateway: every request authenticated, limited, judged by the model's
    detectors, answered or refused, and recorded in the traffic log."""
    import gc
    import sys

    import uvicorn

    from aisec.core.settings import load_settings
    from aisec.runtime.assemble import build_gateway
    from aisec.runtime.config import load_config
    from aisec.store import open_store

    loaded = load_config(config)
    settings = load_settings()
    # The traffic log's thread shares the interpreter with the event loop: hand the lock
    # back within 1 ms (not the default 5 ms), so a batch being hashed does not hold a
    # request up for longer than that.
    sys.setswitchinterval(0.001)
    with open_store(database, settings=settings) as store:
        gateway = build_gateway(loaded, store, settings, record=not no_log)
        address, number = host or loaded.host, loaded.port if port is None else port
        server = uvicorn.Server(uvicorn.Config(
            gateway, host=address, port=number,
            lifespan="on", access_log=False, log_level="warning", server_header=False,
            proxy_headers=False, timeout_graceful_shutdown=10,
        ))  # fmt: skip
        typer.echo(f"aisec gateway on http://{address}:{number} ({len(loaded.models)} models)",
                   err=True)  # fmt: skip
        # What exists now (modules, detectors, references) lives as long as the process:
        # out of the collector's sight, a full collection no longer walks it, and no
        # request waits behind one.
        gc.freeze()
        server.run()
        if server.started is False:
            raise typer.Exit(2)


@reference_app.command("build")
def reference_build(
    plan: Annotated[
        Path,
        typer.Argument(
            help="A test plan (docs/test-plans.md): its data and target.", show_default=False
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where the reference goes (JSON).")
    ],
    schema_output: Annotated[
        Path | None,
        typer.Option(help="Also write the plan's feature schema (YAML), for input validation."),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option(help="Load a pickle-based model after a clean scan (as aisec test --trust)."),
    ] = False,
    sample: Annotated[
        int,
        typer.Option(
            min=10, max=1_000_000, help="Rows kept per feature for the KS and Wasserstein tests."
        ),
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the row sample.")] = 0,
) -> None:
    """Reference statistics for a model's detectors, from the data and model of a test
    plan: input distributions from its training rows, answer distributions from its
    held-out rows."""
    from aisec.runtime.reference_build import reference_from_plan

    built = reference_from_plan(plan, trust=trust, sample=sample, seed=seed)
    built.reference.save(output)
    if schema_output is not None:
        import yaml

        schema_output.write_text(yaml.safe_dump(built.schema, sort_keys=False), encoding="utf-8")
    info = built.description
    typer.echo(
        f"reference of {info['features']} features from {info['train_rows']} training rows"
        f" and {info['held_out_rows']} held-out answers -> {output}", err=True,
    )  # fmt: skip


@app.command("replay")
def replay_command(
    traffic: Annotated[
        Path, typer.Argument(help="Recorded traffic, JSON lines.", show_default=False)
    ],
    config: ConfigOption,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="console or json.")
    ] = OutputFormat.console,
) -> None:
    """Run the configured detectors offline over recorded traffic: what fired, on which
    line first, false alarms on lines labelled benign, queries until each client's first
    alarm."""
    from aisec.runtime.config import load_config
    from aisec.runtime.proxy.guard import build_guard
    from aisec.runtime.replay import read_traffic, replay

    loaded = load_config(config)
    guards = {m.name: build_guard(m) for m in loaded.models}
    report = replay(guards, read_traffic(traffic))
    if output is OutputFormat.json:
        print_json(report.to_json())
        return
    rows = [
        (name, t.fired, t.first_line or "-", json.dumps(dict(t.by_label)) if t.by_label else "-")
        for name, t in sorted(report.detectors.items())
    ]
    print_table(f"{report.requests} requests replayed ({report.unreadable} unreadable)",
                ("detector", "fired", "first line", "by label"), rows)  # fmt: skip
    for label, count in sorted(report.requests_by_label.items()):
        typer.echo(f"{label}: {report.alarmed_by_label[label]} of {count} requests raised an alarm")
