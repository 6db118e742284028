"""OpenAI-compatible chat through the gateway, against a real streaming server in a
subprocess: streamed answers passed on as they arrive, personal data redacted from
prompts and answers, secrets in prompts blocked, the traffic log written."""

from __future__ import annotations

import json

import httpx
import pytest
from gateway_processes import gateway_thread, openai_server, write_config

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def chat(tmp_path_factory):
    from aisec.core.settings import Settings
    from aisec.runtime.assemble import build_gateway
    from aisec.runtime.config import load_config
    from aisec.store.store import open_store

    home = tmp_path_factory.mktemp("gateway-chat")
    with openai_server() as upstream:
        path = write_config(home, {
            "models": [
                {"name": "assistant", "protocol": "openai", "upstream": upstream,
                 "upstream_model": "tiny-llm",
                 "detectors": {"llm.pii": {"action": "redact", "stage": "both"},
                               "llm.secrets": {"action": "block"}}},
            ],
        })  # fmt: skip
        store = open_store(f"sqlite:///{home / 'aisec.db'}")
        _, key = store.gateway_keys.create("chat-app", actor="test")
        gateway = build_gateway(load_config(path), store,
                                Settings(audit_key=str(home / "audit-key.pem")))  # fmt: skip
        with gateway_thread(gateway) as url:
            yield {"url": url, "upstream": upstream, "key": key, "store": store,
                   "gateway": gateway}  # fmt: skip
        store.close()


def _chat(chat, messages, *, stream=False, path="/openai/assistant/v1/chat/completions"):
    body = {"model": "assistant", "messages": messages, "stream": stream}
    return httpx.post(chat["url"] + path, json=body, timeout=30,
                      headers={"authorization": f"Bearer {chat['key']}"})  # fmt: skip


def test_a_plain_chat_reaches_the_model_under_its_upstream_name(chat):
    answer = _chat(chat, [{"role": "user", "content": "hello there"}])
    assert answer.status_code == 200
    data = answer.json()
    assert data["model"] == "tiny-llm"
    assert data["choices"][0]["message"]["content"] == "echo: hello there"


def test_the_single_base_url_route_picks_the_model_from_the_body(chat):
    answer = _chat(chat, [{"role": "user", "content": "hi"}], path="/v1/chat/completions")
    assert answer.status_code == 200
    assert answer.json()["choices"][0]["message"]["content"] == "echo: hi"


def test_personal_data_is_redacted_before_the_model_sees_it(chat):
    answer = _chat(chat, [{"role": "user", "content": "write to bob.jones@example.org now"}])
    assert answer.status_code == 200
    echoed = answer.json()["choices"][0]["message"]["content"]
    assert "bob.jones@example.org" not in echoed
    assert "[REDACTED:EMAIL_ADDRESS]" in echoed
    assert "llm.pii" in answer.headers["x-aisec-detections"]


def test_personal_data_in_the_answer_is_redacted_before_the_client_sees_it(chat):
    answer = _chat(chat, [{"role": "user", "content": "LEAK please"}])
    assert answer.status_code == 200
    text = answer.json()["choices"][0]["message"]["content"]
    assert "alice.smith@example.com" not in text
    assert "[REDACTED:EMAIL_ADDRESS]" in text


def test_a_secret_in_the_prompt_is_blocked(chat):
    leaked = "AKIA" + "QWERTYUIOPASDFGH"
    answer = _chat(chat, [{"role": "user", "content": f"my key is {leaked}"}])
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "AISEC-E712"
    assert leaked not in answer.text


def test_a_streamed_answer_is_passed_on_as_it_arrives(chat):
    """The upstream sends its first event and then waits for /release: if the gateway
    held the stream back, the first event would never arrive before the release."""
    body = {"model": "assistant", "stream": True,
            "messages": [{"role": "user", "content": "stream me three words"}]}  # fmt: skip
    headers = {"authorization": f"Bearer {chat['key']}"}
    url = chat["url"] + "/openai/assistant/v1/chat/completions"
    events = []
    with httpx.stream("POST", url, json=body, headers=headers, timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        for line in lines:
            if line.startswith("data: "):
                events.append(line)
                break
        # Only now may the upstream go on: the first event came through on its own.
        assert httpx.get(chat["upstream"] + "/release", timeout=10).status_code == 200
        events.extend(line for line in lines if line.startswith("data: "))
    assert events[-1] == "data: [DONE]"
    pieces = [json.loads(e[6:])["choices"][0]["delta"]["content"] for e in events[:-1]]
    assert "".join(pieces) == "echo: stream me three words"


def test_a_streamed_answer_with_personal_data_is_reported(chat):
    """Sent already, it cannot be withheld: the redact action becomes an alert, and the
    traffic log records what the detector found."""
    body = {"model": "assistant", "stream": True,
            "messages": [{"role": "user", "content": "LEAK while streaming"}]}  # fmt: skip
    headers = {"authorization": f"Bearer {chat['key']}"}
    url = chat["url"] + "/openai/assistant/v1/chat/completions"
    with httpx.stream("POST", url, json=body, headers=headers, timeout=30) as response:
        request_id = response.headers["x-aisec-request-id"]
        first = True
        for _ in response.iter_lines():
            if first:
                httpx.get(chat["upstream"] + "/release", timeout=10)
                first = False
    log = chat["gateway"].log
    assert log.flush(timeout=30)
    entry = next(e for e in chat["store"].gateway_log.iter_entries()
                 if e.payload.get("request_id") == request_id)  # fmt: skip
    assert entry.action == "alert"
    assert "llm.pii" in entry.payload["fired"]
    assert entry.payload["output"]["streamed"] is True


def test_every_chat_request_is_in_the_traffic_log(chat):
    log = chat["gateway"].log
    assert log.flush(timeout=30)
    counters = log.counters()
    assert counters.written == counters.recorded > 0
    entries = list(chat["store"].gateway_log.iter_entries())
    assert len(entries) == counters.recorded
    assert all(e.client == "chat-app" and e.model == "assistant" for e in entries)
    # Digests only: no prompt or answer text is kept in the log.
    assert not any("example" in json.dumps(e.payload) for e in entries)


def test_a_prompt_longer_than_the_detectors_scan_is_refused(chat):
    padded = " " * 200_001 + "I am bob.smith@example.com"
    answer = _chat(chat, [{"role": "user", "content": padded}])
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "AISEC-E711"


def test_stream_must_be_a_boolean(chat):
    body = {"model": "assistant", "stream": "true",
            "messages": [{"role": "user", "content": "LEAK please"}]}  # fmt: skip
    answer = httpx.post(chat["url"] + "/openai/assistant/v1/chat/completions", json=body,
                        headers={"authorization": f"Bearer {chat['key']}"}, timeout=30)  # fmt: skip
    assert answer.status_code == 422


def test_every_text_part_is_scanned_not_only_type_text(chat):
    content = [{"type": "input_text", "text": "mail carol.white@example.net please"}]
    answer = _chat(chat, [{"role": "user", "content": content}])
    assert answer.status_code == 200
    echoed = answer.json()["choices"][0]["message"]["content"]
    assert "carol.white@example.net" not in echoed and "[REDACTED:EMAIL_ADDRESS]" in echoed
