"""The dataset phase of a scan: findings, row numbers, partitions, executors."""

import csv
import io
import json

import pytest

from aisec.core.registry import default_registry
from aisec.core.run import ArtefactStatus
from aisec.data.dataset_scan import dataset_format, scan_datasets

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

# A Slack bot token's shape (no checksum in the format); random-looking, since runs of
# counting-up characters mark placeholders.
TOKEN = "xoxb-" + "5820394716" + "-" + "7305918246" + "-" + "Qm7Rk2Vx9Lp4Tz8Wn3Hc6Jd1"


def _people(n):
    first = ["Maria", "John", "Luca", "Anna", "Pieter", "Claire", "Jorge", "Sofia"]
    last = ["Schmidt", "Smith", "Rossi", "Novak", "de Vries", "Martin", "Garcia", "Bianchi"]
    rows = []
    for i in range(n):
        f, s = first[i % 8], last[(i * 3) % 8]
        note = "no comment"
        if i % 50 == 7:
            note = f"customer asked to call back; mail {f.lower()}.{i}@example.net"
        if i % 100 == 42:
            note = f"pasted credentials by mistake: {TOKEN}"
        rows.append(
            {
                "id": str(i),
                "name": f"{f} {s}",
                "email": f"{f.lower()}.{s.lower().replace(' ', '')}{i}@mail.example.org",
                "amount": f"{(i * 37) % 1000}.{i % 100:02d}",
                "notes": note,
            }
        )
    return rows


def _write_csv(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _scan(files, **options):
    return scan_datasets(files, default_registry().enabled(), **options)


def _summary(result):
    return sorted(
        (f.check_id, f.location.row, f.location.column, f.evidence.get("entity", ""))
        for f in result.findings
    )


def test_columns_are_reported_once_and_free_text_per_occurrence(tmp_path):
    rows = _people(300)
    path = tmp_path / "people.csv"
    _write_csv(path, rows)
    assert dataset_format(str(path)) == "csv"
    result = _scan([(str(path), "people.csv", "csv")])
    columns = {(f.location.column, f.evidence["entity"]) for f in result.findings
               if f.check_id == "data.pii.column"}  # fmt: skip
    assert ("email", "EMAIL_ADDRESS") in columns and ("name", "PERSON") in columns
    assert not any(c in ("id", "amount") for c, _ in columns)
    values = [f for f in result.findings if f.check_id == "data.pii.value"]
    expected_rows = {i + 1 for i in range(300) if i % 50 == 7}
    assert {f.location.row for f in values if f.evidence["entity"] == "EMAIL_ADDRESS"} == (
        expected_rows
    )
    assert all(f.location.column == "notes" for f in values)
    secrets = [f for f in result.findings if f.check_id == "data.secret.exposed"]
    assert sorted(f.location.row for f in secrets) == [43, 143, 243]
    assert all(TOKEN not in json.dumps(f.evidence) + f.message for f in result.findings)
    assert {"data.pii.column", "data.pii.value", "data.secret.exposed"} <= result.applied
    assert result.artefacts[0].status is ArtefactStatus.ANALYSED


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_partitioned_file_gives_the_same_findings_as_a_whole_one(tmp_path, fmt):
    rows = _people(3000)
    path = tmp_path / f"people.{fmt}"
    if fmt == "csv":
        _write_csv(path, rows)
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:
        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=250)
    files = [(str(path), path.name, fmt)]
    whole = _scan(files, partition_bytes=1 << 30)
    split = _scan(files, partition_bytes=64 * 1024, workers=2)
    assert _summary(split) == _summary(whole)
    assert len([f for f in whole.findings if f.check_id == "data.secret.exposed"]) == 30


def test_the_cap_lists_the_first_occurrences_and_counts_the_rest(tmp_path):
    path = tmp_path / "mails.txt"
    path.write_text("".join(f"write to someone{i}@example.com today\n" for i in range(40)))
    result = _scan([(str(path), "mails.txt", "text")], max_listed=10)
    values = [f for f in result.findings if f.check_id == "data.pii.value"]
    assert [f.location.row for f in values] == list(range(1, 11))
    assert values[-1].evidence["not_listed"] == 30
    assert all(f.location.column is None for f in values)


