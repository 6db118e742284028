"""MCP configurations: servers with command, args and URL; env and header values never."""

from __future__ import annotations

import json

from aisec.discovery.mcp import servers

KEY = "sk-ant-api03-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA"


def test_claude_desktop_and_vscode_shapes():
    config = {
        "mcpServers": {"fs": {"command": "npx", "args": ["-y", "server-fs"], "env": {"A": "1"}}},
        "servers": {
            "remote": {
                "type": "http",
                "url": "https://user:pw@mcp.example.com:8443/mcp?token=abc#x",
                "headers": {"Authorization": "Bearer abc"},
            }
        },
    }
    text = json.dumps(config, indent=2)
    found = {name: (details, line) for name, details, line in servers(config, text)}
    assert found["fs"] == ({"command": "npx", "args": ["-y", "server-fs"], "env_keys": ["A"]}, 3)
    remote, _ = found["remote"]
    assert remote == {
        "type": "http",
        "url": "https://user@mcp.example.com:8443/mcp?…",
        "headers_keys": ["Authorization"],
    }
    assert "pw" not in json.dumps(remote) and "abc" not in json.dumps(remote)


def test_keys_in_arguments_are_redacted():
    config = {"mcpServers": {"x": {"command": "run", "args": ["--api-key", KEY]}}}
    ((_, details, _),) = servers(config, json.dumps(config))
    assert details["args"] == ["--api-key", "sk-ant-…dCbA"]


def test_other_json_is_no_configuration():
    assert servers(["not", "a", "dict"], "") == []
    assert servers({"mcpServers": ["x"]}, "") == []
    assert servers({"mcpServers": {"x": "y"}}, "") == []
