"""Throughput and latency through the gateway, against the same upstream called directly.

The upstream is the demo model server with ``--trivial`` (a fixed answer, no model), so
what is measured is the gateway. The load generator is wrk (Debian's ``wrk`` package),
POSTing KServe v2 bodies of the breast-cancer held-out rows in turn over 16 connections
(throughput) and over 1 connection (latency without queueing). Configurations:

- direct: wrk -> upstream
- bare proxy: no detectors, no traffic log
- detectors: every tabular detector on (action alert), no traffic log
- full: every detector and the traffic log (SQLite, signed checkpoints), its writer in a
  process of its own (the default)
- full, writer thread: the same with ``audit.writer: thread`` (the contrast)

With ``--soak SECONDS`` the full configuration also runs that long at 4 connections,
sampling the resident memory of the gateway and its log writer every 10 s; after it
stops, the traffic log must hold exactly one entry per request wrk made, and verify.

    python bench/gateway_load.py [--seconds 15] [--soak 600] [--out bench/results/gateway-load.md]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DETECTORS = (
    "extraction.prada", "extraction.boundary", "extraction.coverage",
    "extraction.distribution", "evasion.ood", "evasion.margin", "drift.input", "drift.output",
)  # fmt: skip
CONFIGURATIONS = (
    ("bare proxy", "bare", False),
    ("detectors", "detectors", False),
    ("full (detectors + traffic log)", "detectors", True),
    ("full, log writer in a thread", "detectors-thread", True),
)
LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", nil, {["Content-Type"]="application/json"},
                    bodies[(counter %% #bodies) + 1])
end
"""


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait(url: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def tensor(values: list[float]) -> dict[str, object]:
    return {"name": "x", "shape": [1, len(values)], "datatype": "FP64", "data": values}


def prepare(home: Path) -> dict[str, Path]:
    import yaml

    from aisec.demo.model_server import trained_with_reference

    _, _, x_test = trained_with_reference("breast_cancer", home / "reference.json")
    bodies = [json.dumps({"inputs": [tensor(row.tolist())]}) for row in x_test]
    lua = home / "post.lua"
    lua.write_text("bodies = {" + ",".join(json.dumps(b) for b in bodies) + "}\n" + LUA % ())
    configs = {}
    every = dict.fromkeys(DETECTORS)
    for name, detectors, writer in (("bare", {}, "process"), ("detectors", every, "process"),
                                    ("detectors-thread", every, "thread")):  # fmt: skip
        config = {
            "allow_anonymous": True,
            "audit": {"spool_dir": str(home / f"spool-{name}"), "writer": writer},
            "models": [{
                "name": "tumour", "protocol": "kserve-v2", "upstream": "http://127.0.0.1:{port}",
                "upstream_model": "breast_cancer", "reference": str(home / "reference.json"),
                "detectors": {d: {"action": "alert"} for d in detectors},
            }],
        }  # fmt: skip
        configs[name] = config
    paths = {"lua": lua}
    for name, config in configs.items():
        path = home / f"{name}.yaml"
        path.write_text(yaml.safe_dump(config))
        paths[name] = path
    return paths


def wrk(url: str, lua: Path, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(lua), url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result: dict[str, float] = {
        "rps": float(found(r"Requests/sec:\s+([\d.]+)", out)[0]),
        "requests": float(found(r"(\d+) requests in", out)[0]),
        "errors": float(errors.group(1)) if errors else 0.0,
    }
    for pct in ("50", "99"):
        value, unit = found(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        result[f"p{pct}_ms"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return result


def found(pattern: str, text: str) -> tuple[str, ...]:
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"wrk printed no {pattern!r}:\n{text}")
    return match.groups()


def start_gateway(
    config: Path, port: int, upstream: int, home: Path, *, log: bool, database: str = "aisec.db"
) -> subprocess.Popen[bytes]:
    text = config.read_text().replace("{port}", str(upstream))
    live = config.with_suffix(".live.yaml")
    live.write_text(text)
    env = {**os.environ, "AISEC_DATABASE_URL": f"sqlite:///{home / database}",
           "AISEC_AUDIT_KEY": str(home / "audit-key.pem")}  # fmt: skip
    args = [PYTHON, "-m", "aisec.cli.main", "gateway", "serve", "--config", str(live),
            "--port", str(port)] + ([] if log else ["--no-log"])  # fmt: skip
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait(f"http://127.0.0.1:{port}/healthz")
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def gateway_requests(port: int) -> int:
    """Requests the gateway answered, by its own count (/metrics): wrk does not count
    the few still in flight when it stops, which the gateway did answer and record."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return int(sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("aisec_gateway_requests_total{")))  # fmt: skip


def rss_mib(pid: int) -> float:
    """Resident memory of the gateway and its children (the traffic log's writer)."""
    total = 0.0
    for each in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def soak(paths: dict[str, Path], upstream: int, home: Path, seconds: int) -> dict[str, object]:
    from aisec.governance.audit.keys import load_verify_key
    from aisec.runtime.audit.verify import verify_stream
    from aisec.store.store import open_store

    port = free_port()
    process = start_gateway(paths["detectors"], port, upstream, home, log=True,
                            database="soak.db")  # fmt: skip
    samples: list[float] = []
    load = subprocess.Popen(
        ["wrk", "-t1", "-c4", f"-d{seconds}s", "--latency", "-s", str(paths["lua"]),
         f"http://127.0.0.1:{port}/v2/models/tumour/infer"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    while load.poll() is None:
        samples.append(rss_mib(process.pid))
        time.sleep(10)
    out = load.stdout.read() if load.stdout else ""
    requests = int(found(r"(\d+) requests in", out)[0])
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    served = gateway_requests(port)
    stop(process)
    with open_store(f"sqlite:///{home / 'soak.db'}") as store:
        entries = store.gateway_log.count(stream="gateway")
        report = verify_stream(store, "gateway", load_verify_key(home / "audit-key.pub.pem"))
    return {"seconds": seconds, "requests": requests, "served": served, "errors": errors,
            "entries": entries,
            "verified": report.ok, "rss_first": samples[1] if len(samples) > 1 else samples[0],
            "rss_last": samples[-1], "rss_max": max(samples)}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--soak", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/gateway-load.md")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    home = Path(tempfile.mkdtemp(prefix="aisec-gateway-load-"))
    paths = prepare(home)
    upstream = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "aisec.demo.model_server", "--port", str(upstream), "--trivial"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    rows = []
    try:
        wait(f"http://127.0.0.1:{upstream}/v2/health/ready")
        direct = f"http://127.0.0.1:{upstream}/v2/models/breast_cancer/infer"
        rows.append(("direct", wrk(direct, paths["lua"], args.seconds, 16),
                     wrk(direct, paths["lua"], args.seconds, 1)))  # fmt: skip
        for label, config, log in CONFIGURATIONS:
            port = free_port()
            process = start_gateway(paths[config], port, upstream, home, log=log)
            url = f"http://127.0.0.1:{port}/v2/models/tumour/infer"
            try:
                rows.append((label, wrk(url, paths["lua"], args.seconds, 16),
                             wrk(url, paths["lua"], args.seconds, 1)))  # fmt: skip
            finally:
                stop(process)
        soaked = soak(paths, upstream, home, args.soak) if args.soak else None
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    write(args.out, rows, soaked, args)
    print(args.out.read_text())


def write(
    out: Path, rows: list, soaked: dict[str, object] | None, args: argparse.Namespace
) -> None:
    date = subprocess.run(["date", "-u"], capture_output=True, text=True, check=True).stdout
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((x.split(":", 1)[1].strip() for x in info if x.startswith("model name")), "?")
    direct_1 = rows[0][2]
    lines = [
        "# The gateway under load",
        "",
        f"Date: {date.strip()}. Machine: {cpu}, {os.cpu_count()} cores; wrk, the gateway and the "
        "upstream share them. Upstream: `python -m aisec.demo.model_server --trivial`.",
        f"Reproduce: `python bench/gateway_load.py --seconds {args.seconds}"
        + (f" --soak {args.soak}" if args.soak else "")
        + "`.",
        "",
        "| configuration | req/s (16 conn.) | p50 ms | p99 ms | p50 ms (1 conn.) "
        "| p99 ms (1 conn.) | overhead p50 / p99 ms (1 conn.) | non-2xx |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, loaded, single in rows:
        overhead = "-"
        if label != "direct":
            overhead = (f"{single['p50_ms'] - direct_1['p50_ms']:.2f} / "
                        f"{single['p99_ms'] - direct_1['p99_ms']:.2f}")  # fmt: skip
        lines.append(
            f"| {label} | {loaded['rps']:.0f} | {loaded['p50_ms']:.2f} | {loaded['p99_ms']:.2f} | "
            f"{single['p50_ms']:.2f} | {single['p99_ms']:.2f} | {overhead} | "
            f"{int(loaded['errors'] + single['errors'])} |"
        )
    if soaked:
        lines += [
            "",
            f"Soak: {soaked['seconds']} s at 4 connections, full configuration: "
            f"wrk counted {soaked['requests']} requests ({soaked['errors']} non-2xx), the "
            f"gateway answered {soaked['served']} (those in flight when wrk stopped "
            f"included); the traffic log holds {soaked['entries']} entries "
            f"(verified: {soaked['verified']}); "
            "resident memory (gateway and its log writer) "
            f"{soaked['rss_first']:.0f} MiB after 10 s, {soaked['rss_last']:.0f} MiB at the "
            f"end, {soaked['rss_max']:.0f} MiB at most.",
        ]
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
