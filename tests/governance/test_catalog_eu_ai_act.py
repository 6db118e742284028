"""The EU AI Act catalogue: structure, counts, dates, and the refs checks already use."""

import datetime as dt
import re
from collections import Counter

import pytest

from aisec.governance.catalogs import load_catalogue, resolve

# From aisec.core.check: the form every framework ref must have.
REF = re.compile(
    r"^(AML\.[A-Z]{1,2}\d{4}(\.\d{3})?|ML\d\d:2023|LLM\d\d:20\d\d|EU-AI-Act:.+|NIST-AI-RMF:.+"
    r"|ISO42001:.+|CWE-\d+|CVE-\d{4}-\d+|GHSA(-[a-z0-9]{4}){3}|GDPR:.+)$"
)
TIERS = {"prohibited", "high-risk", "transparency", "minimal", "gpai", "gpai-systemic-risk"}
ROLES = {
    "provider",
    "deployer",
    "importer",
    "distributor",
    "authorised-representative",
    "product-manufacturer",
}
OBLIGATION_ARTICLES = [
    "Art.9", "Art.10", "Art.11", "Art.12", "Art.13", "Art.14", "Art.15", "Art.16", "Art.17",
    "Art.26", "Art.27", "Art.49", "Art.50", "Art.53", "Art.55", "Art.72", "Art.73",
]  # fmt: skip


@pytest.fixture(scope="module")
def act():
    return load_catalogue("eu-ai-act")


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def test_metadata(act):
    assert act.id == "eu-ai-act"
    assert act.ref_prefix == "EU-AI-Act:"
    assert act.retrieved == dt.date(2026, 11, 28)
    assert act.source.startswith("https://eur-lex.europa.eu/")
    assert "2011/833/EU" in act.licence


def test_every_ref_has_the_framework_form(act):
    for item in act:
        assert REF.match(act.ref(item)), act.ref(item)


@pytest.mark.parametrize("ref", ["EU-AI-Act:Art.10", "EU-AI-Act:Art.13", "EU-AI-Act:Art.15"])
def test_refs_used_by_checks_resolve(ref):
    found = resolve(ref)
    assert found is not None, ref
    catalogue, item = found
    assert catalogue.id == "eu-ai-act"
    assert item.kind == "obligation"
    assert item.title


def test_tiers_and_roles(act):
    assert {i.id for i in act.of_kind("tier")} == TIERS
    assert {i.id for i in act.of_kind("role")} == ROLES
    for tier in act.of_kind("tier"):
        assert act.get(tier.attributes["founded_by"]) is not None, tier.id


def test_parents_exist_and_kinds_nest(act):
    allowed = {
        "prohibited-practice": {"paragraph"},
        "derogation": {"paragraph"},
        "area": {"annex"},
        "use-case": {"area"},
    }
    for item in act:
        assert item.title or item.summary, item.id
        if item.parent is None:
            continue
        parent = act.get(item.parent)
        assert parent is not None
        assert parent.id != item.id
        if item.kind in allowed:
            assert parent.kind in allowed[item.kind], item.id
        # A sub-item's id extends its parent's (Art.15(5) under Art.15), except dates under Art.113.
        if item.kind != "date" or parent.kind == "date":
            assert item.id.startswith(parent.id), item.id


def test_no_parent_cycles(act):
    for item in act:
        seen, current = set(), item
        while current.parent is not None:
            assert current.id not in seen, item.id
            seen.add(current.id)
            current = act.get(current.parent)


def test_eight_prohibited_practices_plus_one_reported(act):
    practices = act.of_kind("prohibited-practice")
    original = [p for p in practices if "status" not in p.attributes]
    reported = [p for p in practices if p.attributes.get("status") == "reported"]
    assert [p.id for p in original] == [f"Art.5(1)({c})" for c in "abcdefgh"]
    assert len(reported) == 1
    (new,) = reported
    assert new.parent == "Art.5(1)"
    assert new.attributes["application_date"] == "2026-12-02"
    assert new.attributes["applies_from"] == ["Date.2026-12-02"]


