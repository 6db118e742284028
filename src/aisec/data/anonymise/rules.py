"""Anonymisation rules (schema ``aisec.anonymise/1``): what happens to each column, and to
each kind of personal data or secret found inside free text.

A column may be written as a bare action name (``ssn: hash``) or as a mapping with
``action`` and that action's settings. Columns the rules do not name are an error unless
``unlisted`` says to keep or drop them: a new column in next month's export should not slip
through unreviewed. See docs/anonymisation.md for every field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from aisec.core.errors import ConfigError
from aisec.data.anonymise import generalise as gen
from aisec.data.anonymise.actions import (
    Action,
    Drop,
    Hash,
    Keep,
    Mask,
    Pseudonym,
    Replace,
    prefix_for,
)
from aisec.data.anonymise.scrub import ENTITY, SCRUB_MIN_SCORE, Scrub
from aisec.data.anonymise.spec import MAX_ITEMS, Spec

SCHEMA = "aisec.anonymise/1"
COLUMN_ACTIONS = ("keep", "drop", "replace", "mask", "hash", "pseudonym", "generalise", "scrub")
SPAN_ACTIONS = ("keep", "drop", "replace", "mask", "hash", "pseudonym")
UNLISTED = ("error", "keep", "drop")
NORMALISE = ("strip", "lower", "digits")
_FORBIDDEN = ("key", "secret", "hmac_key", "salt", "pepper")
_SETTINGS: dict[str, tuple[str, ...]] = {
    "keep": (),
    "drop": (),
    "replace": ("with",),
    "mask": ("show_first", "show_last", "char", "preserve"),
    "hash": ("length", "normalise", "allow_collisions"),
    "pseudonym": ("prefix", "length", "format", "normalise", "allow_collisions"),
    "generalise": (
        *("method", "width", "origin", "edges", "floor", "ceiling", "precision", "format"),
        *("keep", "fill", "mapping", "default"),
    ),
    "scrub": ("entities", "secrets", "min_score"),
}
# 16 hex digits are 64 bits: among a billion distinct values, a collision has odds of
# about 3%; 6 digits (24 bits) collide tens of thousands of times in a million values.
MIN_DIGEST_DIGITS = 16


@dataclass(frozen=True, slots=True)
class Rules:
    columns: Mapping[str, Action]
    entities: Mapping[str, Action] = field(default_factory=dict)
    unlisted: str = "error"

    @property
    def needs_key(self) -> bool:
        actions = [*self.columns.values(), *self.entities.values()]
        return any(a.needs_key for a in actions)

    @property
    def scrubs(self) -> bool:
        return any(isinstance(a, Scrub) for a in self.columns.values())


def parse_rules(data: object, source: str = "rules") -> Rules:
    """Rules from a parsed YAML or TOML document; a ConfigError names the first mistake."""
    if isinstance(data, dict):
        for name in _FORBIDDEN:
            if name in data:
                raise ConfigError(
                    f"{source}: a key or secret field ({name!r}) does not belong in the rules",
                    hint="pass the key with --key-file FILE or the AISEC_ANONYMISE_KEY variable",
                )
    top = Spec(data, source, ("schema", "description", "columns", "entities", "unlisted"))
    if top.data.get("schema") != SCHEMA:
        raise ConfigError(f"{source}: schema must be {SCHEMA!r}")
    top.text("description", None)
    unlisted = top.choice("unlisted", UNLISTED, "error")
    columns_spec = top.data.get("columns", {})
    if not isinstance(columns_spec, dict) or len(columns_spec) > MAX_ITEMS:
        raise top.fail("columns", "a mapping from column names to actions")
    entity_spec = top.data.get("entities", {})
    if not isinstance(entity_spec, dict) or len(entity_spec) > MAX_ITEMS:
        raise top.fail("entities", "a mapping from entity names to actions")
    entities = {
        _name(k, f"{source}.entities"): _span_action(v, f"{source}.entities.{k}", str(k))
        for k, v in entity_spec.items()
    }
    columns = {}
    for name, spec in columns_spec.items():
        column = _name(name, f"{source}.columns")
        columns[column] = _column_action(spec, f"{source}.columns.{column}", column, entities)
    return Rules(columns, entities, unlisted)


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: names must be non-empty strings, found {value!r}")
    return value


def _action_spec(data: object, where: str, allowed: tuple[str, ...]) -> tuple[str, Spec]:
    if isinstance(data, str):
        data = {"action": data}
    if isinstance(data, dict) and data.get("action") not in allowed:
        raise ConfigError(f"{where}.action: expected one of " + ", ".join(allowed))
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected an action name or a mapping with 'action'")
    action = str(data["action"])
    return action, Spec(data, where, ("action", *_SETTINGS[action]))


def _column_action(data: object, where: str, column: str, entities: dict[str, Action]) -> Action:
    action, spec = _action_spec(data, where, COLUMN_ACTIONS)
    if action == "generalise":
        return _generalise(spec)
    if action == "scrub":
        min_score = spec.number("min_score", SCRUB_MIN_SCORE)
        if min_score is None or not 0.0 <= min_score <= 1.0:
            raise spec.fail("min_score", "a number from 0 to 1")
        return Scrub(entities, spec.strings("entities"), spec.flag("secrets", True), min_score)
    return _value_action(action, spec, prefix_for(column), "<REDACTED>")


def _span_action(data: object, where: str, entity: str) -> Action:
    action, spec = _action_spec(data, where, SPAN_ACTIONS)
    plain = entity in ("default", "SECRET")  # the entity is only known when found
    prefix = ENTITY if plain else prefix_for(entity)
    return _value_action(action, spec, prefix, f"<{ENTITY}>" if plain else f"<{entity}>")


def _value_action(action: str, spec: Spec, prefix: str, label: str) -> Action:
    if action == "keep":
        return Keep()
    if action == "drop":
        return Drop()
    if action == "replace":
        return Replace(spec.text("with", label, nullable=True))
    if action == "mask":
        char = spec.text("char", "*") or "*"
        if len(char) != 1:
            raise spec.fail("char", "one character")
        first = spec.integer("show_first", 0, 0, 1000)
        last = spec.integer("show_last", 0, 0, 1000)
        return Mask(first, last, char, spec.text("preserve", "") or "")
    normalise = spec.strings("normalise", NORMALISE) or ()
    allow = spec.flag("allow_collisions", False)
    if action == "hash":
        return Hash(spec.integer("length", 64, MIN_DIGEST_DIGITS, 64), normalise, allow)
    chosen = spec.text("prefix", prefix) or prefix
    if chosen != ENTITY and not all(c.isalnum() or c in "_.-" for c in chosen):
        raise spec.fail("prefix", "letters, digits, '_', '.' or '-'")
    style = spec.choice("format", ("token", "email", "shape"), "token")
    length = spec.integer("length", MIN_DIGEST_DIGITS, MIN_DIGEST_DIGITS, 64)
    return Pseudonym(chosen, length, style, normalise, allow)


def _generalise(spec: Spec) -> Action:
    method = spec.choice("method", ("bins", "date", "prefix", "map"), None)
    if method == "bins":
        return _bins(spec)
    if method == "date":
        precision = spec.choice("precision", ("year", "month", "decade"), "year")
        return gen.DatePart(precision, spec.text("format", None))
    if method == "prefix":
        fill = spec.text("fill", None)
        if fill is not None and len(fill) != 1:
            raise spec.fail("fill", "one character")
        return gen.Prefix(spec.integer("keep", 3, 0, 100), fill)
    default: Any = gen.KEEP_UNMAPPED
    if spec.has("default"):
        default = spec.text("default", None, nullable=True)
    return gen.Categories(spec.table("mapping"), default)


def _bins(spec: Spec) -> Action:
    width = spec.number("width")
    edges = spec.numbers("edges")
    if (width is None) == (not edges):
        raise ConfigError(f"{spec.where}: give either width or edges for method bins")
    if width is not None and width <= 0:
        raise spec.fail("width", "a positive number")
    if any(b <= a for a, b in pairwise(edges)):
        raise spec.fail("edges", "numbers in increasing order")
    floor, ceiling = spec.number("floor"), spec.number("ceiling")
    if floor is not None and ceiling is not None and ceiling <= floor:
        raise spec.fail("ceiling", "a number above floor")
    return gen.Bins(width, spec.number("origin", 0.0) or 0.0, edges, floor, ceiling)
