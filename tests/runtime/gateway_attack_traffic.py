"""Attack and benign traffic for the gateway's attack simulations, shared by
``test_gateway_attacks.py`` and ``bench/gateway_attacks.py`` (imported by name).

Everything is seeded numpy over the demo model server's own split
(``aisec.demo.model_server.trained``), so the client here and the server in its subprocess
hold the same model and the same held-out rows. The attacks are the assurance package's:
extraction queries from ``synthesize_queries`` with a surrogate from ``fit_surrogate``,
evasion from its PGD (``attacks.gradient.pgd``), white-box on a local copy of the model
as that attack assumes, the adversarial rows then sent through the gateway.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DATASET = "breast_cancer"
# One configured model per scenario, all in front of the same upstream: the drift
# detectors keep state per model, so a scenario's rows never land in another's window.
BENIGN, EXTRACTION, EVASION, DRIFT, QUOTA = (
    "tumour",
    "tumour-x",
    "tumour-pgd",
    "tumour-d",
    "tumour-q",
)
MODELS = (BENIGN, EXTRACTION, EVASION, DRIFT, QUOTA)
DETECTORS = (
    "extraction.prada",
    "extraction.boundary",
    "extraction.coverage",
    "extraction.distribution",
    "evasion.ood",
    "evasion.margin",
    "drift.input",
    "drift.output",
)
# The shipped defaults (measured on this model's held-out rows to raise no alarm on
# them: bench/results/gateway-attacks.md), and the earlier settings for comparison.
DEFAULT: dict[str, dict[str, Any]] = {}
EARLIER: dict[str, dict[str, Any]] = {
    "extraction.prada": {"delta": 0.85},
    "evasion.margin": {"quantile": 0.001},
    "extraction.boundary": {"window": 100, "threshold": 6.0},
}


@dataclass(frozen=True)
class World:
    model: Any
    x_train: np.ndarray
    x_test: np.ndarray
    names: list[str]

    def labels(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(x), dtype=np.int64)


def world() -> World:
    from aisec.demo.model_server import trained

    model, x_train, x_test = trained(DATASET)
    return World(model, x_train, x_test, [f"f{i}" for i in range(x_train.shape[1])])


def write_reference(w: World, path: Path) -> None:
    from aisec.runtime.reference_build import reference_with_answers

    reference = reference_with_answers(
        w.x_train, w.x_test, names=w.names, predictions=w.model.predict(w.x_test),
        probabilities=w.model.predict_proba(w.x_test),
    )  # fmt: skip
    reference.save(path)


def gateway_models(upstream: str, *, drift_window: int, params: dict[str, dict[str, Any]],
                   names: Sequence[str] = MODELS) -> list[dict[str, Any]]:  # fmt: skip
    """Every detector on, with action ``tag``: traffic keeps flowing (so it can be
    counted) and each answer names in X-Aisec-Detections what fired on it."""
    detectors: dict[str, Any] = {
        name: {"action": "tag", **params.get(name, {})} for name in DETECTORS
    }
    detectors["drift.input"]["window"] = drift_window
    detectors["drift.output"]["window"] = drift_window
    return [
        {"name": name, "protocol": "kserve-v2", "upstream": upstream,
         "upstream_model": DATASET, "reference": "reference.json",
         "detectors": copy.deepcopy(detectors)}  # a shared dict would be a YAML alias
        for name in names
    ]  # fmt: skip


# -- traffic ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    model: str
    client: str
    rows: np.ndarray  # (n, features): one request
    label: str  # "benign", "extraction", "pgd", "drift"


def interleave(per_client: dict[str, np.ndarray], model: str, label: str) -> list[Query]:
    """Several clients' rows one per request, round robin, as concurrent users arrive."""
    out: list[Query] = []
    longest = max(len(rows) for rows in per_client.values())
    for i in range(longest):
        for client, rows in per_client.items():
            if i < len(rows):
                out.append(Query(model, client, rows[i : i + 1], label))
    return out


