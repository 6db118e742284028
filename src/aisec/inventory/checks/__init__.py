"""Checks on what the inventory establishes about an artefact (signatures)."""
