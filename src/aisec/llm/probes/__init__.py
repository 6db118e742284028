"""Red-team probes: one check per family of attacks on an LLM application."""
