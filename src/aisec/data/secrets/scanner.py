"""The scan: anchors first, then the detectors of each anchor where it occurs, then the
secret keys that only their neighbourhood gives away."""

from __future__ import annotations

from collections.abc import Sequence

from aisec.data.secrets.aws_pairs import secrets_near_key_ids
from aisec.data.secrets.jwt import JwtDetector
from aisec.data.secrets.model import TOKEN_CHARACTERS, Detector, Hit, SecretMatch
from aisec.data.secrets.pem import PemDetector
from aisec.data.secrets.pivots import PivotScanner
from aisec.data.secrets.rules_ai import AI_DETECTORS
from aisec.data.secrets.rules_azure import AZURE_DETECTORS
from aisec.data.secrets.rules_cloud import CLOUD_DETECTORS
from aisec.data.secrets.rules_dev import DEV_DETECTORS

# Order matters where detectors share an anchor: the first one that answers wins.
DETECTORS: tuple[Detector, ...] = (
    *AI_DETECTORS,
    *CLOUD_DETECTORS,
    *AZURE_DETECTORS,
    *DEV_DETECTORS,
    JwtDetector(),
    PemDetector(),
)

SECRET_KINDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [kind for detector in DETECTORS for kind in detector.kinds] + ["aws-secret-access-key"]
    )
)

# The shortest value any detector reports (an AWS access key id) is 20 characters.
_SHORTEST = 20

_DETECTORS_OF: dict[str, list[Detector]] = {}
for _detector in DETECTORS:
    for _anchor in _detector.anchors:
        _DETECTORS_OF.setdefault(_anchor, []).append(_detector)
# Per anchor: its detectors, and whether all of them need a token boundary before it.
_BY_ANCHOR = {
    anchor: (tuple(detectors), all(detector.bounded for detector in detectors))
    for anchor, detectors in _DETECTORS_OF.items()
}
_SCANNER = PivotScanner(_BY_ANCHOR)


def find_secrets(text: str) -> list[SecretMatch]:
    """Every credential in ``text``, one match per occurrence, sorted by position.

    Offsets are character offsets into ``text``; values appear only redacted and as their
    sha256 digest.
    """
    if not isinstance(text, str):
        raise TypeError(f"find_secrets expects text (str), not {type(text).__name__}")
    if len(text) < _SHORTEST:
        return []
    hits: list[Hit] = []
    for anchor, start in _SCANNER.sites(text):
        detectors, bounded = _BY_ANCHOR[anchor]
        if bounded and start and text[start - 1] in TOKEN_CHARACTERS:
            continue  # inside a longer token: no detector of this anchor can match here
        for detector in detectors:
            hit = detector.at(text, start)
            if hit is not None:
                hits.append(hit)
                break
    if any(hit.kind == "aws-access-key-id" for hit in hits):
        hits.extend(secrets_near_key_ids(text, hits))
    return [hit.to_match(text) for hit in _distinct(hits)]


def _distinct(hits: Sequence[Hit]) -> list[Hit]:
    """One hit per value: the same span found twice keeps its most confident reading, and a
    span inside another one (a key inside a PEM block, a webhook found from two anchors) goes.
    Distinct occurrences of one value are kept: they have distinct offsets."""
    best: dict[tuple[int, int], Hit] = {}
    for hit in hits:
        known = best.get((hit.start, hit.end))
        if known is None or hit.confidence > known.confidence:
            best[(hit.start, hit.end)] = hit
    ordered = sorted(best.values(), key=lambda hit: (hit.start, -hit.end))
    kept: list[Hit] = []
    reach = -1
    for hit in ordered:
        if hit.end <= reach:
            continue
        kept.append(hit)
        reach = max(reach, hit.end)
    return kept
