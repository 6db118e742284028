"""Data security for training data: readers, personal data and secrets, anonymisation,
poisoning and quality indicators, and integrity manifests (docs/adr/0021)."""
