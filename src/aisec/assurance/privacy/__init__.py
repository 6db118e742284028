"""Privacy tests: membership inference against a model's training rows."""

from aisec.assurance.privacy.membership import run_membership_inference

__all__ = ["run_membership_inference"]
