"""``aisec govern report KIND``: each report gathered from a SQLite store in tmp_path and
rendered; the Annex IV PDF carries its nine section headings; errors exit 2."""

from __future__ import annotations

import io

import pytest

from aisec.cli.main import main
from aisec.governance.reports.annex_iv import SECTIONS

KINDS = ("annex-iv", "fria", "dpia", "model-card", "soa", "posture")


@pytest.fixture
def db(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(tmp_path / "audit.pem"))
    url = f"sqlite:///{tmp_path / 'gov.db'}"
    argv = ["inventory", "add", "system", "--name", "credit", "--database", url]
    assert main(argv) == 0
    records = [
        ["govern", "approve", "--system", "credit", "--scope", "deployment", "--decision",
         "approved", "--approver", "alice", "--justification", "tests passed"],
        ["govern", "evidence", "add", "--system", "credit", "--title", "AI policy", "--kind",
         "document", "--reference", "docs/policy.pdf", "--ref", "ISO42001:A.2.2",
         "--valid-until", "2099-12-31"],
        ["govern", "incident", "add", "--system", "credit", "--title", "wrong denials",
         "--category", "c", "--aware-at", "2026-11-27T10:00:00+01:00"],
    ]  # fmt: skip
    for record in records:
        assert main([*record, "--database", url]) == 0
    capsys.readouterr()
    return url


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_annex_iv_pdf_has_the_nine_sections(db, tmp_path):
    pytest.importorskip("reportlab")
    pytest.importorskip("pypdf")
    out = tmp_path / "annex-iv.pdf"
    argv = ["govern", "report", "annex-iv", "--system", "credit", "--format", "pdf",
            "--output", str(out), "--database", db]  # fmt: skip
    assert main(argv) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    # Extraction may break long headings across lines: compare with whitespace folded.
    text = " ".join(_pdf_text(data).split())
    for number, heading in SECTIONS:
        assert f"{number}. {heading}" in text, heading
    assert "alice" in text  # the approval stands in the human oversight part


@pytest.mark.parametrize("kind", KINDS)
def test_each_report_renders_as_html(db, tmp_path, kind):
    out = tmp_path / f"{kind}.html"
    argv = ["govern", "report", kind, "--system", "credit", "--output", str(out),
            "--database", db]  # fmt: skip
    assert main(argv) == 0
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "credit" in html


def test_soa_marks_evidenced_controls_and_posture_lists_the_incident(db, tmp_path):
    soa, posture = tmp_path / "soa.html", tmp_path / "posture.html"
    for kind, out in (("soa", soa), ("posture", posture)):
        argv = ["govern", "report", kind, "--system", "credit", "--output", str(out),
                "--database", db]  # fmt: skip
        assert main(argv) == 0
    assert "AI policy" in soa.read_text(encoding="utf-8")
    assert "wrong denials" in posture.read_text(encoding="utf-8")


def test_report_errors_exit_2(db, tmp_path, monkeypatch):
    out = tmp_path / "x.html"
    base = ["--output", str(out), "--database", db]
    assert main(["govern", "report", "annex-iv", "--system", "nope", *base]) == 2
    assert main(["govern", "report", "no-such-kind", "--system", "credit", *base]) == 2
    assert main(["govern", "report", "fria", "--system", "credit", "--format", "docx", *base]) == 2
    # Without the pdf extra the error says how to get it, and no file is left behind.
    import aisec.governance.reports.pdf as pdf

    def no_reportlab() -> dict[str, object]:
        raise pdf.ConfigError("PDF reports need reportlab", hint="pip install 'aisec[pdf]'")

    monkeypatch.setattr(pdf, "_reportlab", no_reportlab)
    target = tmp_path / "none.pdf"
    argv = ["govern", "report", "dpia", "--system", "credit", "--format", "pdf",
            "--output", str(target), "--database", db]  # fmt: skip
    assert main(argv) == 2
    assert not target.exists()
    assert not out.exists()
