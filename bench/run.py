"""Time aisec and the peer scanners on the benchmark inputs, side by side.

Usage: python bench/run.py [--repeat N] [--inputs DIR] [--peers-venv DIR]

Each tool runs as a fresh process on each input (start-up included), N times; the table gives
the median wall time, the median peak RSS of that process, its exit code, and the ratios
peer/aisec. Results go to bench/results/latest.json and bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from make_inputs import DEFAULT_DIR, INPUT_NAMES, MALICIOUS
from tools import (
    NETNS_PREFIX,
    PEER_NAMES,
    PEERS_VENV,
    RESULTS,
    Run,
    Tool,
    default_aisec,
    ensure_peers,
    make_tools,
    run_header,
    run_measured,
    source_state,
)


@dataclass
class Cell:
    input: str
    tool: str
    seconds: float
    peak_mb: float
    exit_codes: list[int]
    timed_out: bool
    runs: list[Run]


def measure(tool: Tool, file: Path, repeat: int, timeout: float) -> Cell:
    runs = []
    with tempfile.TemporaryDirectory(prefix="aisec-bench-") as scratch:
        for _ in range(repeat):
            runs.append(run_measured(tool.argv(file, Path(scratch)), Path(scratch), timeout))
    return Cell(
        input=file.name,
        tool=tool.name,
        seconds=statistics.median(r.seconds for r in runs),
        peak_mb=statistics.median(r.peak_mb for r in runs),
        exit_codes=sorted({r.exit_code for r in runs}),
        timed_out=any(r.timed_out for r in runs),
        runs=runs,
    )


def versions(aisec: Path, peers_venv: Path) -> dict[str, str]:
    code = "import importlib.metadata as m, sys; print(*(m.version(n) for n in sys.argv[1:]))"
    peer = subprocess.run(
        [str(peers_venv / "bin" / "python"), "-c", code, *PEER_NAMES],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    own = subprocess.run([str(aisec), "version"], capture_output=True, text=True, check=False)
    return {
        "aisec": own.stdout.strip().split()[-1] if own.stdout else "?",
        **dict(zip(PEER_NAMES, peer, strict=True)),
    }


def changed_note(before: str) -> str:
    after = source_state()
    return "" if after == before else f"; src changed during the run, now {after}"


def ratio(peer: float, own: float) -> str:
    return f"{peer / own:.1f}x" if own > 0 else "-"


def table(cells: list[Cell]) -> list[str]:
    """Markdown rows: one per input and tool, ratios against aisec on the same input."""
    own = {c.input: c for c in cells if c.tool == "aisec"}
    rows = [
        "| input | tool | median s | peak MiB | exit | time / aisec | memory / aisec |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for c in cells:
        base = own.get(c.input)
        exit_text = ",".join(map(str, c.exit_codes)) + (" (timeout)" if c.timed_out else "")
        time_ratio = ratio(c.seconds, base.seconds) if base and c is not base else ""
        mem_ratio = ratio(c.peak_mb, base.peak_mb) if base and c is not base else ""
        rows.append(
            f"| {c.input} | {c.tool} | {c.seconds:.2f} | {c.peak_mb:.0f} | {exit_text} "
            f"| {time_ratio} | {mem_ratio} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    parser.add_argument("--aisec", type=Path, default=None)
    parser.add_argument("--peers-venv", type=Path, default=PEERS_VENV)
    parser.add_argument("--tools", nargs="*", help="only these tools (default: all)")
    args = parser.parse_args(argv)

    inputs: Path = args.inputs.resolve()  # the tools run in scratch directories
    files = [inputs / name for name in INPUT_NAMES]
    missing = [f.name for f in files if not f.exists()]
    if missing:
        sys.exit(f"missing inputs {missing}: run python bench/make_inputs.py first")
    ensure_peers(args.peers_venv)
    aisec = args.aisec or default_aisec()
    tools = [
        t for t in make_tools(aisec, args.peers_venv) if not args.tools or t.name in args.tools
    ]

    # One untimed run each, so no timed run pays for a cold page cache or bytecode compilation.
    for tool in tools:
        measure(tool, inputs / MALICIOUS, 1, args.timeout)

    load_before = os.getloadavg()[0]
    measured_source = source_state()
    cells = []
    for file in files:
        for tool in tools:
            cell = measure(tool, file, args.repeat, args.timeout)
            print(
                f"{file.name:24} {tool.name:11} {cell.seconds:8.2f} s {cell.peak_mb:7.0f} MiB"
                f"  exit {cell.exit_codes}",
                flush=True,
            )
            cells.append(cell)

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    meta = {
        "date": now.isoformat(),
        "repeat": args.repeat,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "network_namespace": bool(NETNS_PREFIX),
        "versions": versions(aisec, args.peers_venv),
        "aisec_source": measured_source + changed_note(measured_source),
        "inputs": {f.name: f.stat().st_size for f in files},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps({**meta, "results": [asdict(c) for c in cells]}, indent=2) + "\n"
    )
    sizes = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in meta["inputs"].items())
    lines = [*run_header(meta, args.repeat, load_before, f" Inputs: {sizes}."), "", *table(cells)]
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
