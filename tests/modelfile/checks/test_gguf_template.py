import struct

import pytest

SAFE_TEMPLATE = (
    "{% for message in messages %}{{ '<|' + message['role'] + '|>' }}"
    "{{ message['content'] }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def gguf(metadata: dict, version: int = 3) -> bytes:
    out = b"GGUF" + struct.pack("<IQQ", version, 0, len(metadata))
    for key, value in metadata.items():
        out += gguf_string(key)
        if isinstance(value, str):
            out += struct.pack("<I", 8) + gguf_string(value)
        elif isinstance(value, list):
            out += struct.pack("<IIQ", 9, 5, len(value)) + struct.pack(f"<{len(value)}i", *value)
        else:
            out += struct.pack("<I", 4) + struct.pack("<I", value)
    return out


def test_an_ordinary_chat_template_is_clean(scan_bytes):
    metadata = {
        "general.architecture": "llama",
        "llama.block_count": 2,
        "tokenizer.ggml.token_type": [1, 2, 3],
        "tokenizer.chat_template": SAFE_TEMPLATE,
    }
    data = gguf(metadata)
    run = scan_bytes(data, "model.gguf")
    assert run.findings == []
    assert run.artefacts[0].format == "gguf"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "'__init__'"),
        ("{{ ''['__cla' ~ 'ss__'] }}", "'__class__' by subscript"),
        ("{{ ()|attr('__class__') }}", "'__class__' through the 'attr' filter"),
        ("{% set n = 'x' %}{{ ()|attr(n) }}", "computed name"),
        ("{{ lipsum }}", "global 'lipsum'"),
    ],
)
def test_sandbox_escapes_are_found_in_the_syntax_tree(scan_bytes, only, template, message):
    data = gguf({"tokenizer.chat_template": SAFE_TEMPLATE + template})
    findings = only(scan_bytes(data, "model.gguf"), "modelfile.gguf.template-escape")
    assert any(message in f.message for f in findings), [f.message for f in findings]
    assert findings[0].location.member == ("tokenizer.chat_template",)


def test_named_templates_are_checked_too(scan_bytes, only):
    data = gguf({"tokenizer.chat_template.tool_use": "{{ self.__dict__ }}"})
    assert only(scan_bytes(data, "model.gguf"), "modelfile.gguf.template-escape")


def test_truncated_header_is_malformed_not_a_crash(scan_bytes, only):
    data = gguf({"tokenizer.chat_template": SAFE_TEMPLATE})[:-10]
    run = scan_bytes(data, "model.gguf")
    assert only(run, "modelfile.format.malformed")
    assert run.errors == []


def test_random_metadata_never_crashes(tmp_path_factory):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from aisec.modelfile.scanner import scan

    directory = tmp_path_factory.mktemp("gguf")

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(st.binary(max_size=400))
    def check(body):
        path = directory / "fuzz.gguf"
        path.write_bytes(b"GGUF" + struct.pack("<I", 3) + body)
        run = scan([path])
        assert run.errors == []
        assert run.artefacts

    check()
