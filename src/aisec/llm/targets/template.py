"""The two small languages of :class:`~aisec.llm.targets.http_template.HttpTemplateTarget`:
a JSON body with placeholders, and a dotted path to the answer in the JSON it gets back.

Placeholders are filled in the parsed JSON, never in its text: the body is serialised
after filling, so a prompt with quotes, backslashes or newlines cannot break out of its
string or inject keys. Filling is one pass, so a prompt that itself contains
``{{system}}`` stays as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from aisec.core.errors import ConfigError

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
TEXT_NAMES = frozenset({"prompt", "system"})
WHOLE_NAMES = frozenset({"messages"})  # replaced by a JSON value, so only as a whole string
_INDEX = re.compile(r"-?[0-9]+")
_SEGMENT = re.compile(r"([^.\[\]]*)((?:\[-?[0-9]+\])*)")

Step = str | int


def parse_template(template: Mapping[str, Any] | str) -> dict[str, Any]:
    """The template as JSON data, after checking every placeholder in it."""
    if isinstance(template, str):
        try:
            template = json.loads(template, parse_constant=_no_constant,
                                  object_pairs_hook=_no_duplicates)  # fmt: skip
        except ValueError as exc:
            raise ConfigError(f"body_template is not valid JSON: {exc}") from None
    if not isinstance(template, Mapping):
        raise ConfigError("body_template must be a JSON object")
    used = _check(template, "body_template")
    if not used & {"prompt", "messages"}:
        raise ConfigError(
            "body_template has no {{prompt}} or {{messages}}",
            hint="put {{prompt}} where the endpoint reads the user's text",
        )
    return dict(template)


def _check(value: Any, where: str) -> set[str]:
    if isinstance(value, Mapping):
        used: set[str] = set()
        for key, item in value.items():
            if not isinstance(key, str) or PLACEHOLDER.search(key):
                raise ConfigError(f"{where}: keys must be plain strings, not {key!r}")
            used |= _check(item, f"{where}.{key}")
        return used
    if isinstance(value, list):
        return set().union(*(_check(item, f"{where}[{i}]") for i, item in enumerate(value)))
    if isinstance(value, str):
        names = set(PLACEHOLDER.findall(value))
        unknown = sorted(names - TEXT_NAMES - WHOLE_NAMES)
        if unknown:
            raise ConfigError(f"{where}: unknown placeholder {{{{{unknown[0]}}}}}",
                              hint="use {{prompt}}, {{system}} or {{messages}}")  # fmt: skip
        if names & WHOLE_NAMES and not PLACEHOLDER.fullmatch(value.strip()):
            raise ConfigError(f"{where}: {{{{messages}}}} must be the whole string value")
        return names
    if value is None or isinstance(value, bool | int | float):
        return set()
    raise ConfigError(f"{where}: {type(value).__name__} is not a JSON value")


def fill(template: Any, prompt: str, system: str, messages: Sequence[Mapping[str, Any]]) -> Any:
    """A copy of ``template`` with the placeholders replaced."""
    if isinstance(template, Mapping):
        return {key: fill(item, prompt, system, messages) for key, item in template.items()}
    if isinstance(template, list):
        return [fill(item, prompt, system, messages) for item in template]
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template.strip())
        if whole and whole.group(1) in WHOLE_NAMES:
            return [dict(m) for m in messages]
        texts = {"prompt": prompt, "system": system}
        return PLACEHOLDER.sub(lambda m: texts[m.group(1)], template)
    return template


def parse_path(path: str) -> tuple[Step, ...]:
    """``choices.0.message.content`` or ``choices[0].message.content`` as steps; a step
    that is a whole (possibly negative) number indexes a list. ``""`` is the whole body."""
    if path == "":
        return ()
    steps: list[Step] = []
    for segment in path.split("."):
        match = _SEGMENT.fullmatch(segment)
        if match is None or segment == "":
            raise ConfigError(f"answer_path {path!r}: cannot read the step {segment!r}",
                              hint="write it as choices.0.message.content")  # fmt: skip
        name, indices = match.groups()
        if name:
            steps.append(int(name) if _INDEX.fullmatch(name) else name)
        steps.extend(int(i) for i in re.findall(r"-?[0-9]+", indices))
    return tuple(steps)


def format_path(steps: Sequence[Step]) -> str:
    return ".".join(str(step) for step in steps)


class PathMissing(LookupError):
    """The answer has nothing at a path; the message says which step failed."""


def read_path(data: Any, steps: Sequence[Step]) -> Any:
    for depth, step in enumerate(steps):
        here = format_path(steps[:depth]) or "the top"
        if isinstance(data, list) and isinstance(step, int):
            if not -len(data) <= step < len(data):
                raise PathMissing(f"{here} has {len(data)} items, no item {step}")
            data = data[step]
        elif isinstance(data, Mapping) and str(step) in data:
            data = data[str(step)]
        else:
            kind = type(data).__name__ if not isinstance(data, Mapping) else "object"
            raise PathMissing(f"{here} ({kind}) has no {step!r}")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate key in {keys}")
    return dict(pairs)
