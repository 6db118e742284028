"""Group fairness: per-group rates and disparities, each with a bootstrap confidence interval.

Point estimates come from fairlearn's ``MetricFrame`` (``pip install 'aisec[fairness]'``);
the confidence intervals come from our own vectorised bootstrap over per-group confusion
counts (``counts``, ``rates``), which is what makes 1,000 resamples cheap (docs/adr/0015).
"""

from aisec.assurance.fairness.assess import FairnessReport, assess_group_fairness

__all__ = ["FairnessReport", "assess_group_fairness"]
