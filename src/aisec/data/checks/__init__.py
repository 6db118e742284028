"""Checks over datasets: personal data, credentials, and files that could not be read."""
