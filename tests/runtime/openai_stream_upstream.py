"""An OpenAI-compatible chat server for the gateway's tests, run as a subprocess:

    python openai_stream_upstream.py PORT

It answers every chat request with a fixed reply that echoes what it was sent (so a test
can see what reached it after the gateway's redaction) and, with ``"stream": true``,
streams it as server-sent events: the first event at once, the rest only after
``GET /release`` (so a test can prove the gateway passes the first event on before the
upstream has finished). A prompt containing "LEAK" makes the reply carry an e-mail
address and an AWS-shaped key id, built here at run time.
"""

from __future__ import annotations

import asyncio
import json
import sys

import uvicorn

RELEASE = asyncio.Event()


def _reply(body: dict) -> str:
    sent = " | ".join(str(m.get("content", "")) for m in body.get("messages", []))
    reply = f"echo: {sent}"
    if "LEAK" in sent:
        key_id = "AKIA" + "ABCDEFGHIJKLMNOP"
        reply += f" contact alice.smith@example.com, key {key_id}"
    return reply


async def _read(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/release":
        RELEASE.set()
        await _json(send, 200, {"released": True})
        return
    if path == "/health":
        await _json(send, 200, {"ok": True})
        return
    body = json.loads(await _read(receive) or b"{}")
    reply = _reply(body)
    if not body.get("stream"):
        await _json(
            send,
            200,
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply},
                        "finish_reason": "stop",
                    }
                ],
            },
        )
        return
    RELEASE.clear()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/event-stream")],
        }
    )
    words = reply.split(" ")
    for index, word in enumerate(words):
        piece = word if index == 0 else " " + word
        event = {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "model": body.get("model"),
            "choices": [{"index": 0, "delta": {"content": piece}}],
        }
        await send(
            {
                "type": "http.response.body",
                "body": f"data: {json.dumps(event)}\n\n".encode(),
                "more_body": True,
            }
        )
        if index == 0:
            await RELEASE.wait()
    await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})


async def _json(send, status, payload):
    data = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": data})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", lifespan="off")
