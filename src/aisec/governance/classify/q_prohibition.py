"""The questions on prohibited practices (Art. 5), asked first: a system caught by a ban of
the Regulation as published needs no further classification. The ban the Omnibus reportedly
adds applies later, so it does not end the questionnaire (see ``facts.settled_bans``)."""

from __future__ import annotations

from aisec.governance.classify import facts as f
from aisec.governance.classify.questions import Choice, Question, items, q, refs

SIMPLE_PRACTICES = tuple(
    f"Art.5(1){p}" for p in ("(a)", "(b)", "(c)", "(d)", "(e)", "(g)", "(omnibus-ncii)")
)
# The questions that must be settled before anyone can say whether the system is banned.
IDS = (
    "subject",
    "practices",
    "emotion_recognition",
    "emotion_workplace",
    "emotion_medical_or_safety",
    "remote_biometric_id",
    "rbi_realtime_law_enforcement",
    "rbi_exception",
)

_SYSTEM = "an AI system is assessed"


def questions() -> tuple[Question, ...]:
    return (
        q(
            "subject",
            "What is assessed: an AI system, a general-purpose AI model, or both "
            "(a model its provider also offers as a system)?",
            "one-of",
            "A general-purpose model is one that can competently serve many distinct tasks.",
            refs("Art.3", "Art.53"),
            "always",
            choices=(
                Choice("ai-system", "AI system"),
                Choice("gpai-model", "General-purpose AI model"),
                Choice("both", "Both"),
            ),
        ),
        q(
            "practices",
            "Does the system engage in any of these practices? (none: empty list)",
            "many-of",
            "Emotion recognition and remote biometric identification are asked separately.",
            refs("Art.5(1)", *SIMPLE_PRACTICES),
            _SYSTEM,
            f.is_system,
            ("subject",),
            items(*SIMPLE_PRACTICES),
        ),
        q(
            "emotion_recognition",
            "Does the system infer people's emotions or intentions from biometric data?",
            "yes-no",
            "Physical states such as pain or fatigue are not emotions.",
            refs("Art.5(1)(f)", f.EMOTION_USE_CASE, "Art.50(3)"),
            _SYSTEM,
            f.is_system,
            ("subject",),
        ),
        q(
            "emotion_workplace",
            "Is it used in a workplace or an educational institution?",
            "yes-no",
            "",
            refs("Art.5(1)(f)"),
            "it recognises emotions",
            lambda a: f.is_system(a) and f.yes(a, "emotion_recognition"),
            ("emotion_recognition",),
        ),
        q(
            "emotion_medical_or_safety",
            "Is it put in place for medical or safety reasons?",
            "yes-no",
            "For example, fatigue detection for drivers or a therapeutic use.",
            refs("Art.5(1)(f)"),
            "it recognises emotions at work or in education",
            lambda a: f.is_system(a) and f.yes(a, "emotion_workplace"),
            ("emotion_workplace",),
        ),
        q(
            "remote_biometric_id",
            "Does the system identify people at a distance from their biometric data?",
            "yes-no",
            "Verifying that someone is who they claim to be "
            "(e.g. unlocking a phone) is not identification.",
            refs("Art.5(1)(h)", f.RBI_USE_CASE),
            _SYSTEM,
            f.is_system,
            ("subject",),
        ),
        q(
            "rbi_realtime_law_enforcement",
            "Is it used in real time, in publicly accessible spaces, for law enforcement?",
            "yes-no",
            "",
            refs("Art.5(1)(h)"),
            "it identifies people remotely",
            lambda a: f.is_system(a) and f.yes(a, "remote_biometric_id"),
            ("remote_biometric_id",),
        ),
        q(
            "rbi_exception",
            "Is the use strictly necessary for one of the listed objectives?",
            "one-of",
            "Each use also needs prior authorisation and the Art. 5(2)-(7) safeguards.",
            refs("Art.5(1)(h)"),
            "real-time law-enforcement identification",
            lambda a: f.is_system(a) and f.yes(a, "rbi_realtime_law_enforcement"),
            ("rbi_realtime_law_enforcement",),
            (
                Choice(f.NO_RBI_EXCEPTION, "None of them"),
                Choice(
                    "victims",
                    "(i) searching for victims of abduction, trafficking or sexual "
                    "exploitation, or missing persons",
                ),
                Choice(
                    "threat",
                    "(ii) preventing a specific, substantial and imminent threat to "
                    "life or a terrorist attack",
                ),
                Choice(
                    "suspects",
                    "(iii) locating or identifying a suspect of a serious crime listed in Annex II",
                ),
            ),
        ),
    )
