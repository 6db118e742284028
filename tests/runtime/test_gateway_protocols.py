"""Reading requests and answers by protocol: the shapes real servers use, and for any
JSON at all either rows or a ProtocolError, never another exception."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.runtime.config import CustomShape
from aisec.runtime.protocols import chat, tabular
from aisec.runtime.protocols.tabular import ProtocolError

NAMES = ("a", "b", "c")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


def test_kserve_one_tensor_of_rows():
    body = {
        "inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6]}]
    }
    rows = tabular.kserve_rows(body, NAMES, 10)
    assert rows.tolist() == [[1, 2, 3], [4, 5, 6]]


def test_kserve_nested_data_and_one_tensor_per_feature():
    nested = {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [[1, 2, 3]]}]}
    assert tabular.kserve_rows(nested, NAMES, 10).tolist() == [[1, 2, 3]]
    per_feature = {"inputs": [
        {"name": n, "shape": [2], "datatype": "FP64", "data": [i, i + 10]}
        for i, n in enumerate(("c", "a", "b"))
    ]}  # fmt: skip
    assert tabular.kserve_rows(per_feature, NAMES, 10).tolist() == [[1, 2, 0], [11, 12, 10]]


def test_mlflow_bodies_reorder_named_columns():
    split = {"dataframe_split": {"columns": ["c", "b", "a"], "data": [[3, 2, 1]]}}
    assert tabular.mlflow_rows(split, NAMES, 10).tolist() == [[1, 2, 3]]
    records = {"dataframe_records": [{"a": 1, "b": 2, "c": 3, "extra": 9}]}
    assert tabular.mlflow_rows(records, NAMES, 10).tolist() == [[1, 2, 3]]
    assert tabular.mlflow_rows({"instances": [[1, 2, 3]]}, NAMES, 10).tolist() == [[1, 2, 3]]
    assert tabular.mlflow_rows({"inputs": [1, 2, 3]}, NAMES, 10).tolist() == [[1, 2, 3]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"instances": [[1, 2]]}, "takes 3 features"),
        ({"instances": [[1, 2, float("nan")]]}, "NaN"),
        ({"instances": [[1, 2, "x"]]}, "numbers only"),
        ({"instances": [[1, 2, 3]] * 11}, "at most 10"),
        ({"dataframe_records": [{"a": 1, "b": 2}]}, "lacks the feature 'c'"),
        ({"something": 1}, "needs one of"),
    ],
)
def test_mlflow_refusals_say_why(body, message):
    with pytest.raises(ProtocolError, match=message):
        tabular.mlflow_rows(body, NAMES, 10)


def test_custom_shape_by_json_pointer():
    shape = CustomShape(inputs="/payload/rows", predictions="/out/labels", probabilities="/out/p")
    rows = tabular.custom_rows({"payload": {"rows": [[1, 2, 3]]}}, NAMES, shape, 10)
    assert rows.tolist() == [[1, 2, 3]]
    predictions, probabilities = tabular.list_answers(
        {"out": {"labels": [1], "p": [[0.25, 0.75]]}}, 1, shape.predictions, shape.probabilities
    )
    assert predictions.tolist() == [1] and probabilities.tolist() == [[0.25, 0.75]]
    with pytest.raises(ProtocolError, match="nothing at /payload/rows"):
        tabular.custom_rows({"payload": {}}, NAMES, shape, 10)


def test_kserve_answers_find_labels_and_probabilities():
    body = {"outputs": [
        {"name": "predict", "shape": [2], "datatype": "INT64", "data": [0, 1]},
        {"name": "predict_proba", "shape": [2, 2], "datatype": "FP64",
         "data": [0.9, 0.1, 0.2, 0.8]},
    ]}  # fmt: skip
    predictions, probabilities = tabular.kserve_answers(body, 2)
    assert predictions.tolist() == [0, 1]
    np.testing.assert_allclose(probabilities, [[0.9, 0.1], [0.2, 0.8]])


def test_scores_that_are_not_probabilities_are_not_read_as_such():
    body = {"predictions": [[2.0, -1.0], [0.5, 3.0]]}
    predictions, probabilities = tabular.list_answers(body, 2, "/predictions", None)
    assert probabilities is None
    assert predictions.tolist() == [0, 1]


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_gives_rows_or_a_protocol_error(value):
    for read in (
        lambda v: tabular.kserve_rows(v, NAMES, 10),
        lambda v: tabular.mlflow_rows(v, NAMES, 10),
        lambda v: tabular.mlflow_rows(v, (), 10),
        lambda v: tabular.custom_rows(v, NAMES, CustomShape(inputs="/0/x"), 10),
    ):
        try:
            rows = read(value)
        except ProtocolError:
            continue
        assert rows.ndim == 2 and np.isfinite(rows).all() and rows.shape[0] <= 10


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_answer_is_read_or_ignored(value):
    tabular.kserve_answers(value, 2)
    tabular.list_answers(value, 2, "/predictions", "/p")
    chat.answer_text(value)
    try:
        text = chat.prompt_text(value)
    except ProtocolError:
        return
    assert isinstance(text, str)


def test_chat_prompt_text_reads_strings_and_text_parts():
    body = {"messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": [{"type": "text", "text": "hi"},
                                     {"type": "image_url", "image_url": {"url": "x"}}]},
    ]}  # fmt: skip
    assert chat.prompt_text(body) == "be brief\n\nhi"
    rewritten = chat.rewrite_prompt(body, str.upper)
    assert chat.prompt_text(rewritten) == "BE BRIEF\n\nHI"
    assert rewritten["messages"][1]["content"][1]["type"] == "image_url"
    assert chat.prompt_text({"prompt": ["a", "b"]}) == "a\n\nb"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=8), st.integers(min_value=1, max_value=7))
def test_the_stream_reader_gets_the_same_answer_however_the_bytes_are_cut(pieces, cut):
    events = (
        b"".join(
            f"data: {json.dumps({'choices': [{'delta': {'content': p}}]})}\n\n".encode()
            for p in pieces
        )
        + b"data: [DONE]\n\n"
    )
    reader = chat.StreamReader()
    for start in range(0, len(events), cut):
        reader.feed(events[start : start + cut])
    assert reader.answer() == "".join(pieces)
    assert reader.events == len(pieces)


def test_every_string_the_upstream_reads_is_scanned_and_rewritten():
    body = {
        "model": "m",
        "messages": [
            {"role": "user", "content": [{"type": "input_text", "text": "A"}]},
            {"role": "assistant", "tool_calls": [
                {"id": "c1", "type": "function",
                 "function": {"name": "lookup", "arguments": '{"who": "B"}'}}]},
        ],
        "prompt": "C",
        "tools": [{"type": "function", "function": {"description": "D"}}],
    }  # fmt: skip
    text = chat.prompt_text(body)
    for piece in ("A", '{"who": "B"}', "C", "D", "lookup"):
        assert piece in text
    rewritten = chat.rewrite_prompt(body, lambda s: s.lower())
    assert chat.prompt_text(rewritten) == text.lower()
    assert rewritten["model"] == "m" and rewritten["messages"][0]["role"] == "user"


def test_answers_are_read_and_rewritten_whole_and_log_probabilities_dropped():
    body = {"choices": [{
        "index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": "X", "reasoning_content": "Y",
                    "tool_calls": [{"function": {"name": "f", "arguments": "Z"}}]},
        "logprobs": {"content": [{"token": "W"}]},
    }]}  # fmt: skip
    assert set(chat.answer_text(body).split("\n")) == {"X", "Y", "f", "Z", "W"}
    rewritten = chat.rewrite_answer(body, lambda s: s.lower())
    choice = rewritten["choices"][0]
    assert "logprobs" not in choice and choice["finish_reason"] == "stop"
    assert choice["message"]["tool_calls"][0]["function"]["arguments"] == "z"


def test_client_headers_named_by_connection_and_forwarding_claims_stay_behind():
    from aisec.runtime.proxy.asgi import forwardable

    scope = {"headers": [(b"connection", b"x-secret-hop"), (b"x-secret-hop", b"1"),
                         (b"x-forwarded-for", b"10.9.9.9"), (b"forwarded", b"for=1.2.3.4"),
                         (b"content-type", b"application/json")]}  # fmt: skip
    kept = forwardable(scope)
    assert kept["content-type"] == "application/json"
    assert not {"x-secret-hop", "x-forwarded-for", "forwarded"} & set(kept)