def test_a_broken_dataset_is_reported_and_marked_incomplete(tmp_path):
    path = tmp_path / "broken.parquet"
    buffer = io.BytesIO()
    pq.write_table(pa.table({"email": ["a@example.com"] * 10}), buffer)
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) // 2] + data[-8:])  # footer magic kept, body cut
    result = _scan([(str(path), "broken.parquet", "parquet")])
    (problem,) = [f for f in result.findings if f.check_id == "data.dataset.unreadable"]
    assert problem.message.startswith("parquet not read in full")
    assert result.artefacts[0].status is ArtefactStatus.INCOMPLETE


def test_a_csv_cut_inside_a_stray_quote_is_scanned_again_whole(tmp_path):
    # A quote inside an unquoted field makes the planner believe later newlines are
    # inside a quoted field; the partitions then fail and the file is read whole.
    lines = ["id,notes"] + [f'{i},size 5" screen' if i == 3 else f"{i},write to x{i}@example.com"
                            for i in range(4000)]  # fmt: skip
    path = tmp_path / "odd.csv"
    path.write_text("\n".join(lines) + "\n")
    whole = _scan([(str(path), "odd.csv", "csv")])
    split = _scan([(str(path), "odd.csv", "csv")], partition_bytes=64 * 1024)
    assert _summary(split) == _summary(whole)


@pytest.mark.slow
def test_the_same_scan_runs_on_dask_distributed(tmp_path):
    rows = _people(3000)
    path = tmp_path / "people.csv"
    _write_csv(path, rows)
    files = [(str(path), "people.csv", "csv")]
    local = _scan(files, partition_bytes=64 * 1024)
    on_dask = _scan(files, partition_bytes=64 * 1024, workers=2, executor="dask")
    assert _summary(on_dask) == _summary(local)
    assert len(_summary(local)) > 30


def test_stray_matches_in_structured_columns_are_listed_only_when_sure(tmp_path):
    # "ref" holds order codes; one row carries a Luhn-valid card number with its context
    # word (sure), and a few rows digit runs that a phone pattern might take (not sure).
    rows = [{"ref": f"ORD-{i:06d}", "qty": str(i % 7)} for i in range(200)]
    rows[10]["ref"] = "card 4539 1488 0343 6467"
    for i in (20, 30, 40):
        rows[i]["ref"] = f"0{i}1234567"
    path = tmp_path / "orders.csv"
    _write_csv(path, rows)
    result = _scan([(str(path), "orders.csv", "csv")])
    listed = [(f.location.row, f.evidence["entity"]) for f in result.findings
              if f.check_id == "data.pii.value"]  # fmt: skip
    assert listed == [(11, "CREDIT_CARD")]
    assert not any(f.check_id == "data.pii.column" for f in result.findings)


def _pem_body(seed):
    import base64
    import random

    raw = random.Random(seed).randbytes(900)
    text = base64.b64encode(raw).decode()
    return "\n".join(text[i : i + 64] for i in range(0, len(text), 64))


def test_a_private_key_over_many_lines_of_a_text_file_is_found_where_it_starts(tmp_path):
    path = tmp_path / "notes.txt"
    block = f"-----BEGIN RSA PRIVATE KEY-----\n{_pem_body(3)}\n-----END RSA PRIVATE KEY-----"
    path.write_text(f"deploy notes\nkey follows:\n{block}\nend\n")
    result = _scan([(str(path), "notes.txt", "text")])
    (secret,) = [f for f in result.findings if f.check_id == "data.secret.exposed"]
    assert secret.location.row == 3 and secret.location.column is None
    assert secret.severity.label == "critical"
    shown = json.dumps(secret.evidence) + secret.message
    assert not any(line in shown for line in _pem_body(3).splitlines())


