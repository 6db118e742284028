"""Error text from Arrow readers, made safe to show.

Arrow's CSV parser quotes the offending row in its message ("Expected 2 columns, got 3:
alice,alice@example.com,..."): cell contents may be personal data, and error messages
end up in terminals and CI logs. Only the first line is kept, without the quoted row,
cut short.
"""

from __future__ import annotations

import re

_QUOTED_ROW = re.compile(r"(got \d+)\s*:.*")
_MAX_CHARS = 200


def sanitise_arrow_error(message: str) -> str:
    """The message's first line without a quoted row, at most 200 characters."""
    lines = message.strip().splitlines() or [""]
    return _QUOTED_ROW.sub(r"\1", lines[0])[:_MAX_CHARS]
