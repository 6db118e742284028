"""Who may call the gateway, and how often: API keys with scopes (:mod:`.keys`), and
token-bucket rate limits and daily quotas, in memory or shared through Redis
(:mod:`.ratelimit`).

Keys are ``aisg_`` + 43 urlsafe characters, 256 random bits, and only their SHA-256 is
ever stored or configured. Nothing here imports redis until a Redis limiter is made.
"""
