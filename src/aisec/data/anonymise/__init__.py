"""Anonymisation of tabular training data, and its k-anonymity and l-diversity.

::

    from aisec.data.anonymise import anonymise_file, load_key, load_rules

    rules = load_rules(Path("rules.yaml"))
    result = anonymise_file(Path("people.csv"), Path("people.anon.csv"), rules,
                            key=load_key(key_env="AISEC_ANONYMISE_KEY"),
                            quasi_identifiers=["age", "zip"], sensitive=["diagnosis"], k=5)
    result.after.k_anonymity.k

Rules are described in docs/anonymisation.md; the schema is ``aisec.anonymise/1``.
"""

from __future__ import annotations

from aisec.data.anonymise.actions import Context, Drop, Hash, Keep, Mask, Pseudonym, Replace
from aisec.data.anonymise.generalise import Bins, Categories, DatePart, Prefix
from aisec.data.anonymise.keys import DEFAULT_KEY_ENV, HmacKey, load_key
from aisec.data.anonymise.measure import measure_file, measure_table
from aisec.data.anonymise.privacy import (
    EquivalenceClasses,
    KAnonymity,
    LDiversity,
    PrivacyReport,
)
from aisec.data.anonymise.rules import SCHEMA, Rules, parse_rules
from aisec.data.anonymise.rules_file import load_rules
from aisec.data.anonymise.run import AnonymiseResult, anonymise_file
from aisec.data.anonymise.scrub import PiiSpans, Scrub, SecretSpans, Span, SpanFinder
from aisec.data.anonymise.transform import ColumnCount

__all__ = [
    "DEFAULT_KEY_ENV",
    "SCHEMA",
    "AnonymiseResult",
    "Bins",
    "Categories",
    "ColumnCount",
    "Context",
    "DatePart",
    "Drop",
    "EquivalenceClasses",
    "Hash",
    "HmacKey",
    "KAnonymity",
    "Keep",
    "LDiversity",
    "Mask",
    "PiiSpans",
    "Prefix",
    "PrivacyReport",
    "Pseudonym",
    "Replace",
    "Rules",
    "Scrub",
    "SecretSpans",
    "Span",
    "SpanFinder",
    "anonymise_file",
    "load_key",
    "load_rules",
    "measure_file",
    "measure_table",
    "parse_rules",
]
