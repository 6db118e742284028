"""AWS secret access keys that are not named but sit next to their access key id.

Credentials are usually written as a pair (a CSV export of an IAM user, two lines of a
config, two cells of a row). A 40-character base-64 token within a few hundred characters of
an access key id, with both cases and digits as random keys have, is reported at 0.7: the
closeness is the only evidence, so the confidence stays below the named form's 0.9.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from aisec.data.secrets.model import Hit
from aisec.data.secrets.rules_cloud import looks_random

NEAR = 256
CONFIDENCE = 0.7
_CONTINUES = frozenset(string.ascii_letters + string.digits + "/+=_.-")
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9/+=_.-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_.-])")


def secrets_near_key_ids(text: str, hits: Sequence[Hit]) -> Iterator[Hit]:
    """Unnamed secret access keys near the access key ids among ``hits`` (not overlapping any
    of ``hits``)."""
    taken = _Spans(hits)
    seen: set[int] = set()
    for hit in hits:
        if hit.kind != "aws-access-key-id":
            continue
        for match in _CANDIDATE.finditer(text, max(0, hit.start - NEAR), hit.end + NEAR):
            begin, stop = match.span()
            # The window's end hides what follows: a longer token is not a key.
            if stop < len(text) and text[stop] in _CONTINUES:
                continue
            if begin in seen or taken.overlaps(begin, stop):
                continue
            if looks_random(match.group(0)):
                seen.add(begin)
                yield Hit("aws-secret-access-key", "aws", begin, stop, CONFIDENCE)


class _Spans:
    """Overlap queries in logarithmic time (a text can hold many thousands of hits)."""

    def __init__(self, hits: Sequence[Hit]) -> None:
        spans = sorted((hit.start, hit.end) for hit in hits)
        self._starts = [start for start, _ in spans]
        self._reach: list[int] = []  # the furthest end among the spans up to each index
        for _, end in spans:
            self._reach.append(max(end, self._reach[-1] if self._reach else end))

    def overlaps(self, begin: int, stop: int) -> bool:
        before = bisect_left(self._starts, stop) - 1
        return before >= 0 and self._reach[before] > begin