def benign(w: World, clients: int, passes: int, seed: int, model: str = BENIGN) -> list[Query]:
    """Each client replays the whole held-out set ``passes`` times, in its own order."""
    rng = np.random.default_rng(seed)
    per_client = {
        f"benign-{c + 1}": np.vstack(
            [w.x_test[rng.permutation(len(w.x_test))] for _ in range(passes)]
        )
        for c in range(clients)
    }
    return interleave(per_client, model, "benign")


@dataclass(frozen=True)
class Extraction:
    queries: np.ndarray  # in the order they are sent
    x_eval: np.ndarray  # the auditor's held-out rows fidelity is measured on
    pool_rows: int


def extraction(w: World, budget: int, seed: int) -> Extraction:
    """The queries of the assurance extraction test (``run_extraction``): its attacker
    pool of held-out rows first, then noisy mixes of pool pairs."""
    from aisec.assurance.extraction.query_pool import split_attacker_pool, synthesize_queries

    evaluated, pool = split_attacker_pool(len(w.x_test), 1000, seed)
    queries = synthesize_queries(w.x_test[pool], budget, seed=seed)
    return Extraction(queries, w.x_test[evaluated], len(pool))


def extraction_traffic(attack: Extraction, client: str = "extractor",
                       model: str = EXTRACTION) -> list[Query]:  # fmt: skip
    return [Query(model, client, attack.queries[i : i + 1], "extraction")
            for i in range(len(attack.queries))]  # fmt: skip


def fidelity(w: World, attack: Extraction, answers: np.ndarray, queries: int) -> float:
    """Agreement with the model on the auditor's rows of a logistic surrogate trained on
    the first ``queries`` answers the gateway gave: what the attacker holds by then."""
    from aisec.assurance.extraction.surrogate import fit_surrogate

    surrogate = fit_surrogate(
        "logistic", attack.queries[:queries], answers[:queries].astype(np.int64), seed=0
    )
    return float(np.mean(surrogate.predict(attack.x_eval) == w.labels(attack.x_eval)))


@dataclass(frozen=True)
class Evasion:
    x: np.ndarray  # the clean rows attacked
    x_adv: np.ndarray
    evaded: np.ndarray  # bool per row: PGD flipped the model's answer
    eps: float


def pgd_batch(w: World, rows: int, eps: float, seed: int) -> Evasion:
    """The assurance PGD (L∞ box of ``eps`` times each feature's range) against the
    model's own answers on ``rows`` held-out rows; only the evaded rows are kept."""
    from aisec.assurance.attacks.box import build_box
    from aisec.assurance.attacks.gradient import pgd
    from aisec.assurance.targets.sklearn_target import SklearnTarget

    chosen = np.random.default_rng(seed).permutation(len(w.x_test))[:rows]
    x = w.x_test[chosen]
    box = build_box(w.x_test, w.x_train)
    outcome = pgd(SklearnTarget(w.model), x, w.labels(x), box, eps, seed=seed)
    return Evasion(x, outcome.x_adv, np.asarray(outcome.evaded, dtype=bool), eps)


