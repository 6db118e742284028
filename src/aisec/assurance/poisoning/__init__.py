"""Training-data poisoning audits: label issues, backdoor scan, poisoning sensitivity."""

from aisec.assurance.poisoning.poisoning import (
    run_backdoor_scan,
    run_label_audit,
    run_poisoning_sensitivity,
)

__all__ = ["run_backdoor_scan", "run_label_audit", "run_poisoning_sensitivity"]
