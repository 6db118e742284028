"""The names of aisec's own CycloneDX properties (one vocabulary for writer and reader).

CycloneDX keeps what it has no field for in name/value properties; ours are prefixed
``aisec:`` as its property taxonomy asks of tools (``cdx:`` is reserved for CycloneDX).
"""

from __future__ import annotations

PREFIX = "aisec:"

# The subject (an AI system).
KIND = "aisec:kind"  # "system" on the subject a BOM was made for
OWNER = "aisec:owner"
BUSINESS_UNIT = "aisec:business-unit"
LIFECYCLE_STAGE = "aisec:lifecycle-stage"
DEPLOYMENT_CONTEXT = "aisec:deployment-context"
EU_AI_ACT_ROLE = "aisec:eu-ai-act-role"
GEOGRAPHY = "aisec:geography"  # repeated, one per place

# Assets.
DISCOVERED_AT = "aisec:discovered-at"  # repeated: "path" or "path:line"
DIGEST = "aisec:digest"  # "algorithm:hex" for what CycloneDX's hash list cannot hold
SOURCE_URI = "aisec:source-uri"
SOURCE = "aisec:source"
PERSONAL_DATA = "aisec:contains-personal-data"  # "true" / "false"; absent: not assessed
FRAMEWORK = "aisec:framework"  # in the model card
FORMAT = "aisec:format"  # in the model card
URL = "aisec:url"  # an endpoint's URL, its natural key
AUTHENTICATION = "aisec:authentication"
ECOSYSTEM = "aisec:ecosystem"  # a library's, when no purl type says it
VERSION_SPEC = "aisec:version-spec"  # a library's specifier when it is not pinned

# Findings.
FINGERPRINT = "aisec:fingerprint"
LOCATION = "aisec:location"
REF = "aisec:ref"  # repeated: framework ids (ATLAS, OWASP ...)

# The system's fields kept as properties, in the order they are written.
SYSTEM_FIELDS = (
    ("owner", OWNER),
    ("business_unit", BUSINESS_UNIT),
    ("lifecycle_stage", LIFECYCLE_STAGE),
    ("deployment_context", DEPLOYMENT_CONTEXT),
    ("eu_ai_act_role", EU_AI_ACT_ROLE),
)
