"""Detection side by side on the picklescan regression corpus (read in place, never copied).

Usage: python bench/corpus.py [--corpus DIR] [--peers-venv DIR]

Every tool scans every file of DIR/malicious and DIR/benign in a fresh process. Verdicts follow
each tool's documented exit codes: 0 clean, 1 unsafe (aisec: findings at or above the default
--fail-on high), anything else an error or "nothing scanned". picklescan exits 2 when any part of
a file failed to parse even if it found a dangerous global, so for it an exit 2 whose summary
says "Infected files: N" (N > 0) also counts as flagged. Writes bench/results/corpus.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools import (
    FLAGGED_EXIT,
    PEERS_VENV,
    REPO,
    RESULTS,
    Tool,
    default_aisec,
    ensure_peers,
    make_tools,
    run_measured,
    source_state,
)

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "picklescan-tests"
INFECTED = re.compile(r"^Infected files: (\d+)", re.MULTILINE)


@dataclass(frozen=True)
class Verdict:
    tool: str
    file: Path
    exit_code: int
    flagged: bool
    seconds: float

    @property
    def cell(self) -> str:
        """Exit code; '*' marks a flag read from the output rather than the exit code."""
        star = "*" if self.flagged and self.exit_code != FLAGGED_EXIT else ""
        return f"{self.exit_code}{star}"


def scan(tool: Tool, file: Path) -> Verdict:
    with tempfile.TemporaryDirectory(prefix="aisec-corpus-") as scratch:
        run = run_measured(tool.argv(file, Path(scratch)), Path(scratch), 300.0, capture=True)
    flagged = run.exit_code == FLAGGED_EXIT
    if tool.name == "picklescan" and not flagged:
        match = INFECTED.search(run.output)
        flagged = bool(match and int(match.group(1)) > 0)
    return Verdict(tool.name, file, run.exit_code, flagged, run.seconds)


def summary(tools: list[Tool], verdicts: list[Verdict], groups: dict[str, list[Path]]) -> list[str]:
    rows = [
        "| tool | malicious flagged | malicious: exit not 0/1 | benign flagged "
        "| benign: exit not 0/1 | total s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for tool in tools:
        mine = [v for v in verdicts if v.tool == tool.name]
        cells = []
        for files in groups.values():
            group = [v for v in mine if v.file in files]
            cells.append(f"{sum(v.flagged for v in group)}/{len(group)}")
            cells.append(str(sum(v.exit_code not in (0, 1) for v in group)))
        rows.append(f"| {tool.name} | {' | '.join(cells)} | {sum(v.seconds for v in mine):.0f} |")
    return rows


def details(tools: list[Tool], verdicts: list[Verdict], groups: dict[str, list[Path]]) -> list[str]:
    by_key = {(v.tool, v.file): v for v in verdicts}
    rows = [
        "| file | " + " | ".join(t.name for t in tools) + " |",
        "|---|" + "---|" * len(tools),
    ]
    for group, files in groups.items():
        for file in files:
            cells = " | ".join(by_key[(t.name, file)].cell for t in tools)
            rows.append(f"| {group}/{file.name} | {cells} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--aisec", type=Path, default=None)
    parser.add_argument("--peers-venv", type=Path, default=PEERS_VENV)
    parser.add_argument("--tools", nargs="*", help="only these tools (default: all)")
    args = parser.parse_args(argv)

    corpus: Path = args.corpus.resolve()  # the tools run in scratch directories
    groups = {
        g: sorted(p for p in (corpus / g).iterdir() if p.is_file()) for g in ("malicious", "benign")
    }
    ensure_peers(args.peers_venv)
    tools = make_tools(args.aisec or default_aisec(), args.peers_venv)
    tools = [t for t in tools if not args.tools or t.name in args.tools]
    source = source_state()
    jobs = [(t, f) for t in tools for files in groups.values() for f in files]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        verdicts = list(pool.map(lambda job: scan(*job), jobs))

    lines = [
        f"Corpus: {corpus.name} ({len(groups['malicious'])} malicious, "
        f"{len(groups['benign'])} benign), scanned in place by bench/corpus.py;"
        f" aisec at {source}.",
        "Flagged = the tool's exit code for 'unsafe' (1); picklescan's exit 2 also counts when"
        " its summary reports infected files (marked * below).",
        "",
        *summary(tools, verdicts, groups),
        "",
        "Exit code per file:",
        "",
        *details(tools, verdicts, groups),
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "corpus.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
