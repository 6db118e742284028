"""Checksums built into credential formats, which tell a real token from a look-alike.

GitHub's classic tokens (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``) end in six
characters that are the CRC32 of the 30 random characters before them, written in base 62
with the digits, then the upper-case, then the lower-case letters, padded on the left with
``0``. Checked against GitHub tokens that were published by mistake and have long been
revoked: all carry a matching checksum, while hand-made fakes of the right shape do not. npm
announced the same layout for its ``npm_`` tokens; no real one was at hand to confirm it, so
a failed check there only lowers the confidence, as it does for GitHub. A random
36-character string passes with odds of about 1 in 4·10^9.
"""

from __future__ import annotations

import string
import zlib

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
CHECKSUM_LENGTH = 6
RANDOM_LENGTH = 30


def base62(number: int, width: int = CHECKSUM_LENGTH) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(width, "0")


def crc32_base62(data: str) -> str:
    return base62(zlib.crc32(data.encode("utf-8", "surrogatepass")))


def checksum_valid(body: str) -> bool:
    """True when ``body`` (a token without its prefix) is 30 random characters followed by
    their CRC32 in base 62."""
    if len(body) != RANDOM_LENGTH + CHECKSUM_LENGTH:
        return False
    return crc32_base62(body[:RANDOM_LENGTH]) == body[RANDOM_LENGTH:]
