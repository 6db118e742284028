"""Background jobs (revision 0008): their states and their pages, on both databases."""

from __future__ import annotations

import pytest

from aisec.core.errors import InvalidRecord, RecordNotFound, UsageError
from aisec.core.run import Run


def test_a_job_from_queued_to_done(store):
    job = store.jobs.create("scan", {"paths": ["models/"], "fail_on": "high"}, "alice")
    assert (job.kind, job.status, job.created_by) == ("scan", "queued", "alice")
    assert job.params == {"paths": ["models/"], "fail_on": "high"}
    assert job.started_at is None and job.finished_at is None and job.run_id is None
    running = store.jobs.start(job.id)
    assert running.status == "running" and running.started_at is not None
    run = Run("scan", ["models/"], "0.1.0", {})
    run.finish()
    store.runs.record(run)
    done = store.jobs.finish(job.id, run_id=run.id, exit_code=0)
    assert (done.status, done.run_id, done.exit_code, done.error) == ("done", run.id, 0, None)
    assert done.finished_at is not None
    assert store.jobs.get(job.id) == done
    assert store.jobs.get("no-such-job") is None


def test_a_failed_job(store):
    job = store.jobs.create("test", {}, "alice")
    store.jobs.start(job.id)
    failed = store.jobs.finish(job.id, exit_code=2, error="endpoint unreachable")
    assert (failed.status, failed.error, failed.exit_code) == ("failed", "endpoint unreachable", 2)


def test_a_job_can_fail_before_it_starts(store):
    job = store.jobs.create("scan", {}, "alice")
    assert store.jobs.finish(job.id, error="refused parameters").status == "failed"


def test_states_only_move_forward(store):
    job = store.jobs.create("scan", {}, "alice")
    store.jobs.start(job.id)
    with pytest.raises(InvalidRecord, match="running"):
        store.jobs.start(job.id)
    store.jobs.finish(job.id)
    with pytest.raises(InvalidRecord, match="done"):
        store.jobs.finish(job.id)
    with pytest.raises(InvalidRecord):
        store.jobs.start(job.id)
    with pytest.raises(RecordNotFound):
        store.jobs.start("no-such-job")


def test_refused_jobs(store):
    for call in (
        lambda: store.jobs.create("deploy", {}, "alice"),
        lambda: store.jobs.create("scan", ["not", "a", "mapping"], "alice"),
        lambda: store.jobs.create("scan", {}, ""),
    ):
        with pytest.raises(InvalidRecord):
            call()
    job = store.jobs.create("scan", {}, "alice")
    with pytest.raises(RecordNotFound):
        store.jobs.finish(job.id, run_id="00000000-0000-0000-0000-000000000000")
    assert store.jobs.get(job.id).status == "queued"


def test_pages_newest_first_with_filters(store):
    made = [store.jobs.create("scan" if i % 2 else "test", {"i": i}, "alice") for i in range(7)]
    store.jobs.start(made[0].id)
    items, total = store.jobs.page(offset=0, limit=3)
    assert total == 7 and [j.id for j in items] == [j.id for j in made[::-1][:3]]
    items, total = store.jobs.page(offset=6, limit=3)
    assert total == 7 and [j.id for j in items] == [made[0].id]
    assert store.jobs.page(offset=10, limit=3) == ([], 7)
    items, total = store.jobs.page(kind="scan", offset=0, limit=50)
    assert total == 3 and [j.params["i"] for j in items] == [5, 3, 1]
    items, total = store.jobs.page(status="running", offset=0, limit=50)
    assert total == 1 and items[0].id == made[0].id
    with pytest.raises(InvalidRecord):
        store.jobs.page(status="lost", offset=0, limit=1)
    with pytest.raises(UsageError):
        store.jobs.page(offset=-1, limit=1)
    with pytest.raises(UsageError):
        store.jobs.page(offset=0, limit=0)


def test_unfinished_jobs_fail_at_start(store):
    queued = store.jobs.create("scan", {}, "alice")
    running = store.jobs.create("scan", {}, "alice")
    store.jobs.start(running.id)
    done = store.jobs.create("scan", {}, "alice")
    store.jobs.finish(done.id)
    assert store.jobs.fail_unfinished("the server restarted") == 2
    for job in (queued, running):
        again = store.jobs.get(job.id)
        assert again.status == "failed" and again.error == "the server restarted"
        assert again.finished_at is not None
    assert store.jobs.get(done.id).status == "done"
    assert store.jobs.fail_unfinished("again") == 0
