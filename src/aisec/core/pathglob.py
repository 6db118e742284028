"""Path globs for suppressions: ``*`` and ``?`` within one directory, ``**`` across
(as a whole path segment only, as in ``.gitignore``).

Python's ``fnmatch`` lets ``*`` cross ``/``, so ``models/*.pkl`` would cover every
subdirectory; a suppression must cover no more than it says.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from aisec.core.errors import ConfigError


def compile_glob(pattern: str, where: str = "path") -> re.Pattern[str]:
    """A glob as a regular expression: ``*`` and ``?`` stay within one path segment,
    ``**`` crosses segments, ``[...]`` is a character class.

    As in ``.gitignore``, ``**`` crosses directories only as a whole segment (``**/x``,
    ``a/**/x``, ``a/**``); anywhere else (``models**``, ``a**b``) it is a plain ``*``, so
    ``models**`` does not reach into ``models-untrusted/``.
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "*":
            end = i
            while end < n and pattern[end] == "*":
                end += 1
            whole = (i == 0 or pattern[i - 1] == "/") and (end == n or pattern[end] == "/")
            if whole and end - i == 2 and end < n:  # "**/": any directories, or none
                if out[-1:] != ["(?:.*/)?"]:  # "**/**/" is "**/" (and no backtracking blowup)
                    out.append("(?:.*/)?")
                i = end + 1
            elif whole and end - i == 2:  # a trailing "**": everything below
                out.append(".*")
                i = end
            else:  # "*", or "**" inside a segment: within the segment (runs are one "*")
                out.append("[^/]*")
                i = end
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := _class_end(pattern, i)) > 0:
            out.append(_char_class(pattern[i + 1 : end]))
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error as exc:
        raise ConfigError(f"{where}: invalid path pattern {pattern!r}: {exc}") from None


def _class_end(pattern: str, start: int) -> int:
    i = start + 1
    if i < len(pattern) and pattern[i] == "!":
        i += 1
    if i < len(pattern) and pattern[i] == "]":  # a leading ] is a member, as in fnmatch
        i += 1
    end = pattern.find("]", i)
    return end if end > 0 else -1


def _char_class(body: str) -> str:
    negate = body.startswith("!")
    body = body[1:] if negate else body
    body = body.replace("\\", "\\\\").replace("[", "\\[")
    if body.startswith("^"):
        body = "\\" + body
    # A class never matches the separator, as * and ? do not.
    return f"[^/{body}]" if negate else f"(?!/)[{body}]"


def portable(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def path_matches(pattern: str, artefact: str, base: str, cwd: str) -> bool:
    """Whether ``artefact`` (as displayed: relative to ``cwd`` or absolute) matches
    ``pattern``; a relative pattern is read from ``base``, an absolute one as is."""
    absolute = os.path.normpath(os.path.join(cwd, artefact))
    if os.path.isabs(pattern):
        subject = absolute
        pattern = os.path.normpath(pattern)
    else:
        try:
            subject = os.path.relpath(absolute, base or cwd)
        except ValueError:  # another drive on Windows
            return False
        if subject == os.pardir or subject.startswith(os.pardir + os.sep):
            return False
        pattern = pattern.removeprefix("./")
    return _cached_glob(portable(pattern)).fullmatch(portable(subject)) is not None


@lru_cache(maxsize=256)
def _cached_glob(pattern: str) -> re.Pattern[str]:
    return compile_glob(pattern)
