"""The gateway under real failures, with real processes and no mocks: the database cut
off in the middle of a run (requests go on, the traffic log spools and replays, and the
count check shows no entry lost or written twice), the model's server killed and started
again (the circuit breaker answers at once, then lets a trial through and closes), and two
gateway processes sharing one rate limit through Redis (with the memory backend as the
contrast that shows the Redis test can fail)."""

from __future__ import annotations

import math
import signal
import time
import uuid

import httpx
import pytest
from gateway_fault_tools import (
    REDIS_URL,
    TcpProxy,
    delete_keys,
    metric,
    postgres_database,
    postgres_url,
    redis_or_skip,
    wait_until,
)
from gateway_processes import (
    free_port,
    gateway_process,
    gateway_thread,
    kserve_body,
    model_server,
    start_model_server,
    stop,
    write_config,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
MODEL = "tumour"
INFER = f"/v2/models/{MODEL}/infer"


@pytest.fixture(scope="module")
def upstream():
    with model_server() as url:
        yield url


@pytest.fixture(scope="module")
def rows():
    from aisec.demo.model_server import trained

    _, _, x_test = trained("breast_cancer")
    return x_test


def _model(upstream: str, **extra: object) -> dict[str, object]:
    return {"name": MODEL, "protocol": "kserve-v2", "upstream": upstream,
            "upstream_model": "breast_cancer", **extra}  # fmt: skip


def _error_code(answer: httpx.Response) -> str:
    return str(answer.json()["error"]["code"])


# -- the database stopped in the middle of a run ----------------------------------------


def _through_an_outage(gateway, proxy, client, body, spool_file) -> dict[str, object]:
    """Requests before, during and after the database is cut off; what the test saw."""
    log = gateway.log
    statuses: dict[str, list[int]] = {}

    def send(phase: str, n: int) -> None:
        statuses[phase] = [client.post(INFER, json=body).status_code for _ in range(n)]

    send("before", 15)
    assert log.flush(60)
    assert wait_until(lambda: log.counters().written == 15)
    loaded_at = gateway.keyring.loaded_at

    aborted = proxy.cut()
    assert aborted > 0  # the store's pooled connections were open: now reset
    # The key ring cannot reload; it keeps serving its snapshot to valid keys.
    assert gateway.keyring.refresh() is False
    assert gateway.keyring.loaded_at == loaded_at
    send("during", 30)
    assert log.flush(60)
    during = log.counters()
    assert during.spooling and during.spooled > 0 and during.lost == 0
    assert spool_file.exists() and spool_file.stat().st_size > 0
    assert gateway.keyring.refresh() is False

    proxy.restore()
    send("after", 15)

    def replayed() -> bool:
        c = log.counters()
        return not c.spooling and c.pending == 0 and c.replayed > 0

    assert wait_until(replayed, timeout=90)
    assert not spool_file.exists()
    assert gateway.keyring.refresh() is True  # the database answers again
    scraped = client.get("/metrics").text
    assert metric(scraped, "aisec_gateway_audit_entries", state="spooled") > 0
    return {"statuses": statuses, "aborted": aborted,
            "answered": metric(scraped, "aisec_gateway_requests_total")}  # fmt: skip


def test_a_database_outage_mid_run_is_spooled_replayed_and_loses_nothing(tmp_path, upstream, rows):
    from sqlalchemy import func, select
    from sqlalchemy.engine import make_url

    from aisec.core.settings import Settings
    from aisec.governance.audit.keys import load_or_create_signing_key
    from aisec.runtime.assemble import build_gateway
    from aisec.runtime.audit import verify_stream
    from aisec.runtime.config import load_config
    from aisec.store import open_store
    from aisec.store.models import GatewayEntry

    stream = "faults-pg"
    signing = load_or_create_signing_key(tmp_path / "audit-key.pem")
    settings = Settings(audit_key=str(tmp_path / "audit-key.pem"))
    config = load_config(write_config(tmp_path, {
        "instance": stream,
        "models": [_model(upstream)],
        "audit": {"spool_dir": str(tmp_path / "spool"), "checkpoint_every": 10},
    }))  # fmt: skip
    spool_file = config.audit.spool_dir / f"{stream}.spool"

    with postgres_database() as (_, name):
        direct = postgres_url(name)
        with open_store(direct) as store:
            _, secret = store.gateway_keys.create(
                "clinic", models=[MODEL], routes=["predict", "metrics"], actor="fault-test"
            )
        target = make_url(direct)
        # The gateway reaches PostgreSQL only through the proxy, which the test cuts.
        with (
            TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy,
            open_store(postgres_url(name, proxy.port)) as through_proxy,
        ):
            gateway = build_gateway(config, through_proxy, settings)
            assert gateway.log is not None
            headers = {"authorization": f"Bearer {secret}"}
            with (
                gateway_thread(gateway) as url,
                httpx.Client(base_url=url, headers=headers, timeout=30) as client,
            ):
                seen = _through_an_outage(gateway, proxy, client, kserve_body(rows[:2]),
                                          spool_file)  # fmt: skip
            counters = gateway.log.counters()  # stopped: its last checkpoint is written
        with open_store(direct) as store, store.engine.connect() as connection:
            where = GatewayEntry.stream == stream
            count, distinct = connection.execute(
                select(func.count(), func.count(func.distinct(GatewayEntry.seq))).where(where)
            ).one()
            seqs = sorted(connection.scalars(select(GatewayEntry.seq).where(where)))
            report = verify_stream(store, stream, signing.public)

    statuses = seen["statuses"]
    assert statuses == {"before": [200] * 15, "during": [200] * 30, "after": [200] * 15}
    sent = 60
    assert counters.recorded == seen["answered"] == sent
    assert counters.lost == 0 and counters.refused == 0 and counters.spool_problems == ()
    assert counters.written + counters.spooled == sent
    assert counters.replayed + counters.skipped == counters.spooled
    assert count == distinct == sent  # none lost, none twice
    assert seqs == list(range(1, sent + 1))
    assert report.ok, report.problems
    assert (report.tree_size, report.verified_size, report.unsigned_tail) == (sent, sent, 0)
    print(f"\ndatabase outage: {len(statuses['during'])} requests answered during it, "
          f"{seen['aborted']} connections cut, {counters.written} written directly, "
          f"{counters.spooled} spooled, {counters.replayed} replayed, {counters.skipped} "
          f"skipped; {count} entries for {sent} requests")  # fmt: skip


# -- the model's server killed and started again ---------------------------------------


def test_a_killed_upstream_opens_the_breaker_which_closes_once_it_is_back(tmp_path, rows):
    port = free_port()
    server = start_model_server(port)
    env = {"AISEC_DATABASE_URL": f"sqlite:///{tmp_path / 'aisec.db'}",
           "AISEC_AUDIT_KEY": str(tmp_path / "audit-key.pem")}  # fmt: skip
    breaker = {"failures": 3, "reset_seconds": 1, "retries": 1}
    config = write_config(tmp_path, {
        "allow_anonymous": True,  # the breaker is the subject here, not the keys
        "models": [_model(f"http://127.0.0.1:{port}", breaker=breaker)],
    })  # fmt: skip
    body = kserve_body(rows[:1])
    try:
        with (
            gateway_process(config, env, tmp_path) as (url, _),
            httpx.Client(base_url=url, timeout=60) as client,
        ):

            def post() -> tuple[httpx.Response, float]:
                started = time.perf_counter()
                answer = client.post(INFER, json=body)
                return answer, time.perf_counter() - started

            def state() -> float:
                return metric(client.get("/metrics").text, "aisec_gateway_breaker_state",
                              model=MODEL)  # fmt: skip

            assert post()[0].status_code == 200
            assert state() == 0
            stop(server, signal.SIGKILL)

            answers = [post() for _ in range(3)]
            assert [a.status_code for a, _ in answers] == [502] * 3
            assert {_error_code(a) for a, _ in answers} == {"AISEC-E714"}
            # Once open, the breaker answers without trying the server. Whenever the
            # machine is slow enough that reset_seconds pass between two requests, the
            # next is a trial, which fails (502) and opens the breaker again.
            fast: list[tuple[httpx.Response, float]] = []
            for _ in range(20):
                answer, seconds = post()
                if answer.status_code == 503:
                    fast.append((answer, seconds))
                    if len(fast) == 5:
                        break
                else:
                    assert answer.status_code == 502
                    assert _error_code(answer) == "AISEC-E714"
            assert len(fast) == 5
            for answer, _ in fast:
                assert _error_code(answer) == "AISEC-E714"
                assert "circuit breaker" in answer.json()["error"]["message"]
                assert int(answer.headers["retry-after"]) >= 1
            assert state() == 2

            server = start_model_server(port)
            recovery: list[int] = []

            def through() -> bool:
                recovery.append(post()[0].status_code)
                return recovery[-1] == 200

            assert wait_until(through, timeout=60, step=0.2)
            assert set(recovery) <= {200, 502, 503}
            assert [post()[0].status_code for _ in range(5)] == [200] * 5
            assert state() == 0
    finally:
        stop(server)
    slow = [round(s * 1000, 1) for _, s in answers]
    quick = [round(s * 1000, 1) for _, s in fast]
    print(f"\nbreaker: 502 in {slow} ms before it opened, 503 in {quick} ms once open; "
          f"{len(recovery)} requests until the first 200 after the restart "
          f"({recovery})")  # fmt: skip


# -- two gateway processes sharing one rate limit ---------------------------------------

RATE, BURST, ATTEMPTS = 0.5, 10, 40


def _race(tmp_path, upstream, rows, rate_limits: dict[str, object], made: list[str]) -> dict:
    """Two ``aisec gateway serve`` processes, one key (its id put in ``made`` at once, for
    the caller's cleanup), 40 requests alternating between them as fast as one client can
    send them. Returns the tally."""
    from aisec.governance.audit.keys import load_or_create_signing_key
    from aisec.store import open_store

    database = f"sqlite:///{tmp_path / 'aisec.db'}"
    load_or_create_signing_key(tmp_path / "audit-key.pem")  # made once, not raced for
    env = {"AISEC_DATABASE_URL": database, "AISEC_AUDIT_KEY": str(tmp_path / "audit-key.pem")}
    with open_store(database) as store:
        record, secret = store.gateway_keys.create(
            f"racer-{uuid.uuid4().hex[:8]}", models=[MODEL], rate=RATE, burst=BURST,
            actor="fault-test",
        )  # fmt: skip
    made.append(record.id)
    configs = []
    for instance in ("gw-a", "gw-b"):  # one traffic log stream per process
        home = tmp_path / instance
        home.mkdir()
        configs.append(write_config(home, {"instance": instance, "rate_limits": rate_limits,
                                           "models": [_model(upstream)]}))  # fmt: skip
    headers = {"authorization": f"Bearer {secret}"}
    body = kserve_body(rows[:1])
    with (
        gateway_process(configs[0], env, tmp_path) as (url_a, _),
        gateway_process(configs[1], env, tmp_path) as (url_b, _),
        httpx.Client(base_url=url_a, headers=headers, timeout=30) as a,
        httpx.Client(base_url=url_b, headers=headers, timeout=30) as b,
    ):
        for client in (a, b):  # connections made before the race, not during it
            assert client.get("/healthz").status_code == 200
        started = time.monotonic()
        answers = [(a, b)[i % 2].post(INFER, json=body) for i in range(ATTEMPTS)]
        elapsed = time.monotonic() - started
    allowed = [i for i, answer in enumerate(answers) if answer.status_code == 200]
    refused = [answer for answer in answers if answer.status_code != 200]
    tally = {
        "allowed": len(allowed),
        "by_gateway": (sum(i % 2 == 0 for i in allowed), sum(i % 2 == 1 for i in allowed)),
        "refused": refused,
        "elapsed": elapsed,
        # Refill over the whole race, rounded up, plus one token for the Redis server's
        # clock and ours not starting the race at the same instant.
        "bound": BURST + math.ceil(elapsed * RATE) + 1,
    }
    return tally


def _check_refusals(refused: list[httpx.Response]) -> None:
    for answer in refused:
        assert answer.status_code == 429
        assert _error_code(answer) == "AISEC-E713"
        assert int(answer.headers["retry-after"]) >= 1


def test_two_gateway_processes_sharing_redis_enforce_one_rate_limit(tmp_path, upstream, rows):
    redis = redis_or_skip()
    made: list[str] = []
    try:
        tally = _race(tmp_path, upstream, rows, {"backend": "redis", "redis_url": REDIS_URL},
                      made)  # fmt: skip
        assert redis.exists(f"aisec:gw:rl:rate:{made[0]}")  # the bucket both took from
    finally:
        for key_id in made:
            delete_keys(redis, f"aisec:gw:*{key_id}*")
        redis.close()
    assert BURST <= tally["allowed"] <= tally["bound"], tally
    assert min(tally["by_gateway"]) > 0  # both processes served from the one bucket
    assert len(tally["refused"]) == ATTEMPTS - tally["allowed"]
    _check_refusals(tally["refused"])
    print(f"\nredis: {tally['allowed']} of {ATTEMPTS} allowed {tally['by_gateway']} in "
          f"{tally['elapsed']:.2f} s (bound {tally['bound']})")  # fmt: skip


def test_with_the_memory_backend_each_process_has_a_bucket_of_its_own(tmp_path, upstream, rows):
    """The contrast: the same race with per-process buckets lets 2 x burst through, above
    the bound the Redis test holds the gateways to, so that test can fail."""
    tally = _race(tmp_path, upstream, rows, {"backend": "memory"}, [])
    assert tally["allowed"] >= 2 * BURST
    assert tally["allowed"] > tally["bound"]
    assert min(tally["by_gateway"]) >= BURST
    _check_refusals(tally["refused"])
    print(f"\nmemory: {tally['allowed']} of {ATTEMPTS} allowed {tally['by_gateway']} in "
          f"{tally['elapsed']:.2f} s (the Redis bound would be {tally['bound']})")  # fmt: skip
