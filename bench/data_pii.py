"""Data security bench: aisec's PII and secret detection against Presidio (pattern
recognizers on a blank spaCy pipeline), datafog (regex engine) and detect-secrets, on the
labelled synthetic corpus of tests/data/pii_corpus.py.

Usage (see bench/README.md for the venv):
    bench/.venv-data/bin/python bench/data_pii.py [--docs-per-locale 75] [--repeat 3]
        [--seed 0] [--tools aisec-pii aisec-secrets presidio datafog detect-secrets]

Each tool runs in this process over the same documents (about 2 KB each, ~1 MB in all), one
call per document (Presidio slows down more than linearly on long texts), after an untimed
warm-up on the first 20; the time is the median of --repeat passes. Scores use the corpus's
rule (same label and at least one shared character; pii_corpus_score.py). Results go to
bench/results/data-security.md and data-security.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("DATAFOG_NO_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "tests" / "data"))

import data_meta  # noqa: E402
import data_report  # noqa: E402
import data_tools  # noqa: E402
from pii_corpus import ENTITIES, Corpus, Document, generate  # noqa: E402

TOOLS = ("aisec-pii", "aisec-secrets", "presidio", "datafog", "detect-secrets")


def prepare(make: Callable[[], Any], docs: Sequence[Document]) -> dict[str, Any]:
    """Build the engine (timed as setup) and warm it up on the first documents."""
    try:
        start = time.perf_counter()
        runner = make()
        setup = time.perf_counter() - start
        runner(docs[:20])
    except Exception as error:  # a tool that cannot run is reported, not fatal
        return {"error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc()}
    return {"runner": runner, "setup_s": setup, "times": []}


def measure(prepared: dict[str, dict[str, Any]], docs: Sequence[Document], repeat: int) -> None:
    """Round-robin passes (each tool once per round) so that load from other work on a
    shared machine falls on every tool alike."""
    for round_ in range(repeat):
        for tool, state in prepared.items():
            if "runner" not in state:
                continue
            start = time.perf_counter()
            state["found"] = state["runner"](docs)
            state["times"].append(time.perf_counter() - start)
            print(f"  round {round_ + 1}: {tool} {state['times'][-1]:.2f} s", flush=True)
    for state in prepared.values():
        if state.get("times"):
            state["median_s"] = statistics.median(state["times"])


def detect_secrets_cli(path: Path) -> dict[str, Any]:
    executable = Path(sys.executable).with_name("detect-secrets")
    start = time.perf_counter()
    # Run from the file's directory: given a path outside its working directory,
    # detect-secrets scans nothing and reports no results.
    done = subprocess.run(
        [str(executable), "scan", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    try:
        results = json.loads(done.stdout)["results"]
        findings = sum(len(items) for items in results.values())
    except (ValueError, KeyError):
        findings = -1
    return {"seconds": seconds, "findings": findings, "exit": done.returncode}


def run_tools(
    corpus: Corpus, tools: Sequence[str], repeat: int, scratch: Path
) -> dict[str, dict[str, Any]]:
    docs = corpus.documents
    out: dict[str, dict[str, Any]] = {}
    corpus_file = scratch / "corpus.txt"
    line_map = data_tools.write_corpus_file(docs, corpus_file)
    makers: dict[str, Callable[[], Any]] = {
        "aisec-pii": data_tools.aisec_pii,
        "aisec-secrets": data_tools.aisec_secrets,
        "presidio": lambda: data_tools.presidio(scratch),
        "datafog": data_tools.datafog,
        "detect-secrets": lambda: data_tools.detect_secrets(corpus_file, line_map, docs),
    }
    for tool in tools:
        print(f"preparing {tool} ...", flush=True)
        out[tool] = prepare(makers[tool], docs)
        if "error" in out[tool]:
            print(f"  {tool} failed: {out[tool]['error']}", flush=True)
    measure(out, docs, repeat)
    if "presidio" in out and "error" not in out["presidio"]:
        # The same findings cut at 0.5, the threshold a deployment would use.
        state = out["presidio"]
        kept = zip(state["found"], state["runner"].scores, strict=True)
        out["presidio@0.5"] = {"found": [f for f, score in kept if score >= 0.5]}
        out["presidio"]["recognizers"] = data_tools.presidio_recognizers(out["presidio"]["runner"])
    if "detect-secrets" in out:
        out["detect-secrets-cli"] = detect_secrets_cli(corpus_file)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs-per-locale", type=int, default=75)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "data-security.md")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    corpus = generate(args.seed, args.docs_per_locale, target_chars=1800, secrets_per_doc=(0, 2))
    print(
        f"corpus: {len(corpus.documents)} documents, {corpus.size_bytes() / 1e6:.2f} MB, "
        f"{time.perf_counter() - start:.1f} s to generate",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-data-") as scratch:
        results = run_tools(corpus, args.tools, args.repeat, Path(scratch))
    meta = data_meta.metadata(args, load_before, os.getloadavg()[0])
    markdown, record = data_report.render(corpus, results, meta, ENTITIES)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(markdown, encoding="utf-8")
    args.output.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    print(markdown)


if __name__ == "__main__":
    main()
