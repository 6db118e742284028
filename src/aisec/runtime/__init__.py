"""Runtime protection: the inference gateway in front of model endpoints (docs/gateway.md).

Nothing here is imported by ``aisec`` itself: the gateway's dependencies (httpx, numpy,
scipy, redis) come with the ``gateway`` extra.
"""
