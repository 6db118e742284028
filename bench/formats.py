"""Per-format timing and detection: aisec and modelaudit on the make_format_inputs.py inputs.

Usage: python bench/formats.py [--repeat N] [--inputs DIR] [--peers-venv DIR] [--only NAME ...]

Each tool scans each input as a fresh process N times (start-up included, no network, as in
run.py); the table gives median wall time and peak RSS, the exit codes, the modelaudit/aisec
ratios and each tool's verdict. Verdicts come from each tool's JSON report of the last run:
aisec flags an input when it exits 1 or reports a finding at high or critical; modelaudit when
it exits 1 (its "security issues found": a WARNING or CRITICAL issue) or reports a CRITICAL
issue. A run that times out (--timeout, default 300 s) is not repeated. Results go to
bench/results/formats.json and bench/results/formats.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from make_format_inputs import DEFAULT_DIR, Spec, size_of, specs
from run import changed_note, ratio, versions
from tools import (
    FLAGGED_EXIT,
    NETNS_PREFIX,
    PEERS_VENV,
    RESULTS,
    Tool,
    default_aisec,
    ensure_peers,
    run_header,
    run_measured,
    source_state,
)

# Severity scales, lowest first, and the levels that count as flagged on their own.
SCALES = {
    "aisec": ("info", "low", "medium", "high", "critical"),
    "modelaudit": ("debug", "info", "warning", "critical"),
}
SERIOUS = {"aisec": ("high", "critical"), "modelaudit": ("critical",)}
WARM_UP = "mal-onnx-custom-domain.onnx"


def make_format_tools(aisec: Path, peers_venv: Path) -> list[Tool]:
    report = "{scratch}/report.json"
    return [
        Tool("aisec", (str(aisec), "scan", "{file}", "--format", "json", "--output", report)),
        Tool(
            "modelaudit",
            (
                str(peers_venv / "bin" / "modelaudit"),
                "scan",
                "--no-cache",
                "--format",
                "json",
                "--output",
                report,
                "{file}",
            ),
        ),
    ]


@dataclass
class Verdict:
    flagged: bool
    top: str  # highest severity in the report; "-" for none, "no report" without one
    findings: list[str]  # "severity id: message", most severe first
    not_analysed: list[str] = field(default_factory=list)  # aisec: e.g. "1 skipped"


def read_verdict(tool: str, exit_code: int, report_path: Path) -> Verdict:
    try:
        report: dict[str, Any] = json.loads(report_path.read_text())
    except (OSError, ValueError):
        return Verdict(exit_code == FLAGGED_EXIT, "no report", [])
    scale = SCALES[tool]
    if tool == "aisec":
        items = [
            (f["severity"], f"{f['check_id']}: {f['message']}") for f in report.get("findings", [])
        ]
        statuses = Counter(a["status"] for a in report.get("artefacts", []))
        not_analysed = [f"{n} {status}" for status, n in sorted(statuses.items())]
        not_analysed = [text for text in not_analysed if not text.endswith(" analysed")]
    else:
        items = [
            (i["severity"], f"{i.get('rule_code') or i.get('type')}: {i['message']}")
            for i in report.get("issues", [])
        ]
        not_analysed = []
    items.sort(key=lambda item: -scale.index(item[0]) if item[0] in scale else 0)
    top = items[0][0] if items else "-"
    flagged = exit_code == FLAGGED_EXIT or any(s in SERIOUS[tool] for s, _ in items)
    findings = [f"{severity} {text}" for severity, text in items]
    return Verdict(flagged, top, findings, not_analysed)


@dataclass
class Cell:
    tool: str
    seconds: float
    peak_mb: float
    exit_codes: list[int]
    timed_out: bool
    verdict: Verdict
    runs: list[tuple[float, float, int]]  # seconds, peak MiB, exit code

    def verdict_text(self) -> str:
        exits = ",".join(map(str, self.exit_codes)) + (" timeout" if self.timed_out else "")
        extra = f", {'; '.join(self.verdict.not_analysed)}" if self.verdict.not_analysed else ""
        word = "**yes**" if self.verdict.flagged else "no"
        return f"{word} ({self.verdict.top}, exit {exits}{extra})"


def measure(tool: Tool, target: Path, repeat: int, timeout: float) -> Cell:
    runs = []
    with tempfile.TemporaryDirectory(prefix="aisec-formats-") as scratch:
        for _ in range(repeat):
            run = run_measured(tool.argv(target, Path(scratch)), Path(scratch), timeout, True)
            runs.append(run)
            if run.timed_out:  # one timeout is the answer; repeating it costs N x timeout
                break
        verdict = read_verdict(tool.name, runs[-1].exit_code, Path(scratch) / "report.json")
    return Cell(
        tool=tool.name,
        seconds=statistics.median(r.seconds for r in runs),
        peak_mb=statistics.median(r.peak_mb for r in runs),
        exit_codes=sorted({r.exit_code for r in runs}),
        timed_out=any(r.timed_out for r in runs),
        verdict=verdict,
        runs=[(round(r.seconds, 3), round(r.peak_mb, 1), r.exit_code) for r in runs],
    )


def short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tables(measured: list[tuple[Spec, int, dict[str, Cell]]]) -> list[str]:
    rows = [
        "| input | format | MB | aisec s | aisec MiB | modelaudit s | modelaudit MiB "
        "| time ma/aisec | mem ma/aisec | aisec flagged | modelaudit flagged |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for spec, size, cells in measured:
        own, peer = cells.get("aisec"), cells.get("modelaudit")
        numbers = []
        for cell in (own, peer):
            numbers += [f"{cell.seconds:.2f}", f"{cell.peak_mb:.0f}"] if cell else ["", ""]
        ratios = (
            [ratio(peer.seconds, own.seconds), ratio(peer.peak_mb, own.peak_mb)]
            if own and peer
            else ["", ""]
        )
        verdicts = [cell.verdict_text() if cell else "" for cell in (own, peer)]
        rows.append(
            f"| {spec.scan_path} | {spec.fmt} | {size / 1e6:.1f} | "
            + " | ".join([*numbers, *ratios, *verdicts])
            + " |"
        )
    rows += [
        "",
        "Most severe finding per malicious fixture (the JSON has them all):",
        "",
        "| fixture | technique | aisec | modelaudit |",
        "|---|---|---|---|",
    ]
    for spec, _, cells in measured:
        if spec.malicious:
            tops = [
                short(cells[t].verdict.findings[0])
                if t in cells and cells[t].verdict.findings
                else "-"
                for t in ("aisec", "modelaudit")
            ]
            rows.append(f"| {spec.scan_path} | {short(spec.what)} | {tops[0]} | {tops[1]} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--aisec", type=Path, default=None)
    parser.add_argument("--peers-venv", type=Path, default=PEERS_VENV)
    parser.add_argument("--tools", nargs="*", help="only these tools (default: both)")
    parser.add_argument("--only", nargs="*", help="only these inputs (names as in the table)")
    args = parser.parse_args(argv)

    inputs: Path = args.inputs.resolve()  # the tools run in scratch directories
    chosen = [
        s for s in specs() if not args.only or s.scan_path in args.only or s.name in args.only
    ]
    present = [s for s in chosen if (inputs / s.scan_path).exists()]
    for spec in chosen:
        if spec not in present:
            print(f"  {spec.scan_path}: missing, not measured (python bench/make_format_inputs.py)")
    if not present:
        sys.exit("no inputs: run python bench/make_format_inputs.py first")
    ensure_peers(args.peers_venv)
    aisec = args.aisec or default_aisec()
    tools = [
        t
        for t in make_format_tools(aisec, args.peers_venv)
        if not args.tools or t.name in args.tools
    ]

    # One untimed run each, so no timed run pays for a cold page cache or bytecode compilation.
    warm_up = inputs / WARM_UP if (inputs / WARM_UP).exists() else inputs / present[0].scan_path
    for tool in tools:
        measure(tool, warm_up, 1, args.timeout)

    load_before = os.getloadavg()[0]
    measured_source = source_state()
    measured: list[tuple[Spec, int, dict[str, Cell]]] = []
    for spec in present:
        cells = {}
        for tool in tools:
            cell = measure(tool, inputs / spec.scan_path, args.repeat, args.timeout)
            cells[tool.name] = cell
            print(
                f"{spec.scan_path:36} {tool.name:10} {cell.seconds:7.2f} s {cell.peak_mb:6.0f} MiB"
                f"  {cell.verdict_text()}",
                flush=True,
            )
        measured.append((spec, size_of(inputs / spec.name), cells))

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    all_versions = versions(aisec, args.peers_venv)
    meta = {
        "date": now.isoformat(),
        "repeat": args.repeat,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "network_namespace": bool(NETNS_PREFIX),
        "versions": {t.name: all_versions[t.name] for t in tools},
        "aisec_source": measured_source + changed_note(measured_source),
        "skipped_inputs": [s.scan_path for s in chosen if s not in present],
    }
    results = [
        {
            "input": spec.scan_path,
            "format": spec.fmt,
            "malicious": spec.malicious,
            "what": spec.what,
            "bytes": size,
            "tools": {name: asdict(cell) for name, cell in cells.items()},
        }
        for spec, size, cells in measured
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "formats.json").write_text(json.dumps({**meta, "results": results}, indent=2) + "\n")
    missing = meta["skipped_inputs"]
    skipped = f" Not measured (missing): {', '.join(missing)}." if missing else ""
    lines = [*run_header(meta, args.repeat, load_before, skipped), "", *tables(measured)]
    (RESULTS / "formats.md").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
