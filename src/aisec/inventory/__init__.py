"""Inventory: know the AI assets an organisation runs, and sign and verify model artefacts."""
