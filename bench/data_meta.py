"""Run metadata for bench/data_pii.py (machine, versions, load, commit) and the notes on
method printed under its tables."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

NOTES = [
    "- Match rule: same label and at least one shared character; precision counts findings, "
    "recall planted values (tests/data/pii_corpus_score.py). '–': no recognizer for it.",
    "- Each tool runs in this process, one call per document, after an untimed warm-up; "
    "passes go round-robin over the tools so load from other work falls on all alike. "
    "MB/s = UTF-8 size / median pass; 'setup' = building the engine, not in MB/s.",
    "- Presidio: AnalyzerEngine on spacy.blank('en') (no NER, so PERSON cannot be found), "
    "default English registry + UK NINO, DE tax id, ES NIF/NIE, IT fiscal code recognizers "
    "(as NATIONAL_ID); tldextract pointed at its bundled suffix list. Threshold 0 is its "
    "default; 0.5 is the same findings cut at score 0.5.",
    "- datafog: the regex engine behind datafog.scan() with the German pack, built once, "
    "with scan()'s overlap suppression; its DOB pattern (any date) is scored as "
    "DATE_OF_BIRTH. Telemetry off (DATAFOG_NO_TELEMETRY=1, DO_NOT_TRACK=1).",
    "- detect-secrets: SecretsCollection.scan_file under default_settings() on one file "
    "with the whole corpus (what its CLI does, incl. its per-file de-duplication); a "
    "finding's offsets are its reported value's on its line. Secrets: 'found' = overlaps "
    "the planted value, '(n)' = exactly its offsets, 'merged' = one finding over two planted "
    "values, 'false' = findings on nothing planted.",
]
PACKAGES = (
    "aisec",
    "presidio-analyzer",
    "spacy",
    "datafog",
    "detect-secrets",
    "faker",
    "phonenumbers",
)


def metadata(args: Any, load_before: float, load_after: float) -> dict[str, Any]:
    repo = Path(__file__).resolve().parents[1]

    def git(*command: str) -> str:
        done = subprocess.run(
            ["git", *command], cwd=repo, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = "not installed"
    dirty = " + uncommitted src/ changes" if git("status", "--porcelain", "src") else ""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
        "versions": versions,
        "aisec_commit": git("rev-parse", "--short", "HEAD") + dirty,
        "load_average_1min": [round(load_before, 2), round(load_after, 2)],
        "seed": args.seed,
        "docs_per_locale": args.docs_per_locale,
        "repeat": args.repeat,
    }
