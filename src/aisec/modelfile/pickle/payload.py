"""Strings that look like code or shell commands, passed to a callable that is not
allowed: they turn an unknown call into a dangerous one."""

from __future__ import annotations

import re
from typing import Any

from aisec.modelfile.pickle.values import strings_in

_PATTERNS = re.compile(
    r"__import__|__builtins__|__globals__|__subclasses__|\bos\.(system|popen|exec)|subprocess"
    r"|\b(eval|exec|compile)\s*\(|\bimport\s+(os|sys|subprocess|socket)\b|/bin/(ba|z)?sh\b"
    r"|\bcmd(\.exe)?\s+/c\b|powershell|\b(curl|wget|nc|ncat)\s+\S|socket\.socket|base64\.b64decode"
    r"|\brm\s+-rf\b|\bchmod\s+\+x\b",
    re.IGNORECASE,
)


def suspicious_strings(value: Any) -> tuple[str, ...]:
    found = []
    for text in strings_in(value):
        if _PATTERNS.search(text):
            found.append(text[:200])
        if len(found) >= 4:
            break
    return tuple(found)
