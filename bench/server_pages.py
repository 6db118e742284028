"""The dashboard and the API under load of data: a store with 10,000 findings over 200
AI systems (200 scan runs of 50 findings each, every system classified), served by uvicorn
on a loopback port, and N sequential requests to the overview page, the findings list
(first page, and a filtered page deep in the list) and the findings API. Reports median
and p95 wall time per page, client side (connection reused, as a browser does).

    python bench/server_pages.py [--requests 100] [--database URL] [--out bench/results/server.md]

Needs the server extra (and psycopg for a PostgreSQL URL; the schema must be empty).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS, RUNS_PER_SYSTEM, FINDINGS_PER_RUN = 200, 1, 50
CHECKS = (
    ("modelfile.pickle.dangerous-call", "critical"),
    ("modelfile.pickle.unknown-import", "high"),
    ("data.pii.column", "medium"),
    ("data.secret.exposed", "high"),
    ("modelfile.format.trailing-data", "low"),
    ("inventory.signature.missing", "info"),
)
PASSWORD = "bench password 2026"


def seed(store) -> None:
    from aisec.core.finding import Finding, Location
    from aisec.core.run import Run
    from aisec.core.severity import Severity
    from aisec.governance.classify import next_questions
    from aisec.server.access.login import create_user
    from aisec.services.governance import classify_system
    from aisec.store.records import SystemAsset

    create_user(store, "bench", PASSWORD, "security-engineer", actor="bench")
    answers: dict[str, object] = {"subject": "ai-system", "annex_iii_use_cases": ["AnnexIII.5(b)"]}
    while pending := next_questions(answers):
        for q in pending:
            answers[q.id] = (
                q.choices[0].value
                if q.kind == "one-of"
                else {"yes-no": False, "many-of": [], "number": 0}[q.kind]
            )
    from datetime import date

    for s in range(SYSTEMS):
        name = f"system-{s:03d}"
        store.inventory.add(SystemAsset(name=name, owner=f"team-{s % 12}"))
        if s % 4:  # three in four are classified
            classify_system(
                answers, roles=["provider"], as_of=date(2026, 11, 1), store=store,
                system=name, assessor="bench",
            )  # fmt: skip
        findings = []
        for f in range(FINDINGS_PER_RUN):
            check, severity = CHECKS[(s + f) % len(CHECKS)]
            findings.append(
                Finding.create(
                    check_id=check,
                    severity=Severity.parse(severity),
                    title=f"{check} in artefact {f}",
                    message="seeded for the bench",
                    location=Location(f"{name}/models/model-{f}.pkl"),
                    key=f"{s}-{f}",
                )
            )
        run = Run("scan", [f"{name}/models"], "bench", {"fail_on": "high"}, findings=findings)
        run.finish()
        stored = store.runs.record(run)
        store.runs.link_system(stored.id, name, actor="bench")


def serve(store, port: int):
    import uvicorn

    from aisec.core.settings import Settings
    from aisec.server.app import create_app
    from aisec.server.config import ServerConfig

    # httpx keeps Secure cookies for https only (browsers also send them to loopback).
    config = ServerConfig(secure_cookies=False, scan_roots=(Path(tempfile.gettempdir()),))
    app = create_app(store, config, Settings())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread


def measure(client, path: str, n: int) -> dict[str, float]:
    client.get(path).raise_for_status()  # warm
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * n) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "bytes": len(response.content),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database", default=None)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "server.md"))
    args = parser.parse_args()
    import re
    import socket

    import httpx

    from aisec.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.db"
        with open_store(url) as store:
            start = time.perf_counter()
            seed(store)
            seeded = time.perf_counter() - start
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            server, thread = serve(store, port)
            base = f"http://127.0.0.1:{port}"
            try:
                with httpx.Client(base_url=base, timeout=30) as client:
                    page = client.get("/login")
                    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
                    assert token is not None
                    done = client.post(
                        "/login",
                        data={"username": "bench", "password": PASSWORD,
                              "login_token": token.group(1), "next": "/"},
                    )  # fmt: skip
                    assert done.status_code in (200, 303), done.status_code
                    # The overview judges control coverage in the background for a large
                    # inventory: measure the steady state, and how long judging took.
                    started = time.perf_counter()
                    while any(
                        mark in client.get("/").text
                        for mark in ("being worked out", "brought up to date")
                    ):
                        time.sleep(0.25)
                    coverage_s = time.perf_counter() - started
                    deep = "/findings?severity=high&state=open&offset=3000"
                    pages = {
                        "overview `/`": "/",
                        "findings list `/findings`": "/findings",
                        f"findings, high+ open, page 61 `{deep}`": deep,
                        "API `/api/v1/findings?limit=50`": "/api/v1/findings?limit=50",
                    }
                    results = {
                        label: measure(client, path, args.requests) for label, path in pages.items()
                    }
            finally:
                server.should_exit = True
                thread.join(timeout=30)
    dialect = url.split(":", 1)[0]
    lines = [
        f"# Server pages: {SYSTEMS} systems, {SYSTEMS * FINDINGS_PER_RUN:,} findings ({dialect})",
        "",
        f"{args.requests} sequential requests per page over loopback HTTP, after one warm-up;"
        f" seeding took {seeded:.1f} s. Control coverage of the {SYSTEMS} systems, judged in"
        f" the background after the first visit, took {coverage_s:.1f} s; the overview"
        " shows the last judgement (or says it is being worked out) meanwhile.",
        "",
        "| page | median ms | p95 ms | max ms | bytes |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, r in results.items():
        lines.append(
            f"| {label} | {r['median_ms']} | {r['p95_ms']} | {r['max_ms']} | {r['bytes']:,} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(args.out)
    out.write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(
        json.dumps({"database": dialect, "coverage_s": coverage_s, "results": results}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
