from __future__ import annotations

from collections.abc import Iterable

from aisec.assurance.checks.base import ThresholdCheck
from aisec.assurance.plans.result import TestOutcome
from aisec.core.finding import Finding
from aisec.core.severity import Severity

METRIC = "explain.sensitive_influence"


class SensitiveInfluence(ThresholdCheck):
    id = "assurance.explain.sensitive-influence"
    title = "A sensitive attribute or a close proxy of it drives decisions"
    severity = Severity.MEDIUM
    test_types = ("explainability",)
    metrics = (METRIC,)
    refs = ("EU-AI-Act:Art.10", "EU-AI-Act:Art.13", "NIST-AI-RMF:MEASURE 2.11", "GDPR:Art.22")
    description = (
        "Among the features that matter most to the model's decisions is a sensitive "
        "attribute itself, or a feature that predicts it closely (a proxy). Reported whenever "
        "the explainability test finds one, and for any failed threshold on it."
    )
    remediation = (
        "Check whether using the attribute or its proxy is lawful and justified for this "
        "purpose; if not, remove it and its proxies, retrain, and run the fairness tests."
    )

    def run(self, subject: TestOutcome) -> Iterable[Finding]:
        if subject.type not in self.test_types:
            return
        judged = [j for j in subject.judgements if self.claims(subject, j.metric)]
        if judged:  # the plan set a limit: it decides
            yield from super().run(subject)
            return
        for m in subject.measurements:
            # Sensitive inputs are measured whether or not they matter; only those that
            # clear the influence bar are findings.
            if m.name != METRIC or m.params.get("influential") is False:
                continue
            attribute, feature = m.params.get("attribute"), m.params.get("feature")
            how = "is itself" if m.params.get("direct") else "is a close proxy of"
            yield self.finding(
                subject.location,
                f"{subject.name}: feature {feature!r} {how} sensitive attribute "
                f"{attribute!r} and ranks {m.params.get('rank')} by importance "
                f"(share {m.value:.3g})",
                evidence={"test": subject.name, "measurement": m.to_dict()},
                key=f"{attribute}:{feature}",
            )