def test_article_6_and_its_derogation(act):
    for paragraph in ("Art.6(1)", "Art.6(2)", "Art.6(3)", "Art.6(4)"):
        assert act.get(paragraph).parent == "Art.6"
    derogations = act.of_kind("derogation")
    assert [d.id for d in derogations] == [f"Art.6(3)({c})" for c in "abcd"]
    assert all(d.parent == "Art.6(3)" for d in derogations)
    assert act.get("Art.6(3)").attributes["profiling_exception"] is True


def test_annex_iii_areas_and_use_cases(act):
    assert {a.id for a in act.of_kind("annex")} == {"AnnexI", "AnnexIII"}
    areas = act.of_kind("area")
    assert [a.id for a in areas] == [f"AnnexIII.{n}" for n in range(1, 9)]
    use_cases = act.of_kind("use-case")
    assert len(use_cases) == 25
    per_area = Counter(u.parent for u in use_cases)
    expected = {1: 3, 2: 1, 3: 4, 4: 2, 5: 4, 6: 5, 7: 4, 8: 2}
    assert per_area == {f"AnnexIII.{n}": count for n, count in expected.items()}
    for use_case in use_cases:
        letters = "abcde"[: expected[int(use_case.parent.split(".")[1])]]
        assert re.fullmatch(rf"{re.escape(use_case.parent)}\([{letters}]\)", use_case.id)
    credit = act.get("AnnexIII.5(b)")
    assert "fraud" in credit.attributes["exemption"]


@pytest.mark.parametrize("article", [*OBLIGATION_ARTICLES, "Art.4", "Art.86", "Art.99"])
def test_article_present(act, article):
    item = act.get(article)
    assert item is not None, article
    assert item.title


def test_obligations_name_roles_tiers_and_dates(act):
    obligations = act.of_kind("obligation")
    assert {o.id for o in obligations} >= set(OBLIGATION_ARTICLES)
    dates = {d.id for d in act.of_kind("date")}
    for obligation in obligations:
        attrs = obligation.attributes
        assert attrs["roles"], obligation.id
        assert set(attrs["roles"]) <= ROLES, obligation.id
        assert attrs["applies_to"], obligation.id
        assert set(attrs["applies_to"]) <= TIERS, obligation.id
        assert attrs["applies_from"], obligation.id
        assert set(attrs["applies_from"]) <= dates, obligation.id
    every_applies_from = [
        key for item in act for key in item.attributes.get("applies_from", []) if key
    ]
    assert set(every_applies_from) <= dates


def test_article_50_paragraphs(act):
    paragraphs = [i for i in act.of_kind("obligation") if i.parent == "Art.50"]
    assert [p.id for p in paragraphs] == [f"Art.50({n})" for n in range(1, 5)]
    assert act.get("Art.50(1)").attributes["roles"] == ["provider"]
    assert act.get("Art.50(2)").attributes["roles"] == ["provider"]
    assert act.get("Art.50(3)").attributes["roles"] == ["deployer"]
    assert act.get("Art.50(4)").attributes["roles"] == ["deployer"]
    assert "Date.2026-08-02.Art50(2)" in act.get("Art.50(2)").attributes["applies_from"]


def test_four_plus_four_gpai_obligations(act):
    general = [i for i in act.of_kind("obligation") if i.parent == "Art.53(1)"]
    systemic = [i for i in act.of_kind("obligation") if i.parent == "Art.55(1)"]
    assert [i.id for i in general] == [f"Art.53(1)({c})" for c in "abcd"]
    assert [i.id for i in systemic] == [f"Art.55(1)({c})" for c in "abcd"]
    for item in general:
        assert set(item.attributes["applies_to"]) == {"gpai", "gpai-systemic-risk"}
    for item in systemic:
        assert item.attributes["applies_to"] == ["gpai-systemic-risk"]


def test_serious_incident_deadlines(act):
    deadlines = {
        i.id: i.attributes["deadline_days"]
        for i in act.of_kind("obligation")
        if i.parent == "Art.73"
    }
    assert deadlines == {"Art.73(2)": 15, "Art.73(3)": 2, "Art.73(4)": 10}
    categories = [i.id for i in act.children("Art.3(49)")]
    assert categories == [f"Art.3(49)({c})" for c in "abcd"]
    assert all(act.get(c).kind == "definition" for c in categories)


