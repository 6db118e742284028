"""``aisec redteam``: red-teaming LLM applications. ``serve-target`` serves the test
applications shipped with aisec (a deliberately vulnerable LLM application and its
hardened variant) over the OpenAI-compatible protocol (docs/redteam.md)."""

from __future__ import annotations

import ipaddress
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aisec.llm.simulator import SimulatedApp

app = typer.Typer(help="Red-team LLM applications.", no_args_is_help=True)


class Variant(StrEnum):
    vulnerable = "vulnerable"
    hardened = "hardened"


@app.command("serve-target")
def serve_target(
    variant: Annotated[
        Variant, typer.Option(help="The vulnerable application, or its hardened variant.")
    ] = Variant.vulnerable,
    weakness: Annotated[
        list[str] | None,
        typer.Option(
            "--weakness",
            metavar="NAME",
            help="Turn on only this weakness (repeat it) [default: all of them].",
        ),
    ] = None,
    without: Annotated[
        list[str] | None,
        typer.Option("--without", metavar="NAME", help="Turn this weakness off (repeat it)."),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8500,
    seed: Annotated[int, typer.Option(help="Seed of the planted canary values.")] = 0,
    api_key_env: Annotated[
        str | None,
        typer.Option(
            metavar="VAR",
            help="Require this environment variable's value as the"
            " bearer API key [default: no key].",
        ),
    ] = None,
    canaries: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Write the planted canary values here (JSON), for the red-team configuration.",
        ),
    ] = None,
    documents: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE.jsonl",
            help="Extra retrieval documents: one JSON object a"
            ' line, {"text": ..., "title": ..., "confidential": false}.',
        ),
    ] = None,
) -> None:
    """Serve a test LLM application (a parcel carrier's support assistant with a system
    prompt, a retrieval store and tools) at /v1/chat/completions until interrupted.
    Weaknesses: direct_injection, indirect_injection, jailbreak, multi_turn,
    system_prompt_leak, data_leak, improper_output, excessive_agency,
    unbounded_consumption."""
    from aisec.core.errors import ConfigError, UsageError
    from aisec.llm.simulator import SimulatedApp, SimulatorConfig, read_documents

    planted = read_documents(documents) if documents is not None else ()
    if variant is Variant.hardened:
        if weakness or without:
            raise UsageError("--weakness and --without choose the vulnerable variant's weaknesses",
                             hint="drop them, or use --variant vulnerable")  # fmt: skip
        config = SimulatorConfig.hardened_variant(seed, documents=planted)
    else:
        config = SimulatorConfig.vulnerable(
            only=weakness or None, without=without or (), seed=seed, documents=planted
        )
    key = None
    if api_key_env is not None:
        key = os.environ.get(api_key_env)
        if not key:
            raise ConfigError(f"the environment variable {api_key_env} is not set or empty",
                              hint=f"export {api_key_env}=<a key clients will send>")  # fmt: skip
    target = SimulatedApp(config)
    if canaries is not None:
        _write_canaries(canaries, target, host, port)
    run_server(target, key, host=host, port=port)


def _write_canaries(path: Path, target: SimulatedApp, host: str, port: int) -> None:
    from aisec.llm.simulator.server import model_name

    planted = target.canaries
    record = {
        "model": model_name(target),
        "base_url": f"http://{host}:{port}/v1",
        "variant": "hardened" if target.config.hardened else "vulnerable",
        "weaknesses": sorted(target.config.weaknesses),
        "seed": target.config.seed,
        "system_secret": planted.system_secret,
        "document_secret": planted.document_secret,
        "person": planted.person,
        "values": planted.values(),
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def run_server(target: SimulatedApp, key: str | None, *, host: str, port: int) -> None:
    from aisec.core.errors import ConfigError
    from aisec.llm.simulator.server import create_app, model_name

    try:
        import uvicorn
    except ImportError:
        raise ConfigError("serving a target needs uvicorn",
                          hint="pip install 'aisec[server]'") from None  # fmt: skip
    if not _loopback(host):
        typer.echo(f"warning: {model_name(target)} is deliberately insecure and listens on"
                   f" {host}: every host that reaches it can use it", err=True)  # fmt: skip
    server = uvicorn.Server(uvicorn.Config(
        create_app(target, key), host=host, port=port, lifespan="on", access_log=False,
        log_level="warning", server_header=False,
    ))  # fmt: skip
    on = ", ".join(sorted(target.config.weaknesses)) or "none"
    typer.echo(f"{model_name(target)} (weaknesses: {on}) on http://{host}:{port}/v1", err=True)
    server.run()
    if server.started is False:
        raise typer.Exit(2)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
