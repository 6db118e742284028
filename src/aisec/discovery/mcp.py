"""MCP server configurations: which servers an AI client in this repository would start
or reach. Environment variables are listed by name only; their values are secrets."""

from __future__ import annotations

import re
from typing import Any

from aisec.discovery.keys import redact_text

# File names clients read their MCP servers from (Claude Desktop, Claude Code, VS Code,
# Cursor, Windsurf, Cline ...).
MCP_FILE_NAMES = frozenset(
    {
        "mcp.json",
        ".mcp.json",
        "claude_desktop_config.json",
        "mcp_config.json",
        "cline_mcp_settings.json",
        "mcp_settings.json",
    }
)
_MAX_ARGS = 50


def servers(data: Any, text: str) -> list[tuple[str, dict[str, Any], int | None]]:
    """(name, details, line) of every server in a configuration."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[str, dict[str, Any], int | None]] = []
    for map_name in ("mcpServers", "servers"):
        table = data.get(map_name)
        if not isinstance(table, dict):
            continue
        for name, server in table.items():
            if isinstance(server, dict):
                found.append((str(name), _details(server), _line(text, str(name))))
    return found


def _details(server: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in ("command", "url", "type", "transport"):
        value = server.get(field)
        if isinstance(value, str):
            out[field] = redact_text(_without_credentials(value) if field == "url" else value)
    args = server.get("args")
    if isinstance(args, list):
        out["args"] = [redact_text(str(a)) for a in args[:_MAX_ARGS]]
    for field in ("env", "headers"):
        value = server.get(field)
        if isinstance(value, dict):
            out[f"{field}_keys"] = sorted(str(k) for k in value)
    return out


def _without_credentials(url: str) -> str:
    """A URL without a password and without its query (where tokens travel: ?key=...)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparsable URL>"
    user = f"{parts.username}@" if parts.username else ""
    query = "…" if parts.query else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, query, ""))


def _line(text: str, name: str) -> int | None:
    match = re.search(r'"' + re.escape(name) + r'"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else None
