"""``aisec govern classify``: from an answers file or asked in turn, printed, and kept in
the store as an assessment of the system."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from aisec.cli.govern_cmd import app
from aisec.cli.main import main
from aisec.governance.classify import next_questions


def _complete(**given: object) -> dict[str, object]:
    answers = dict(given)
    while pending := next_questions(answers):
        for q in pending:
            if q.kind == "one-of":
                answers[q.id] = q.choices[0].value
            else:
                answers[q.id] = {"yes-no": False, "many-of": [], "number": 0}[q.kind]
    return answers


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    return tmp_path


def test_credit_scoring_is_classified_and_recorded_for_the_system(workdir, capsys):
    answers = workdir / "answers.yaml"
    answers.write_text(
        yaml.safe_dump(_complete(subject="ai-system", annex_iii_use_cases=["AnnexIII.5(b)"]))
    )
    db = f"sqlite:///{workdir / 'gov.db'}"
    assert main(["inventory", "add", "system", "--name", "credit-scoring", "--database", db]) == 0
    capsys.readouterr()
    argv = ["govern", "classify", "--answers", str(answers), "--system", "credit-scoring",
            "--role", "provider", "--role", "deployer", "--as-of", "2026-11-28", "--json",
            "--database", db, "--assessor", "compliance-officer"]  # fmt: skip
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert "high-risk" in out["system_tiers"]
    assert out["assessment"]["system"] == "credit-scoring"
    from aisec.store import open_store

    with open_store(db) as store:
        stored = store.assessments.latest("credit-scoring", "eu-ai-act-classification")
    assert stored is not None and stored.assessor == "compliance-officer"
    assert stored.result["roles"] == ["deployer", "provider"]
    assert (
        any("AnnexIII.5(b)" in line or "5(b)" in line for line in stored.rationale)
        or stored.rationale
    )


def test_without_a_system_nothing_is_stored(workdir, capsys):
    answers = workdir / "answers.yaml"
    answers.write_text(yaml.safe_dump(_complete(subject="ai-system", interacts_with_people=True)))
    assert main(["govern", "classify", "--answers", str(answers), "--as-of", "2026-11-28"]) == 0
    out = capsys.readouterr().out
    assert "tiers: transparency" in out and "Art.50(1)" in out
    assert not (workdir / ".aisec").exists()


def test_bad_input_is_a_usage_error(workdir, capsys):
    answers = workdir / "a.yaml"
    answers.write_text("subject: ai-system\n")  # incomplete
    assert main(["govern", "classify", "--answers", str(answers)]) == 2
    assert main(["govern", "classify", "--answers", str(answers), "--role", "king"]) == 2
    assert main(["govern", "classify", "--answers", str(answers), "--as-of", "soon"]) == 2
    complete = workdir / "c.yaml"
    complete.write_text(yaml.safe_dump(_complete(subject="ai-system")))
    code = main(["govern", "classify", "--answers", str(complete), "--system", "nope",
                 "--database", f"sqlite:///{workdir / 'g.db'}"])  # fmt: skip
    assert code != 0 and "nope" in capsys.readouterr().err


def test_the_questionnaire_is_asked_in_turn_on_a_terminal(workdir):
    # A spam filter: a system, no prohibited practice, nothing from Annex I or III, no
    # interaction, no generated content. Enter accepts each default (no / none).
    runner = CliRunner()
    result = runner.invoke(app, ["classify", "--as-of", "2026-11-28"], input="1\n" + "\n" * 40)
    assert result.exit_code == 0, result.output
    assert "tiers: minimal" in result.output


def test_reported_dates_and_upcoming_bans_show_in_the_output(workdir, capsys):
    answers = workdir / "answers.yaml"
    given = {"subject": "ai-system", "practices": ["Art.5(1)(omnibus-ncii)"]}
    answers.write_text(yaml.safe_dump(_complete(**given, annex_iii_use_cases=["AnnexIII.4(a)"])))
    argv = ["govern", "classify", "--answers", str(answers), "--as-of", "2026-11-28"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    # A ban from 2 December 2026 does not yet make the system prohibited.
    assert "tiers: high-risk" in out and "PROHIBITED:" not in out
    assert "upcoming prohibition" in out and "PROHIBITED FROM A LATER DATE" in out
    assert "EU-AI-Act:Art.9  Risk management system  [applies from 2027-12-02" in out
    assert "days from now (reported)]" in out
    assert "[in force since 2025-02-02]" in out  # Art. 4: the date the Omnibus leaves alone
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["prohibited"] == []
    assert [d["ref"] for d in data["upcoming_prohibitions"]] == ["EU-AI-Act:Art.5(1)(omnibus-ncii)"]
