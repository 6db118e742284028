"""No false positives on the non-pickle formats, as their real writers produce them.

ONNX from onnx.helper and skl2onnx (embedded and external weights), safetensors from
its numpy and torch writers, GGUF from the gguf package's writer with the chat templates
models ship, and the data-only formats (XGBoost, LightGBM, Core ML). Each must be
analysed with its type, give nothing at medium or above and exit 0.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from fixtures import describe_run

from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.core.severity import Severity
from aisec.modelfile.scanner import scan

FAIL_ON = Settings().fail_on


def assert_clean(run, formats=None):
    loud = [f for f in run.findings if f.severity >= Severity.MEDIUM]
    assert loud == [], describe_run(run)
    assert run.exit_code(FAIL_ON) == 0, describe_run(run)
    assert all(a.status is ArtefactStatus.ANALYSED for a in run.artefacts), describe_run(run)
    if formats is not None:
        assert sorted(a.format for a in run.artefacts) == sorted(formats), describe_run(run)


@pytest.fixture(scope="module")
def iris():
    from sklearn.datasets import load_iris

    x, y = load_iris(return_X_y=True)
    return x.astype(np.float32), y


# -- ONNX ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sklearn_models(iris):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = iris
    return {
        "logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(x, y),
        "forest": RandomForestClassifier(n_estimators=5, random_state=0).fit(x, y),
        "mlp": MLPClassifier((8,), max_iter=50, random_state=0).fit(x, y),
    }


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", ["logistic", "forest", "mlp"])
def test_onnx_from_skl2onnx(tmp_path, sklearn_models, name):
    skl2onnx = pytest.importorskip("skl2onnx")
    from skl2onnx.common.data_types import FloatTensorType

    model = sklearn_models[name]
    onx = skl2onnx.convert_sklearn(model, initial_types=[("x", FloatTensorType([None, 4]))])
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(onx.SerializeToString())
    assert_clean(scan([path]), ["onnx"])


def test_onnx_with_external_data_written_by_onnx(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    weights = [
        numpy_helper.from_array(np.random.default_rng(0).random((64, 64), np.float32), f"w{i}")
        for i in range(3)
    ]
    nodes = [helper.make_node("MatMul", ["x", "w0"], ["h0"])]
    nodes += [helper.make_node("MatMul", [f"h{i - 1}", f"w{i}"], [f"h{i}"]) for i in (1, 2)]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("h2", TensorProto.FLOAT, [1, 64])],
        weights,
    )
    model = helper.make_model(graph)
    onnx.save_model(
        model,
        str(tmp_path / "model.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="model.onnx.data",
        size_threshold=0,
    )
    # The weights file has no signature of its own: it is recognised because the model
    # names it, and a scan of the directory is clean with nothing skipped.
    assert_clean(scan([tmp_path]), ["onnx", "onnx-external-data"])
    # Scanned alone, with no model naming it, it stays an unknown (skipped) file.
    alone = scan([tmp_path / "model.onnx.data"])
    assert [a.status for a in alone.artefacts] == [ArtefactStatus.SKIPPED]


# -- safetensors -------------------------------------------------------------------------
def test_safetensors_from_the_numpy_writer(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    tensors = {
        "embed": np.zeros((10, 8), np.float16),
        "bias": np.arange(8, dtype=np.int64),
        "mask": np.ones((3,), dtype=np.bool_),
        "scalar": np.array(1.5, dtype=np.float64),
        "empty": np.zeros((0, 4), np.float32),
    }
    path = tmp_path / "model.safetensors"
    st.save_file(tensors, str(path), metadata={"format": "np", "note": "ok"})
    assert_clean(scan([path]), ["safetensors"])


def test_safetensors_from_the_torch_writer(tmp_path):
    torch = pytest.importorskip("torch")
    st = pytest.importorskip("safetensors.torch")
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    path = tmp_path / "model.safetensors"
    st.save_model(model, str(path), metadata={"format": "pt"})
    assert_clean(scan([path]), ["safetensors"])


# -- GGUF --------------------------------------------------------------------------------
CHAT_TEMPLATES = {
    "chatml": (
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
        "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    ),
    "llama": (
        "{{ bos_token }}{% for message in messages %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Conversation roles must alternate user/assistant') }}{% endif %}"
        "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] | trim + ' [/INST]' }}"
        "{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'] | trim + eos_token }}"
        "{% endif %}{% endfor %}"
    ),
    "tools": (
        "{%- if tools %}{%- for tool in tools %}{{- tool | tojson(indent=4) }}{%- endfor %}"
        "{%- endif %}{%- for message in messages %}{{- message.role }}: "
        "{{- message.content }}{%- if message.tool_calls is defined %}"
        "{%- for call in message.tool_calls %}{{ call.function.name }}"
        "{{ call.function.arguments | tojson }}{%- endfor %}{%- endif %}{%- endfor %}"
    ),
}


@pytest.mark.parametrize("template", sorted(CHAT_TEMPLATES))
def test_gguf_from_the_gguf_writer(tmp_path, template):
    gguf = pytest.importorskip("gguf")
    path = tmp_path / "model.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_block_count(1)
    writer.add_context_length(128)
    writer.add_chat_template(CHAT_TEMPLATES[template])
    writer.add_tokenizer_model("llama")
    writer.add_token_list(["<s>", "</s>", "a", "b"])
    writer.add_tensor("token_embd.weight", np.zeros((4, 8), np.float32))
    writer.add_tensor("output.weight", np.ones((8, 4), np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    assert_clean(scan([path]), ["gguf"])


# -- data-only formats -------------------------------------------------------------------
def test_xgboost_models_in_every_format(tmp_path, iris):
    xgb = pytest.importorskip("xgboost")
    x, y = iris
    model = xgb.XGBClassifier(n_estimators=3, max_depth=2).fit(x, y)
    model.save_model(tmp_path / "model.json")
    model.save_model(tmp_path / "model.ubj")
    model.get_booster().dump_model(str(tmp_path / "dump.txt"))
    assert_clean(scan([tmp_path]), ["xgboost-dump", "xgboost-json", "xgboost-ubjson"])


def test_lightgbm_models_as_text_and_json(tmp_path, iris):
    lgb = pytest.importorskip("lightgbm")
    import json

    x, y = iris
    params = {"objective": "multiclass", "num_class": 3, "verbose": -1}
    booster = lgb.train(params, lgb.Dataset(x, y), num_boost_round=3)
    booster.save_model(tmp_path / "model.txt")
    (tmp_path / "model.json").write_text(json.dumps(booster.dump_model()))
    assert_clean(scan([tmp_path]), ["lightgbm", "lightgbm-json"])


def test_coreml_model_specifications(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model_pb2 = pytest.importorskip("coremltools.proto.Model_pb2")
        feature_types = pytest.importorskip("coremltools.proto.FeatureTypes_pb2")
    spec = model_pb2.Model()
    spec.specificationVersion = 4
    features = spec.description.input.add()
    features.name = "x"
    features.type.multiArrayType.shape.append(4)
    features.type.multiArrayType.dataType = feature_types.ArrayFeatureType.DOUBLE
    target = spec.description.output.add()
    target.name = "y"
    target.type.doubleType.SetInParent()
    weights = spec.glmRegressor.weights.add()
    weights.value.extend([0.1, 0.2, 0.3, 0.4])
    spec.glmRegressor.offset.append(0.5)
    path = tmp_path / "model.mlmodel"
    path.write_bytes(spec.SerializeToString())
    assert_clean(scan([path]), ["coreml"])


@pytest.mark.parametrize("model_type", ["unigram", "bpe", "word", "char"])
def test_sentencepiece_tokenizer_models(tmp_path, model_type):
    spm = pytest.importorskip("sentencepiece")
    words = ["model", "security", "scan", "tensor", "graph", "layer", "token", "weights"]
    lines = [" ".join(words[(i * 7 + j) % len(words)] for j in range(10)) for i in range(200)]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(lines))
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(tmp_path / "tokenizer"),
        vocab_size=24,
        model_type=model_type,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    corpus.unlink()
    assert_clean(scan([tmp_path / "tokenizer.model"]), ["sentencepiece"])
