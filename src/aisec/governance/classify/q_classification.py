"""The questions after the prohibitions: Annex I, Annex III and the Art. 6(3) derogation,
transparency (Art. 50, biometric categorisation included), and general-purpose models
(Arts. 51-55). Who owes what once the tier is known is asked in :mod:`q_duties`."""

from __future__ import annotations

from aisec.governance.classify import facts as f
from aisec.governance.classify.q_prohibition import IDS as _PROHIBITION
from aisec.governance.classify.questions import Question, items, q, refs

_ANNEX_I = ("annex_i_product", "annex_i_third_party")
# The questions that must be settled before anyone can say whether the system is high-risk.
ANNEX_III = (*_PROHIBITION, *_ANNEX_I, "annex_iii_use_cases", "derogation", "profiling")
# Biometric use cases come from the biometric questions, so the list leaves them out and
# cannot contradict them (nor slip past the Art. 5 checks on them).
_DERIVED = {f.RBI_USE_CASE, f.EMOTION_USE_CASE}

_OPEN = "an AI system is assessed and no prohibition of the published Regulation matched"
_MODEL = "a general-purpose AI model is assessed"


def _generates(answers: f.Answers) -> bool:
    return f.open_system(answers) and f.yes(answers, "generates_content")


def questions() -> tuple[Question, ...]:
    cat = f.catalogue()
    use_cases = tuple(i.id for i in cat.of_kind("use-case") if i.id not in _DERIVED)
    derogations = tuple(i.id for i in cat.of_kind("derogation"))
    return (
        q(
            "annex_i_product",
            "Is the system a product, or a safety component of a product, "
            "covered by the Union legislation in Annex I?",
            "yes-no",
            "Machinery, toys, lifts, radio equipment, medical devices, vehicles, aviation...",
            refs("Art.6(1)", "AnnexI"),
            _OPEN,
            f.open_system,
            _PROHIBITION,
        ),
        q(
            "annex_i_third_party",
            "Must that product undergo a third-party conformity assessment under that legislation?",
            "yes-no",
            "",
            refs("Art.6(1)"),
            "it is an Annex I product or safety component",
            lambda a: f.open_system(a) and f.yes(a, "annex_i_product"),
            ("annex_i_product",),
        ),
        q(
            "annex_iii_use_cases",
            "Is the system intended for any of these uses? (none: empty list)",
            "many-of",
            "Annex III 5(b) does not cover detecting financial fraud.",
            refs("Art.6(2)", "AnnexIII"),
            _OPEN,
            f.open_system,
            _PROHIBITION,
            items(*use_cases),
        ),
        q(
            "derogation",
            "Does the system only do one of these, posing no significant risk to "
            "health, safety or fundamental rights? (none: empty list)",
            "many-of",
            "Claiming the derogation obliges the provider to document it and register.",
            refs("Art.6(3)", *derogations),
            "an Annex III use case matched and Annex I does not apply",
            lambda a: bool(f.annex_iii(a)) and not f.annex_i(a),
            (*_PROHIBITION, *_ANNEX_I, "annex_iii_use_cases"),
            items(*derogations),
        ),
        q(
            "profiling",
            "Does the system profile natural persons (automated evaluation of "
            "personal aspects, GDPR Art. 4(4))?",
            "yes-no",
            "Profiling defeats the derogation.",
            refs("Art.6(3)"),
            "a derogation is claimed",
            lambda a: bool(f.annex_iii(a)) and bool(f.chosen(a, "derogation")),
            ("derogation",),
        ),
        q(
            "interacts_with_people",
            "Does the system interact directly with people (e.g. a chatbot or voice assistant)?",
            "yes-no",
            "",
            refs("Art.50(1)"),
            _OPEN,
            f.open_system,
            _PROHIBITION,
        ),
        q(
            "biometric_categorisation",
            "Does the system sort people into categories from their biometric data?",
            "yes-no",
            "Any categorisation counts here, not only by sensitive attributes: "
            "deployers must tell the people exposed to it.",
            refs("Art.50(3)"),
            _OPEN,
            f.open_system,
            _PROHIBITION,
        ),
        q(
            "generates_content",
            "Does it generate synthetic audio, images, video or text?",
            "yes-no",
            "",
            refs("Art.50(2)"),
            _OPEN,
            f.open_system,
            _PROHIBITION,
        ),
        q(
            "on_market_before_2026_08_02",
            "Was it placed on the market before 2 August 2026?",
            "yes-no",
            "Such systems reportedly get until 2 December 2026 for marking.",
            refs("Art.50(2)", "Date.2026-08-02.Art50(2)"),
            "it generates content",
            _generates,
            ("generates_content",),
        ),
        q(
            "deep_fakes",
            "Is it used to make deep fakes, or text published to inform the "
            "public on matters of public interest?",
            "yes-no",
            "",
            refs("Art.50(4)"),
            "it generates content",
            _generates,
            ("generates_content",),
        ),
        q(
            "gpai_training_flops",
            "How much compute was used to train the model, in floating-"
            "point operations (0 if unknown)?",
            "number",
            "Above 10^25 systemic risk is presumed.",
            refs("Art.51", "gpai-systemic-risk"),
            _MODEL,
            f.is_model,
            ("subject",),
            minimum=0.0,
        ),
        q(
            "gpai_designated",
            "Has the Commission designated the model as having systemic "
            "risk, or does it have high-impact capabilities?",
            "yes-no",
            "",
            refs("Art.51"),
            "a GPAI model below the compute presumption",
            lambda a: f.is_model(a) and not f.flops_presumed(a),
            ("gpai_training_flops",),
        ),
        q(
            "gpai_open_source",
            "Is the model released under a free and open-source licence with its weights public?",
            "yes-no",
            "",
            refs("Art.53(2)"),
            "a GPAI model without systemic risk",
            lambda a: f.is_model(a) and not f.systemic(a),
            ("gpai_training_flops", "gpai_designated"),
        ),
        q(
            "gpai_on_market_before_2025_08_02",
            "Was the model placed on the market before 2 August 2025?",
            "yes-no",
            "Such models have until 2 August 2027.",
            refs("Date.2027-08-02.GPAI"),
            _MODEL,
            f.is_model,
            ("subject",),
        ),
    )