def test_the_listed_occurrences_are_the_first_in_row_order_however_partitioned(tmp_path):
    rows = [{"a": f"note: mail someone{i}@example.com",
             "b": f"please forward it to other{i}@example.com when possible"}
            for i in range(3000)]  # fmt: skip
    path = tmp_path / "two.csv"
    _write_csv(path, rows)
    files = [(str(path), "two.csv", "csv")]
    whole = _scan(files, max_listed=100)
    split = _scan(files, max_listed=100, partition_bytes=64 * 1024)
    assert _summary(split) == _summary(whole)
    listed = [(f.location.row, f.location.column) for f in whole.findings
              if f.check_id == "data.pii.value"]  # fmt: skip
    assert listed == [(r, c) for r in range(1, 51) for c in ("a", "b")]
    assert next(f for f in whole.findings if f.location.row == 50 and f.location.column == "b"
                ).evidence["not_listed"] == 5900  # fmt: skip


def test_too_many_distinct_columns_stop_the_file_with_a_reason(tmp_path):
    from aisec.data.partition_scan import PartitionScanner
    from aisec.data.partitions import Partition

    path = tmp_path / "wide.jsonl"
    path.write_text("".join(json.dumps({f"k{i}_{j}": "x" for j in range(30)}) + "\n"
                            for i in range(20)))  # fmt: skip
    result = PartitionScanner(max_columns=100)(Partition(str(path), "wide.jsonl", "jsonl", 0))
    assert result.problem == "more than 100 distinct columns"


def test_a_time_limit_stops_the_file_with_a_reason(tmp_path):
    from aisec.data.partition_scan import PartitionScanner
    from aisec.data.partitions import Partition

    path = tmp_path / "long.txt"
    path.write_text("".join(f"line {i} with mail x{i}@example.com\n" for i in range(30_000)))
    scanner = PartitionScanner(timeout_seconds=0, chunk_rows=1000)
    result = scanner(Partition(str(path), "long.txt", "text", 0))
    assert result.problem.startswith("stopped after 0 s (timeout_seconds) at row ")
    assert 0 < result.rows < 30_000


def test_a_record_that_does_not_parse_is_still_read_for_secrets(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text(f"id,note\n1,hello\n2,my key is {TOKEN}, please rotate\n3,bye\n")
    result = _scan([(str(path), "ragged.csv", "csv")])
    (secret,) = [f for f in result.findings if f.check_id == "data.secret.exposed"]
    assert secret.location.row == 2 and secret.location.column is None
    assert any(f.check_id == "data.dataset.unreadable" for f in result.findings)
    assert TOKEN not in json.dumps([f.evidence for f in result.findings])


def test_column_names_that_are_personal_data_or_secrets_are_not_shown(tmp_path):
    path = tmp_path / "keys.jsonl"
    rows = [{"users": {f"jane.doe{i}@corp-example.com": {"note": f"token {TOKEN}"}}}
            for i in range(3)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = _scan([(str(path), "keys.jsonl", "jsonl")])
    secrets = [f for f in result.findings if f.check_id == "data.secret.exposed"]
    assert len(secrets) == 3
    shown = json.dumps([f.location.to_dict() for f in result.findings])
    assert "corp-example" not in shown and "jane" not in shown
    assert all(f.location.column.startswith("column#") for f in secrets)


def test_a_word_in_the_neighbouring_value_is_no_context(tmp_path):
    # Even rows end with "phone"; the bare number starting each odd row must not borrow it.
    rows = []
    for i in range(100):
        text = (
            "please call back later, the customer asked us for a phone"
            if i % 2 == 0
            else f"{2025550100 + i} was the order reference, nothing else to add here"
        )
        rows.append({"note": text})  # fmt: skip
    path = tmp_path / "ctx.csv"
    _write_csv(path, rows)
    result = _scan([(str(path), "ctx.csv", "csv")])
    assert not [f for f in result.findings if f.check_id.startswith("data.pii")]
