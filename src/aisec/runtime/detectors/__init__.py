"""Runtime detectors of the inference gateway: extraction, evasion, drift and LLM data leaks.

Only the gateway imports this package (it pulls in numpy and scipy); ``catalogue`` maps
detector names to classes and builds them from the gateway configuration.
"""