def drift(w: World, features: int, shift: float, clients: int, rows: int, seed: int,
          model: str = DRIFT) -> list[Query]:  # fmt: skip
    """Held-out rows with the first ``features`` features moved by ``shift`` training
    standard deviations (a recalibrated sensor, a new population), benign clients."""
    rng = np.random.default_rng(seed)
    step = np.zeros(w.x_train.shape[1])
    step[:features] = shift * w.x_train[:, :features].std(axis=0)
    per_client = {}
    for c in range(clients):
        picked = rng.integers(0, len(w.x_test), rows // clients + (c < rows % clients))
        per_client[f"drift-{c + 1}"] = w.x_test[picked] + step
    return interleave(per_client, model, "drift")


# -- sending ----------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    fired: tuple[str, ...]  # X-Aisec-Detections
    body: Any
    headers: dict[str, str]

    @property
    def labels(self) -> np.ndarray:
        return np.asarray(self.body["outputs"][0]["data"], dtype=np.int64)


def kserve(rows: np.ndarray) -> dict[str, Any]:
    return {"inputs": [{"name": "input-0", "shape": list(rows.shape), "datatype": "FP64",
                        "data": rows.ravel().tolist()}]}  # fmt: skip


def send(http: Any, url: str, keys: dict[str, str], queries: Iterable[Query]) -> list[Reply]:
    """One request per query, in order (the order the detectors see)."""
    replies = []
    for q in queries:
        answer = http.post(
            f"{url}/v2/models/{q.model}/infer", json=kserve(q.rows),
            headers={"authorization": f"Bearer {keys[q.client]}"},
        )  # fmt: skip
        tags = answer.headers.get("x-aisec-detections", "")
        replies.append(Reply(answer.status_code, tuple(t for t in tags.split(",") if t),
                             answer.json(), dict(answer.headers)))  # fmt: skip
    return replies


def records(queries: Sequence[Query], replies: Sequence[Reply]) -> list[dict[str, Any]]:
    """The traffic as ``aisec gateway replay`` reads it (JSON lines), labelled."""
    at = time.time()
    return [
        {"model": q.model, "client": q.client, "at": at + i, "request": kserve(q.rows),
         "response": r.body, "label": q.label}
        for i, (q, r) in enumerate(zip(queries, replies, strict=True))
    ]  # fmt: skip


def first_alarm(replies: Sequence[Reply], detectors: Iterable[str] | None = None) -> int | None:
    """The 1-based number of the first request on which one of ``detectors`` (any when
    None) fired, or None."""
    wanted = None if detectors is None else set(detectors)
    for i, r in enumerate(replies, 1):
        if r.fired and (wanted is None or wanted & set(r.fired)):
            return i
    return None


def first_by_detector(replies: Sequence[Reply]) -> dict[str, int]:
    first: dict[str, int] = {}
    for i, r in enumerate(replies, 1):
        for name in r.fired:
            first.setdefault(name, i)
    return first


# -- the gateway ------------------------------------------------------------------------


@dataclass
class Served:
    url: str
    store: Any
    keys: dict[str, str]
    config: Any
    home: Path
    gateway: Any = None
    log: list[Any] = field(default_factory=list)  # traffic log entries, read after shutdown


@contextmanager
def attack_gateway(home: Path, clients: Sequence[str], *, drift_window: int, quota: int,
                   params: dict[str, dict[str, Any]], names: Sequence[str] = MODELS,
                   ) -> Iterator[Served]:  # fmt: skip
    """The model server in a subprocess, the gateway (SQLite store, traffic log) in a
    thread; a key per client, and a key ``quota`` with ``daily_quota=quota``. On exit the
    gateway is shut down (its log flushed) and the log read back into ``log``."""
    from gateway_processes import gateway_thread, model_server, write_config

    from aisec.core.settings import Settings
    from aisec.runtime.assemble import build_gateway
    from aisec.runtime.config import load_config
    from aisec.store.store import open_store

    write_reference(world(), home / "reference.json")
    with model_server(DATASET) as upstream:
        path = write_config(
            home,
            {
                "models": gateway_models(
                    upstream, drift_window=drift_window, params=params, names=names
                )
            },
        )
        config = load_config(path)
        store = open_store(f"sqlite:///{home / 'aisec.db'}")
        try:
            keys = {c: store.gateway_keys.create(c, actor="test")[1] for c in clients}
            keys["quota"] = store.gateway_keys.create(
                "quota", models=[QUOTA], daily_quota=quota, actor="test"
            )[1]
            settings = Settings(audit_key=str(home / "audit-key.pem"))
            gateway = build_gateway(config, store, settings)
            served = Served("", store, keys, config, home, gateway)
            with gateway_thread(gateway) as url:
                served.url = url
                yield served
                served.url = ""
            served.log = list(store.gateway_log.iter_entries())
        finally:
            store.close()


def replay_offline(config: Any, traffic: Sequence[dict[str, Any]]) -> Any:
    """``aisec gateway replay`` over ``traffic``: fresh detectors from the same config."""
    from aisec.runtime.proxy.guard import build_guard
    from aisec.runtime.replay import replay

    guards = {m.name: build_guard(m) for m in config.models}
    return replay(guards, enumerate(traffic, 1))


# -- the simulation ---------------------------------------------------------------------

REPEAT = "tumour-r"


@dataclass(frozen=True)
class Plan:
    benign_clients: int = 3
    benign_passes: int = 1
    repeat_clients: int = 0  # benign clients sending the held-out set twice (bench)
    extraction_budget: int = 300
    extraction_seeds: tuple[int, ...] = (0,)
    pgd_rows: int = 60
    pgd_eps: float = 0.05
    pgd_one_per_request: bool = False  # also send the adversarial rows one by one
    drift_features: int = 3
    drift_shift: float = 1.0
    drift_window: int = 100
    quota: int = 5
    seed: int = 0

    def models(self) -> tuple[str, ...]:
        extra = tuple(f"{EXTRACTION}-{s}" for s in self.extraction_seeds)
        return (*MODELS, *extra, REPEAT)

    def clients(self) -> list[str]:
        return [
            *(f"benign-{c + 1}" for c in range(self.benign_clients)),
            *(f"repeat-{c + 1}" for c in range(self.repeat_clients)),
            *(f"extractor-{s}" for s in self.extraction_seeds),
            "pgd-batch", "pgd-rows",
            *(f"drift-{c + 1}" for c in range(3)),
        ]  # fmt: skip


@dataclass
class Run:
    """One scenario's traffic and what the gateway answered, in sending order."""

    scenario: str
    queries: list[Query]
    replies: list[Reply]
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def alarmed(self) -> int:
        return sum(1 for r in self.replies if r.fired)


def simulate(served: Served, plan: Plan, w: World) -> dict[str, Run]:
    import httpx

    runs: dict[str, Run] = {}
    with httpx.Client(timeout=60) as http:

        def go(name: str, queries: list[Query], **detail: Any) -> Run:
            runs[name] = Run(name, queries, send(http, served.url, served.keys, queries), detail)
            return runs[name]

        go("benign", benign(w, plan.benign_clients, plan.benign_passes, plan.seed))
        if plan.repeat_clients:
            traffic = benign(w, plan.repeat_clients, 2, plan.seed + 1, model=REPEAT)
            go("benign-repeat", [Query(q.model, q.client.replace("benign", "repeat"), q.rows,
                                       "benign-repeat") for q in traffic])  # fmt: skip
        for s in plan.extraction_seeds:
            attack = extraction(w, plan.extraction_budget, s)
            run = go(f"extraction-{s}",
                     extraction_traffic(attack, f"extractor-{s}", f"{EXTRACTION}-{s}"))  # fmt: skip
            answers = np.concatenate([r.labels for r in run.replies])
            first = first_alarm(run.replies)
            run.detail = {
                "pool_rows": attack.pool_rows,
                "fidelity_at_alarm": None if first is None else fidelity(w, attack, answers, first),
                "fidelity_at_end": fidelity(w, attack, answers, len(answers)),
            }
        evasion = pgd_batch(w, plan.pgd_rows, plan.pgd_eps, plan.seed)
        go("pgd-batch", [Query(EVASION, "pgd-batch", evasion.x_adv, "pgd")],
           evaded=int(evasion.evaded.sum()), rows=len(evasion.x_adv), eps=plan.pgd_eps)  # fmt: skip
        if plan.pgd_one_per_request:
            adv = evasion.x_adv[evasion.evaded]
            go("pgd-rows", [Query(EVASION, "pgd-rows", adv[i : i + 1], "pgd")
                            for i in range(len(adv))])  # fmt: skip
        go("drift", drift(w, plan.drift_features, plan.drift_shift, 3, plan.drift_window,
                          plan.seed), window=plan.drift_window)  # fmt: skip
        rows = w.x_test[: plan.quota + 5]
        go("quota", [Query(QUOTA, "quota", rows[i : i + 1], "quota") for i in range(len(rows))],
           quota=plan.quota)  # fmt: skip
    return runs


def offline(served: Served, runs: dict[str, Run]) -> Any:
    """The same traffic (all but the quota scenario, which no detector judges) replayed
    through fresh detectors: ``aisec gateway replay`` semantics."""
    traffic: list[dict[str, Any]] = []
    for run in runs.values():
        if run.scenario != "quota":
            traffic += records(run.queries, run.replies)
    return replay_offline(served.config, traffic)


def disagreements(runs: dict[str, Run], report: Any, log: Sequence[Any]) -> list[str]:
    """Where the online answers, the traffic log and the offline replay differ: requests
    with an alarm per label, fired counts per detector, first alarm per client."""
    problems: list[str] = []
    online_label: dict[str, int] = {}
    online_detector: dict[str, int] = {}
    online_first: dict[str, int | None] = {}
    for run in runs.values():
        if run.scenario == "quota":
            continue
        seen: dict[str, int] = {}
        for q, r in zip(run.queries, run.replies, strict=True):
            seen[q.client] = seen.get(q.client, 0) + 1
            online_first.setdefault(q.client, None)
            if r.fired:
                online_label[q.label] = online_label.get(q.label, 0) + 1
                if online_first[q.client] is None:
                    online_first[q.client] = seen[q.client]
            for name in r.fired:
                online_detector[name] = online_detector.get(name, 0) + 1
    offline_label = {k: v for k, v in report.alarmed_by_label.items() if v}
    if online_label != offline_label:
        problems.append(f"alarms per label: online {online_label}, offline {offline_label}")
    offline_detector = {k: t.fired for k, t in report.detectors.items() if t.fired}
    if online_detector != offline_detector:
        problems.append(f"fired per detector: online {online_detector}, offline {offline_detector}")
    for client, first in online_first.items():
        offline_first = report.clients.get(client, [0, None])[1]
        if first != offline_first:
            problems.append(f"first alarm of {client}: online {first}, offline {offline_first}")
    logged: dict[str, int] = {}
    for entry in log:
        for name in entry.payload.get("fired", ()):
            logged[name] = logged.get(name, 0) + 1
    if logged != online_detector:
        problems.append(f"fired per detector: traffic log {logged}, answers {online_detector}")
    return problems


@dataclass(frozen=True)
class Line:
    """One line of the report table."""

    attack: str
    detector: str  # what fired first ("-" when nothing did)
    first: int | None  # queries until the first alarm
    fidelity: float | None  # extraction: the surrogate's fidelity at that moment
    requests: int
    alarmed: int  # requests on which any detector fired
    note: str = ""


def lines(runs: dict[str, Run]) -> list[Line]:
    out = []
    for name, run in runs.items():
        if name == "quota":
            statuses = [r.status for r in run.replies]
            refused = next((i for i, s in enumerate(statuses, 1) if s == 429), None)
            out.append(Line(name, "quota (E713)", refused, None, len(statuses),
                            statuses.count(429), f"daily_quota={run.detail['quota']}"))  # fmt: skip
            continue
        first = first_alarm(run.replies)
        which = ", ".join(run.replies[first - 1].fired) if first else "-"
        by = first_by_detector(run.replies)
        note = "; ".join(f"{k} first at {v}" for k, v in sorted(by.items(), key=lambda i: i[1]))
        if name.startswith("pgd-batch"):
            d = run.detail
            note = f"{d['evaded']} of {d['rows']} rows evaded (eps {d['eps']}); " + note
        if name == "drift":
            note = f"window {run.detail['window']}; " + note
        fid = run.detail.get("fidelity_at_alarm")
        if name.startswith("extraction"):
            note = f"pool {run.detail['pool_rows']} real rows first; fidelity at end " + (
                f"{run.detail['fidelity_at_end']:.3f}; " + note
            )
        out.append(Line(name, which, first, fid, len(run.replies), run.alarmed, note))
    return out
