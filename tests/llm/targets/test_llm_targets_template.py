"""The body template and the answer path: strict parsing, safe filling, exact reading."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aisec.core.errors import ConfigError
from aisec.llm.targets.template import (
    PLACEHOLDER,
    PathMissing,
    fill,
    format_path,
    parse_path,
    parse_template,
    read_path,
)

MESSAGES = [{"role": "system", "content": "be nice"}, {"role": "user", "content": "hi"}]

# JSON scalars, and strings that may hold placeholders among other text.
scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
)
texts = st.lists(st.sampled_from(["{{prompt}}", "{{ system }}", "a", '"', "\\", "\n", "{", "}"]),
                 max_size=6).map("".join) | st.text(max_size=20)  # fmt: skip
json_values = st.recursive(
    scalars | texts,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(st.text(), st.text())
def test_any_prompt_round_trips_through_json(prompt, system):
    template = parse_template('{"input": {"text": "{{prompt}}", "ctx": "[{{system}}]"}, "n": 1}')
    sent = json.loads(json.dumps(fill(template, prompt, system, MESSAGES)))
    assert sent == {"input": {"text": prompt, "ctx": f"[{system}]"}, "n": 1}


@given(st.text())
def test_a_prompt_holding_placeholders_is_not_expanded_again(prompt):
    template = parse_template({"q": "{{prompt}}", "s": "{{system}}"})
    evil = prompt + "{{system}}{{messages}}"
    assert fill(template, evil, "SYS", MESSAGES) == {"q": evil, "s": "SYS"}


@given(json_values.filter(lambda v: isinstance(v, dict)), st.text())
def test_filling_any_template_gives_json_with_no_placeholder_left(template, prompt):
    template = {**template, "prompt": "{{prompt}}"}
    spelled = {m.group(1) for m in PLACEHOLDER.finditer(json.dumps(template))}
    assume(spelled <= {"prompt", "system"})  # generated text can spell an unknown one
    parsed = parse_template(json.dumps(template))
    filled = fill(parsed, prompt, "S", MESSAGES)
    text = json.dumps(filled)
    assert json.loads(text)["prompt"] == prompt
    without_prompt = {k: v for k, v in filled.items() if k != "prompt"}
    assert "{{prompt}}" not in json.dumps(without_prompt) or "{{prompt}}" in prompt


def test_messages_replaced_by_the_list():
    template = parse_template({"history": "{{messages}}", "meta": ["{{ messages }}"]})
    assert fill(template, "p", "s", MESSAGES) == {"history": MESSAGES, "meta": [MESSAGES]}


@pytest.mark.parametrize(("template", "message"), [
    ('{"q": "{{prompt}}"', "not valid JSON"),
    ('{"q": "{{prompt}}", "q": 1}', "not valid JSON"),
    ('{"q": "{{prompt}}", "n": NaN}', "not valid JSON"),
    ('["{{prompt}}"]', "must be a JSON object"),
    ('{"q": "{{question}}"}', "unknown placeholder"),
    ('{"q": "history: {{messages}}"}', "whole string"),
    ('{"{{prompt}}": 1}', "keys"),
    ('{"q": "static"}', "no {{prompt}}"),
])  # fmt: skip
def test_bad_templates(template, message):
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        parse_template(template)


def test_template_values_must_be_json():
    with pytest.raises(ConfigError, match="not a JSON value"):
        parse_template({"q": "{{prompt}}", "when": object()})


@pytest.mark.parametrize(("path", "steps"), [
    ("answer", ("answer",)),
    ("choices.0.message.content", ("choices", 0, "message", "content")),
    ("choices[0].message.content", ("choices", 0, "message", "content")),
    ("data.output.text", ("data", "output", "text")),
    ("items[-1][2]", ("items", -1, 2)),
    ("", ()),
])  # fmt: skip
def test_parse_path(path, steps):
    assert parse_path(path) == steps


@pytest.mark.parametrize("path", ["a..b", ".a", "a.", "a[x]", "a[0", "a]0", "a[0]b"])
def test_bad_paths(path):
    with pytest.raises(ConfigError):
        parse_path(path)


def test_read_path_explains_what_is_missing():
    data = {"choices": [{"message": {"content": "hi"}}], "0": "zero"}
    assert read_path(data, parse_path("choices.0.message.content")) == "hi"
    assert read_path(data, parse_path("choices.-1.message")) == {"content": "hi"}
    assert read_path(data, parse_path("0")) == "zero"  # a number names a key of an object
    with pytest.raises(PathMissing, match=r"choices has 1 items, no item 1"):
        read_path(data, parse_path("choices.1.message"))
    with pytest.raises(PathMissing, match=r"choices.0.message \(object\) has no 'text'"):
        read_path(data, parse_path("choices.0.message.text"))
    with pytest.raises(PathMissing, match=r"\(str\) has no"):
        read_path(data, parse_path("choices.0.message.content.x"))


keys = st.text(min_size=1, max_size=8).filter(
    lambda k: not any(c in k for c in ".[]") and not k.lstrip("-").isdigit()
)
steps = st.lists(keys | st.integers(-3, 5), max_size=6)


def build(path, leaf):
    """A structure in which ``path`` leads to ``leaf``, with decoys beside it."""
    if not path:
        return leaf
    step, rest = path[0], path[1:]
    inner = build(rest, leaf)
    if isinstance(step, int):
        size = step + 1 if step >= 0 else -step
        items = [{"decoy": i} for i in range(size)]
        items[step] = inner
        return items
    return {step: inner, step + "_decoy": "no"}


@given(steps, json_values)
def test_read_path_finds_the_leaf(path, leaf):
    assert parse_path(format_path(path)) == tuple(path)
    assert read_path(build(path, leaf), parse_path(format_path(path))) == leaf


@given(json_values, steps)
def test_read_path_never_fails_otherwise(data, path):
    with contextlib.suppress(PathMissing):
        read_path(data, path)