def test_penalty_amounts(act):
    caps = {
        i.id: (i.attributes["max_fine_eur"], i.attributes["max_turnover_percent"])
        for i in act.of_kind("penalty")
        if "max_fine_eur" in i.attributes
    }
    assert caps == {
        "Art.99(3)": (35_000_000, 7),
        "Art.99(4)": (15_000_000, 3),
        "Art.99(5)": (7_500_000, 1),
        "Art.101": (15_000_000, 3),
    }


def test_dates_parse_and_amendments_only_defer(act):
    dates = act.of_kind("date")
    by_id = {d.id: d for d in dates}
    for item in dates:
        attrs = item.attributes
        original = _date(attrs["original"]) if attrs.get("original") else None
        amended = _date(attrs["amended"]) if attrs.get("amended") else None
        # Reported only where the Omnibus moves (or adds) the date.
        moved = amended is not None and amended != original
        assert attrs["amendment_status"] == ("reported" if moved else "unchanged"), item.id
        assert original or amended, item.id
        if original and amended:
            assert amended >= original, item.id
        assert item.id.startswith(f"Date.{(original or amended).isoformat()}"), item.id
    assert _date(by_id["Date.2024-08-01"].attributes["original"]) == dt.date(2024, 8, 1)
    for key in ("Date.2025-02-02", "Date.2025-08-02", "Date.2026-08-02", "Date.2027-08-02"):
        assert "amended" not in by_id[key].attributes, key
    expected = {
        "Date.2026-08-02.AnnexIII": ("2026-08-02", "2027-12-02"),
        "Date.2026-08-02.Art50(2)": ("2026-08-02", "2026-12-02"),
        "Date.2027-08-02.AnnexI": ("2027-08-02", "2028-08-02"),
    }
    for key, (original, amended) in expected.items():
        attrs = by_id[key].attributes
        assert (attrs["original"], attrs["amended"]) == (original, amended), key
    new_ban = by_id["Date.2026-12-02"].attributes
    assert new_ban["original"] is None
    assert new_ban["amended"] == "2026-12-02"


def test_reported_facts_are_marked(act):
    reported = [
        i.id
        for i in act
        if i.attributes.get("status") == "reported"
        or i.attributes.get("amendment_status") == "reported"
    ]
    assert "Art.5(1)(omnibus-ncii)" in reported
    assert "Art.10(5)" in reported


def test_only_dates_the_omnibus_moves_are_reported(act):
    reported = {d.id for d in act.of_kind("date") if d.attributes["amendment_status"] == "reported"}
    assert reported == {
        "Date.2026-08-02.AnnexIII",
        "Date.2026-08-02.Art50(2)",
        "Date.2026-12-02",
        "Date.2027-08-02.AnnexI",
    }


def test_post_market_and_incidents_follow_the_high_risk_dates(act):
    general = act.get("Date.2026-08-02").attributes
    assert "Ch. IX" not in general["applies"]
    assert general["follows_high_risk_dates"] == ["Art.72", "Art.73"]
    assert "72-73" in act.get("Date.2026-08-02").summary
    for article in general["follows_high_risk_dates"]:
        attrs = act.get(article).attributes
        assert attrs["applies_to"] == ["high-risk"]
        assert attrs["applies_from"] == ["Date.2026-08-02.AnnexIII", "Date.2027-08-02.AnnexI"]


def test_national_registration_representatives_and_transition(act):
    national = act.get("Art.49(5)")
    assert national.parent == "Art.49" and national.kind == "obligation"
    assert national.attributes["roles"] == ["provider"]
    assert national.attributes["covers"] == "AnnexIII.2"
    assert act.get("AnnexIII.2").attributes["registration"] == "national (Art. 49(5))"
    gpai_rep = act.get("Art.54")
    assert gpai_rep.kind == "obligation"
    assert set(gpai_rep.attributes["applies_to"]) == {"gpai", "gpai-systemic-risk"}
    assert "outside the Union" in act.get("Art.22").attributes["condition"]
    transition = act.get("Art.111(2)")
    assert transition.parent == "Art.111"
    assert transition.attributes["public_authority_deadline"] == "2030-08-02"
    assert "status" not in transition.attributes  # the published text, not a report
    assert act.get("Art.111(3)").attributes["deadline"] == "2027-08-02"
