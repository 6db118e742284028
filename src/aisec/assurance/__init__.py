"""Model assurance: test a model the way an attacker and an auditor would."""
