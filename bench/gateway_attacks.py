"""Attack simulations through the gateway, with more traffic than the test: the demo model
server (breast cancer, logistic regression) in a subprocess, the gateway in a thread over
a SQLite store, every tabular detector on with action ``tag``, and as traffic

- benign: N clients each replaying the whole held-out set in its own shuffled order,
  one row per request, and M clients replaying it twice (exact repeats);
- extraction: the assurance extraction test's queries (``synthesize_queries``) from
  several seeds, one client each, a logistic surrogate fitted on the gateway's answers
  (its fidelity reported at the first alarm);
- PGD: the assurance PGD on held-out rows (eps 0.05 of each feature's range), white-box
  on a local copy of the model, sent as one batch and then row by row;
- drift: held-out rows with three features shifted by one training std;
- quota: a key with a daily quota sending five requests more.

Run once with the shipped detector defaults and once with the earlier defaults they
replaced (``EARLIER``); each run is replayed offline (``aisec gateway replay``
semantics) and compared with the online answers and the traffic log.

    python bench/gateway_attacks.py [--benign-clients 10] [--budget 1500] [--seeds 0 1 2]
                                    [--out bench/results/gateway-attacks.md]
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "runtime"))

import gateway_attack_traffic as traffic  # noqa: E402


def run(name: str, params: dict, plan: traffic.Plan) -> dict:
    w = traffic.world()
    with tempfile.TemporaryDirectory(prefix="aisec-gw-attacks-") as tmp:
        start = time.perf_counter()
        with traffic.attack_gateway(
            Path(tmp), plan.clients(), drift_window=plan.drift_window, quota=plan.quota,
            params=params, names=plan.models(),
        ) as served:  # fmt: skip
            runs = traffic.simulate(served, plan, w)
        online = time.perf_counter() - start
        report = traffic.offline(served, runs)
        problems = traffic.disagreements(runs, report, served.log)
    requests = sum(len(r.replies) for r in runs.values())
    return {"name": name, "params": params, "lines": traffic.lines(runs), "problems": problems,
            "requests": requests, "logged": len(served.log), "seconds": online,
            "offline_alarms": dict(report.alarmed_by_label)}  # fmt: skip


def table(result: dict) -> list[str]:
    rows = [
        "| traffic | first alarm by | queries to first alarm | surrogate fidelity "
        "at alarm | requests | requests with an alarm | notes |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for line in result["lines"]:
        fid = "" if line.fidelity is None else f"{line.fidelity:.3f}"
        first = "none" if line.first is None else str(line.first)
        rows.append(f"| {line.attack} | {line.detector} | {first} | {fid} | {line.requests} "
                    f"| {line.alarmed} | {line.note} |")  # fmt: skip
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(__import__("os").sched_getaffinity(0))
    return f"{cpu}, {cores} cores, {platform.system()} {platform.release()}, " + (
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benign-clients", type=int, default=10)
    parser.add_argument("--repeat-clients", type=int, default=2)
    parser.add_argument("--budget", type=int, default=1500)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--pgd-rows", type=int, default=100)
    parser.add_argument("--drift-window", type=int, default=500)
    parser.add_argument("--quota", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/gateway-attacks.md")
    args = parser.parse_args(argv)
    plan = traffic.Plan(
        benign_clients=args.benign_clients, repeat_clients=args.repeat_clients,
        extraction_budget=args.budget, extraction_seeds=tuple(args.seeds),
        pgd_rows=args.pgd_rows, pgd_one_per_request=True, drift_window=args.drift_window,
        quota=args.quota,
    )  # fmt: skip
    results = [run("shipped defaults", traffic.DEFAULT, plan),
               run("earlier defaults (EARLIER)", traffic.EARLIER, plan)]  # fmt: skip
    date = subprocess.run(["date"], check=True, capture_output=True, text=True).stdout.strip()
    command = "python bench/gateway_attacks.py " + " ".join(sys.argv[1:] if argv is None else argv)
    out = [
        "# Attack simulations through the gateway",
        "",
        f"Date: {date}. Machine: {machine()}.",
        f"Reproduce: `{command.strip()}` (from the repository root, project venv).",
        "",
        "Model: the demo model server's breast-cancer logistic regression (171 held-out "
        "rows, 30 features); reference from `reference_with_answers(x_train, x_test)`. "
        "Every detector's action is `tag`; drift windows "
        f"{plan.drift_window} rows. Queries to the first alarm are counted "
        "in the scenario's sending order, 1-based (one client for extraction); "
        "'requests with an alarm' counts requests on which any detector fired.",
        "",
    ]
    for result in results:
        settings = result["params"] or "none"
        out += [f"## {result['name']}", "",
                f"Detector settings beyond the defaults: `{settings}`.", ""]  # fmt: skip
        out += table(result)
        agree = "agree" if not result["problems"] else "DISAGREE: " + "; ".join(result["problems"])
        out += ["", f"{result['requests']} requests, {result['logged']} traffic-log entries, "
                f"{result['seconds']:.1f} s online. Online answers, traffic log and offline "
                f"replay {agree}.", ""]  # fmt: skip
        print(f"\n{result['name']}")
        print("\n".join(table(result)))
        print(f"online/log/offline: {agree}; {result['requests']} requests in "
              f"{result['seconds']:.1f} s")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"\nwritten {args.out}")


if __name__ == "__main__":
    main()
