"""The NIST AI RMF, NIST AI 600-1, ISO/IEC 42001, OWASP ML/LLM/Agentic catalogues: their
shapes and counts, a consistent tree, edition-specific OWASP ids, and the refs checks use."""

import datetime as dt
from collections import Counter

import pytest

from aisec.core.check import REF
from aisec.governance.catalogs import load_catalogue, resolve

IDS = [
    "nist-ai-rmf",
    "nist-ai-600-1",
    "iso-42001",
    "owasp-ml-2023",
    "owasp-llm-2025",
    "owasp-llm-2026",
    "owasp-agentic-2026",
]

RMF_CATEGORIES = {
    "GOVERN 1": 7, "GOVERN 2": 3, "GOVERN 3": 2, "GOVERN 4": 3, "GOVERN 5": 2, "GOVERN 6": 2,
    "MAP 1": 6, "MAP 2": 3, "MAP 3": 5, "MAP 4": 2, "MAP 5": 2,
    "MEASURE 1": 3, "MEASURE 2": 13, "MEASURE 3": 3, "MEASURE 4": 3,
    "MANAGE 1": 4, "MANAGE 2": 4, "MANAGE 3": 2, "MANAGE 4": 3,
}  # fmt: skip

CHECK_REFS = [
    "NIST-AI-RMF:MEASURE 2.7",
    "NIST-AI-RMF:MEASURE 2.9",
    "NIST-AI-RMF:MEASURE 2.10",
    "NIST-AI-RMF:MEASURE 2.11",
    *(f"ML{n:02d}:2023" for n in range(1, 11)),
    "LLM02:2025",
    "LLM03:2025",
]


@pytest.mark.parametrize("catalogue_id", IDS)
def test_metadata_and_tree_are_consistent(catalogue_id: str) -> None:
    cat = load_catalogue(catalogue_id)
    assert cat.id == catalogue_id
    assert cat.retrieved == dt.date(2026, 11, 28)
    assert cat.source.startswith("https://")
    assert cat.licence.strip()
    for item in cat:
        assert item.title, item.id
        if item.parent is not None:
            parent = cat.get(item.parent)
            assert parent is not None, item.id
            assert cat.kinds.index(parent.kind) < cat.kinds.index(item.kind) or (
                parent.kind == item.kind == "clause"
            ), item.id


def test_nist_ai_rmf_counts() -> None:
    cat = load_catalogue("nist-ai-rmf")
    assert cat.ref_prefix == "NIST-AI-RMF:"
    functions = cat.of_kind("function")
    assert [f.id for f in functions] == ["GOVERN", "MAP", "MEASURE", "MANAGE"]
    categories = cat.of_kind("category")
    subcategories = cat.of_kind("subcategory")
    assert (len(categories), len(subcategories)) == (19, 72)
    assert len(cat.of_kind("characteristic")) == 7
    assert {c.id for c in categories} == set(RMF_CATEGORIES)
    for category, count in RMF_CATEGORIES.items():
        children = cat.children(category)
        assert len(children) == count, category
        assert {c.kind for c in children} == {"subcategory"}
        assert [c.id for c in children] == [f"{category}.{n}" for n in range(1, count + 1)]
        assert cat.get(category).parent == category.split()[0]  # type: ignore[union-attr]
    per_function = Counter(s.id.split()[0] for s in subcategories)
    assert per_function == {"GOVERN": 19, "MAP": 18, "MEASURE": 22, "MANAGE": 13}
    assert Counter(c.parent for c in categories) == {
        "GOVERN": 6, "MAP": 5, "MEASURE": 4, "MANAGE": 4,
    }  # fmt: skip
    for sub in subcategories:
        assert sub.summary
        short = {"GOVERN": "GV", "MAP": "MP", "MEASURE": "MS", "MANAGE": "MG"}[sub.id.split()[0]]
        assert sub.attributes["playbook_id"] == f"{short}-{sub.id.split()[1]}"
    characteristics = {c.id for c in cat.of_kind("characteristic")}
    linked = {
        s.attributes["characteristic"] for s in subcategories if "characteristic" in s.attributes
    }
    assert linked == characteristics
    assert cat.get("MEASURE 2.7").attributes["characteristic"] == "secure-and-resilient"  # type: ignore[union-attr]


