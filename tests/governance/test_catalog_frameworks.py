"""The NIST AI RMF, NIST AI 600-1, ISO/IEC 42001, OWASP ML/LLM/Agentic catalogues: their
shapes and counts, a consistent tree, edition-specific OWASP ids, and the refs checks use."""

import datetime as dt
import re
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


# NIST's own statements (a US Government work, quoted here only to test against): every
# category and a sample of subcategories. The catalogue must say what they ask in its own
# words, so no run of four words may be shared with them.
NIST_STATEMENTS = {
    "GOVERN 1": (
        "Policies, processes, procedures, and practices across the organization related to "
        "the mapping, measuring, and managing of AI risks are in place, transparent, and "
        "implemented effectively."
    ),
    "GOVERN 2": (
        "Accountability structures are in place so that the appropriate teams and individuals"
        " are empowered, responsible, and trained for mapping, measuring, and managing AI "
        "risks."
    ),
    "GOVERN 3": (
        "Workforce diversity, equity, inclusion, and accessibility processes are prioritized "
        "in the mapping, measuring, and managing of AI risks throughout the lifecycle."
    ),
    "GOVERN 4": (
        "Organizational teams are committed to a culture that considers and communicates AI risk."
    ),
    "GOVERN 5": "Processes are in place for robust engagement with relevant AI actors.",
    "GOVERN 6": (
        "Policies and procedures are in place to address AI risks and benefits arising from "
        "third-party software and data and other supply chain issues."
    ),
    "MAP 1": "Context is established and understood.",
    "MAP 2": "Categorization of the AI system is performed.",
    "MAP 3": (
        "AI capabilities, targeted usage, goals, and expected benefits and costs compared "
        "with appropriate benchmarks are understood."
    ),
    "MAP 4": (
        "Risks and benefits are mapped for all components of the AI system including third-"
        "party software and data."
    ),
    "MAP 5": (
        "Impacts to individuals, groups, communities, organizations, and society are characterized."
    ),
    "MEASURE 1": "Appropriate methods and metrics are identified and applied.",
    "MEASURE 2": "AI systems are evaluated for trustworthy characteristics.",
    "MEASURE 3": "Mechanisms for tracking identified AI risks over time are in place.",
    "MEASURE 4": "Feedback about efficacy of measurement is gathered and assessed.",
    "MANAGE 1": (
        "AI risks based on assessments and other analytical output from the MAP and MEASURE "
        "functions are prioritized, responded to, and managed."
    ),
    "MANAGE 2": (
        "Strategies to maximize AI benefits and minimize negative impacts are planned, "
        "prepared, implemented, documented, and informed by input from relevant AI actors."
    ),
    "MANAGE 3": "AI risks and benefits from third-party entities are managed.",
    "MANAGE 4": (
        "Risk treatments, including response and recovery, and communication plans for the "
        "identified and measured AI risks are documented and monitored regularly."
    ),
    "GOVERN 1.1": (
        "Legal and regulatory requirements involving AI are understood, managed, and documented."
    ),
    "GOVERN 1.6": (
        "Mechanisms are in place to inventory AI systems and are resourced according to "
        "organizational risk priorities."
    ),
    "GOVERN 4.3": (
        "Organizational practices are in place to enable AI testing, identification of "
        "incidents, and information sharing."
    ),
    "MAP 1.5": "Organizational risk tolerances are determined and documented.",
    "MAP 3.5": (
        "Processes for human oversight are defined, assessed, and documented in accordance "
        "with organizational policies from the GOVERN function."
    ),
    "MEASURE 2.1": (
        "Test sets, metrics, and details about the tools used during TEVV are documented."
    ),
    "MEASURE 2.7": (
        "AI system security and resilience – as identified in the MAP function – are "
        "evaluated and documented."
    ),
    "MEASURE 2.11": (
        "Fairness and bias – as identified in the MAP function – are evaluated and results "
        "are documented."
    ),
    "MANAGE 1.2": (
        "Treatment of documented AI risks is prioritized based on impact, likelihood, and "
        "available resources or methods."
    ),
    "MANAGE 2.2": (
        "Mechanisms are in place and applied to sustain the value of deployed AI systems."
    ),
    "MANAGE 3.2": (
        "Pre-trained models which are used for development are monitored as part of AI system"
        " regular monitoring and maintenance."
    ),
    "MANAGE 4.3": (
        "Incidents and errors are communicated to relevant AI actors, including affected "
        "communities. Processes for tracking, responding to, and recovering from incidents "
        "and errors are followed and documented."
    ),
}


def _runs(text: str, size: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.parametrize("item_id", sorted(NIST_STATEMENTS))
def test_nist_ai_rmf_summaries_are_aisecs_own_words(item_id: str) -> None:
    item = load_catalogue("nist-ai-rmf").get(item_id)
    assert item is not None and item.summary
    shared = _runs(item.summary) & _runs(NIST_STATEMENTS[item_id])
    assert not shared, f"{item_id} tracks NIST's sentence: {sorted(shared)}"


def test_every_nist_ai_rmf_category_summary_is_checked() -> None:
    categories = {c.id for c in load_catalogue("nist-ai-rmf").of_kind("category")}
    assert categories <= set(NIST_STATEMENTS)
