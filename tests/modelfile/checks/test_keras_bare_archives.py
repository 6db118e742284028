"""Zips that keras.saving.load_model opens although they lack Keras's other members.

Keras 3 builds the model from ``config.json`` before it looks for weights, and reads
weights from ``model.weights.h5`` or ``model.weights.npz``: the root config.json of any
zip is judged when it holds a serialised Keras object, wherever in the JSON (Keras
deserialises every ``{"class_name", "config"}`` it finds). Other JSON stays silent.
"""

import io
import json
import tarfile
import zipfile

from keras_builders import (
    dense,
    function_ref,
    lambda_function,
    lambda_layer,
    obj,
    sequential,
)

from aisec.core.severity import Severity

LAMBDA = "modelfile.keras.lambda-layer"
EXTERNAL = "modelfile.keras.external-reference"
HOSTILE = sequential(
    lambda_layer(lambda_function(), name="l"),
    lambda_layer(function_ref("os", "system"), name="m"),
)
# What transformers writes (BERT, and a quantised Llama with nested option objects).
BERT_CONFIG = {
    "architectures": ["BertForMaskedLM"],
    "attention_probs_dropout_prob": 0.1,
    "gradient_checkpointing": False,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": 768,
    "initializer_range": 0.02,
    "intermediate_size": 3072,
    "layer_norm_eps": 1e-12,
    "max_position_embeddings": 512,
    "model_type": "bert",
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "transformers_version": "4.6.0.dev0",
    "type_vocab_size": 2,
    "use_cache": True,
    "vocab_size": 30522,
}
LLAMA_CONFIG = {
    "_name_or_path": "meta-llama/Llama-3.2-1B-Instruct",
    "architectures": ["LlamaForCausalLM"],
    "attention_bias": False,
    "bos_token_id": 128000,
    "eos_token_id": [128001, 128008, 128009],
    "head_dim": 64,
    "hidden_act": "silu",
    "hidden_size": 2048,
    "id2label": {"0": "LABEL_0", "1": "LABEL_1"},
    "auto_map": {"AutoConfig": "configuration_llama.LlamaConfig"},
    "model_type": "llama",
    "num_hidden_layers": 16,
    "quantization_config": {
        "_load_in_4bit": True,
        "bnb_4bit_compute_dtype": "bfloat16",
        "bnb_4bit_quant_type": "nf4",
        "llm_int8_skip_modules": None,
        "quant_method": "bitsandbytes",
    },
    "rope_scaling": {
        "factor": 32.0,
        "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192,
        "rope_type": "llama3",
    },
    "task_specific_params": {"summarization": {"max_length": 200, "num_beams": 4}},
    "torch_dtype": "bfloat16",
    "transformers_version": "4.45.0",
    "vocab_size": 128256,
}


def zipped(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def formats(run):
    return {"/".join(a.location.member): a.format for a in run.artefacts}


def test_a_zip_with_only_config_json_is_a_keras_model(scan_bytes, only):
    run = scan_bytes(zipped({"config.json": json.dumps(HOSTILE)}), "model.keras")
    [lambda_finding] = only(run, LAMBDA)
    assert lambda_finding.severity is Severity.CRITICAL
    [external] = only(run, EXTERNAL)
    assert external.evidence["reference"] == "os.system"
    assert formats(run) == {"": "keras", "config.json": "keras-config"}


def test_npz_weights_make_a_keras_archive(scan_bytes, only):
    data = zipped({"config.json": "not json", "model.weights.npz": b"PK\x05\x06" + bytes(18)})
    run = scan_bytes(data, "model.keras")
    assert formats(run)["config.json"] == "keras-config"
    assert "modelfile.format.malformed" in {f.check_id for f in run.findings}
    run = scan_bytes(zipped({"config.json": json.dumps(HOSTILE), "model.weights.npz": b""}))
    assert only(run, LAMBDA)


def test_a_keras_object_nested_in_plain_json_is_judged(scan_bytes, only):
    """Keras deserialises the values of a root dict (or list) that is no object itself."""
    for root in ({"model": HOSTILE}, [{"x": 1}, HOSTILE]):
        run = scan_bytes(zipped({"config.json": json.dumps(root)}), "model.zip")
        assert only(run, LAMBDA), root
        assert formats(run)["config.json"] == "keras-config"


def test_a_root_module_is_enough(scan_bytes):
    config = obj("Custom", {"name": "x"}, module="evil.module")
    run = scan_bytes(zipped({"config.json": json.dumps({"module": config["module"]})}))
    assert formats(run)["config.json"] == "keras-config"


def test_hugging_face_configs_in_zips_stay_silent(scan_bytes):
    for config in (BERT_CONFIG, LLAMA_CONFIG):
        data = zipped(
            {
                "config.json": json.dumps(config, indent=2),
                "generation_config.json": json.dumps({"do_sample": True, "top_p": 0.9}),
                "tokenizer_config.json": json.dumps({"model_max_length": 512}),
            }
        )
        run = scan_bytes(data, "model.zip")
        assert run.findings == [], [f.message for f in run.findings]
        assert "keras" not in formats(run).values()
        assert "keras-config" not in formats(run).values()
        assert formats(run)[""] == "zip"


def test_other_json_and_other_containers_keep_their_analysis(scan_bytes):
    run = scan_bytes(zipped({"config.json": "{not json"}), "a.zip")
    assert run.findings == []
    assert formats(run)["config.json"] != "keras-config"
    run = scan_bytes(zipped({"nested/config.json": json.dumps(HOSTILE)}), "b.zip")
    assert "keras-config" not in formats(run).values()  # Keras reads the root one only
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:  # Keras opens zips only
        text = json.dumps(sequential(dense())).encode()
        info = tarfile.TarInfo("config.json")
        info.size = len(text)
        tar.addfile(info, io.BytesIO(text))
    assert "keras-config" not in formats(scan_bytes(buffer.getvalue(), "c.tar")).values()


def test_a_config_past_the_caps_is_claimed_only_when_it_names_keras_objects(
    scan_bytes, monkeypatch
):
    from aisec.modelfile.formats import keras_config

    monkeypatch.setattr(keras_config, "MAX_CONFIG_ITEMS", 10)
    run = scan_bytes(zipped({"config.json": json.dumps(HOSTILE)}), "a.zip")
    assert formats(run)["config.json"] == "keras-config"
    assert "modelfile.limits.exceeded" in {f.check_id for f in run.findings}
    run = scan_bytes(zipped({"config.json": json.dumps(LLAMA_CONFIG)}), "b.zip")
    assert "keras-config" not in formats(run).values()
