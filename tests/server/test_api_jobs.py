"""Background scans through the API on both databases: a real scan of a real model file
under the scan root, polled until done, its run and findings stored; paths outside the
root (directly or through a symbolic link) are refused and make no job."""

from __future__ import annotations

import time

from api_core_data import audit_actions, error_of, trapped_model

POLLS = 600  # at 0.1 s apart: a minute at most


def _wait(client, headers, job_id: str) -> dict:
    for _ in range(POLLS):
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_a_scan_job_records_its_run_and_findings(client, accounts, server_store, tmp_path):
    eng = accounts["ml-engineer"].headers
    model = trapped_model(tmp_path)
    client.post("/api/v1/assets/systems", json={"name": "scorer"}, headers=eng)
    made = client.post(
        "/api/v1/jobs/scan", json={"paths": [model.name], "system": "scorer"}, headers=eng
    )
    assert made.status_code == 202, made.text
    job = made.json()
    assert job["kind"] == "scan" and job["created_by"] == "ml_engineer"
    assert job["params"]["paths"] == [str(model.resolve())]

    finished = _wait(client, eng, job["id"])
    assert finished["status"] == "done", finished
    assert finished["exit_code"] == 1 and finished["error"] is None
    run = client.get(f"/api/v1/runs/{finished['run_id']}", headers=eng).json()
    assert run["targets"] and run["finding_count"] >= 1
    findings = client.get(f"/api/v1/runs/{run['id']}/findings", headers=eng).json()
    assert findings["total"] == run["finding_count"]
    assert findings["items"][0]["severity"] == "critical"
    linked = client.get("/api/v1/runs", params={"system": "scorer"}, headers=eng).json()
    assert [r["id"] for r in linked["items"]] == [run["id"]]

    listed = client.get("/api/v1/jobs", params={"status": "done", "kind": "scan"}, headers=eng)
    assert [j["id"] for j in listed.json()["items"]] == [job["id"]]
    assert client.get("/api/v1/jobs", params={"kind": "test"}, headers=eng).json()["total"] == 0
    assert ("ml_engineer", "job.created") in audit_actions(server_store, "job")


def test_paths_outside_the_scan_root_make_no_job(client, accounts, tmp_path_factory, tmp_path):
    eng = accounts["security-engineer"].headers
    outside = trapped_model(tmp_path_factory.mktemp("elsewhere"))
    (tmp_path / "escape.joblib").symlink_to(outside)
    for paths in ([str(outside)], ["escape.joblib"], ["../" * 12 + "etc/passwd"]):
        refused = error_of(client.post("/api/v1/jobs/scan", json={"paths": paths},
                                       headers=eng), 409)  # fmt: skip
        assert "outside" in refused["message"]
    plan = {"plan": str(outside)}
    error_of(client.post("/api/v1/jobs/test", json=plan, headers=eng), 409)
    error_of(client.post("/api/v1/jobs/scan", json={"paths": []}, headers=eng), 422)
    error_of(client.post("/api/v1/jobs/scan", json={"paths": ["x"], "system": "nope"},
                         headers=eng), 404)  # fmt: skip
    error_of(client.post("/api/v1/jobs/scan", json={"paths": ["x"]},
                         headers=accounts["auditor"].headers), 403)  # fmt: skip
    assert client.get("/api/v1/jobs", headers=eng).json()["total"] == 0
    error_of(client.get("/api/v1/jobs/no-such-job", headers=eng), 404)
