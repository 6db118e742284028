"""Real processes for the gateway's tests: model servers and an OpenAI-compatible server
in subprocesses, the gateway itself in a subprocess (``aisec gateway serve``) or in a
thread of the test process, each on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

HERE = Path(__file__).parent
PYTHON = sys.executable
AISEC = [PYTHON, "-m", "aisec.cli.main"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[Any] | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"process exited with {process.returncode}: {out}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout} s")


def start(args: list[str], ready_url: str, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> subprocess.Popen[str]:  # fmt: skip
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})}, cwd=cwd,
    )  # fmt: skip
    try:
        wait_ready(ready_url, process)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    if process.stdout is None or process.stdout.closed:  # stopped already
        return ""
    with process.stdout:
        return process.stdout.read()


def start_model_server(port: int, dataset: str = "breast_cancer",
                       trivial: bool = False) -> subprocess.Popen[str]:  # fmt: skip
    args = [PYTHON, "-m", "aisec.demo.model_server", "--port", str(port), "--dataset", dataset]
    if trivial:
        args.append("--trivial")
    return start(args, f"http://127.0.0.1:{port}/v2/health/ready")


@contextmanager
def model_server(dataset: str = "breast_cancer", trivial: bool = False) -> Iterator[str]:
    port = free_port()
    process = start_model_server(port, dataset, trivial)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@contextmanager
def openai_server() -> Iterator[str]:
    port = free_port()
    process = start([PYTHON, str(HERE / "openai_stream_upstream.py"), str(port)],
                    f"http://127.0.0.1:{port}/health")  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def write_config(directory: Path, config: dict[str, Any]) -> Path:
    config = {"audit": {"spool_dir": str(directory / "spool")}, **config}
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AISEC, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env}, cwd=cwd)  # fmt: skip


@contextmanager
def gateway_process(config: Path, env: dict[str, str], cwd: Path) -> Iterator[tuple[str, Any]]:
    """``aisec gateway serve`` in a subprocess; yields its URL and the process."""
    port = free_port()
    process = start([*AISEC, "gateway", "serve", "--config", str(config), "--port", str(port)],
                    f"http://127.0.0.1:{port}/healthz", env=env, cwd=cwd)  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process)


@contextmanager
def gateway_thread(gateway: Any) -> Iterator[str]:
    """A Gateway object served by uvicorn in a thread of the test process."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(gateway, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def kserve_body(rows: Any) -> dict[str, Any]:
    import numpy as np

    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    return {"inputs": [{"name": "input-0", "shape": list(rows.shape), "datatype": "FP64",
                        "data": rows.ravel().tolist()}]}  # fmt: skip
