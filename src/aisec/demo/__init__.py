"""The end-to-end demonstration behind ``aisec demo``."""
