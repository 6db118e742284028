"""Built-in model-file checks, one per module, registered through ``aisec.checks``."""
