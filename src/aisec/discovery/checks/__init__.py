"""Checks over what discovery finds in code and text."""