def test_nist_ai_600_1_twelve_risks() -> None:
    cat = load_catalogue("nist-ai-600-1")
    risks = cat.of_kind("risk")
    assert [r.id for r in risks] == [f"GAI-{n:02d}" for n in range(1, 13)]
    assert risks[1].title == "Confabulation"
    assert risks[11].title == "Value Chain and Component Integration"
    assert all(r.summary for r in risks)


def test_iso_42001_annex_a_counts() -> None:
    cat = load_catalogue("iso-42001")
    areas = cat.of_kind("area")
    objectives = cat.of_kind("objective")
    controls = cat.of_kind("control")
    assert [a.id for a in areas] == [f"A.{n}" for n in range(2, 11)]
    assert (len(areas), len(objectives), len(controls)) == (9, 10, 38)
    assert [o.id for o in cat.children("A.6")] == ["A.6.1", "A.6.2"]
    per_area = [sum(len(cat.children(o.id)) for o in cat.children(a.id)) for a in areas]
    assert per_area == [3, 2, 5, 4, 9, 5, 4, 3, 3]
    assert len(cat.children("A.6.1")) == 2 and len(cat.children("A.6.2")) == 7
    assert all(o.parent in {a.id for a in areas} for o in objectives)
    assert all(c.parent in {o.id for o in objectives} for c in controls)
    # ISO text is copyrighted: ids and titles only.
    assert not any(item.summary for item in cat)
    assert "copyright" in cat.licence.lower()
    clauses = {c.id for c in cat.of_kind("clause")}
    assert {"4", "5", "6", "7", "8", "9", "10", "6.1.2", "6.1.3", "6.1.4"} <= clauses
    assert cat.get("6.1.4").title == "AI system impact assessment"  # type: ignore[union-attr]
    assert cat.get("A.6.2.4").title == "AI system verification and validation"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("catalogue_id", "pattern"),
    [
        ("owasp-ml-2023", "ML{:02d}:2023"),
        ("owasp-llm-2025", "LLM{:02d}:2025"),
        ("owasp-llm-2026", "LLM{:02d}:2026"),
        ("owasp-agentic-2026", "ASI{:02d}:2026"),
    ],
)
def test_owasp_lists_have_ten(catalogue_id: str, pattern: str) -> None:
    cat = load_catalogue(catalogue_id)
    assert cat.ref_prefix == ""
    assert [i.id for i in cat] == [pattern.format(n) for n in range(1, 11)]
    assert all(i.title and i.summary for i in cat)


def test_owasp_ml_is_draft() -> None:
    assert {i.attributes.get("status") for i in load_catalogue("owasp-ml-2023")} == {"draft"}


def test_llm_numbers_change_meaning_between_editions() -> None:
    y2025 = load_catalogue("owasp-llm-2025")
    y2026 = load_catalogue("owasp-llm-2026")
    assert y2025.get("LLM03:2025").title == "Supply Chain"  # type: ignore[union-attr]
    assert y2026.get("LLM03:2026").title == "Excessive Agency"  # type: ignore[union-attr]
    assert y2025.get("LLM07:2025").title == "System Prompt Leakage"  # type: ignore[union-attr]
    assert y2026.get("LLM08:2026").title == "Hidden Context Exposure"  # type: ignore[union-attr]
    # Every 2026 risk names the 2025 entry it continues, and the names agree except LLM08.
    for item in y2026:
        old = y2025.get(item.attributes["edition_2025"])
        assert old is not None
        if item.id != "LLM08:2026":
            assert old.title == item.title
    assert len({i.attributes["edition_2025"] for i in y2026}) == 10
    assert resolve("LLM03:2025")[1].title != resolve("LLM03:2026")[1].title  # type: ignore[index]


@pytest.mark.parametrize("ref", CHECK_REFS)
def test_check_refs_resolve(ref: str) -> None:
    assert REF.match(ref)
    found = resolve(ref)
    assert found is not None, ref
    catalogue, item = found
    assert catalogue.ref(item) == ref


def test_refs_of_catalogued_items_fit_the_check_ref_pattern() -> None:
    # NIST AI 600-1 and the agentic list need new prefixes in aisec.core.check.REF.
    for catalogue_id in (
        "nist-ai-rmf",
        "iso-42001",
        "owasp-ml-2023",
        "owasp-llm-2025",
        "owasp-llm-2026",
    ):
        cat = load_catalogue(catalogue_id)
        for item in cat:
            assert REF.match(cat.ref(item)), cat.ref(item)
