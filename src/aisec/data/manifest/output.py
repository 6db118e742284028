"""Writing a manifest file without harming the data it describes.

A mistyped ``-o`` must not replace a dataset file: an existing output is replaced only
with ``force``, and never when it is one of the inputs (compared by real path and by
inode, so another spelling or a hard link is caught). Writing the manifest inside the
dataset directory is intended (the manifest then leaves itself out), so an output under
an input directory is allowed when new, or with ``force``.

The file is written to a fresh temporary name (``mkstemp``: exclusive, unpredictable,
never a link someone planted), flushed to disk, and renamed over the target, so a reader
never sees half a manifest. A symlink at the target is replaced, with ``force``, by the
manifest itself; its target is never written through.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from aisec.core.errors import InputError, UsageError


def check_output(output: Path, inputs: Sequence[Path], *, force: bool) -> None:
    """Raise :class:`UsageError` when writing ``output`` could destroy data."""
    where = _real(output)
    for given in inputs:
        if where in (os.path.realpath(given), _real(given)) or (
            not os.path.islink(output) and _same_file(output, given)
        ):
            raise UsageError(
                f"the output {output} is the input {given}: writing would replace the data",
                hint="choose another --output",
            )
    if os.path.islink(output) and not force:
        raise UsageError(
            f"the output {output} is a symlink",
            hint="pass --force to replace the link itself (its target is left alone)",
        )
    if os.path.lexists(output) and not force:
        raise UsageError(f"the output {output} already exists", hint="pass --force to replace it")


def write_atomically(path: Path, text: str) -> None:
    """``text`` in ``path`` (UTF-8), all at once for any reader; raises
    :class:`InputError` when it cannot be written."""
    parent = path.parent
    temporary: str | None = None
    try:
        fd, temporary = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            if hasattr(os, "fchmod"):  # mkstemp makes 0600; a manifest is for sharing
                os.fchmod(out.fileno(), 0o666 & ~_umask())
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)  # renames over a link, never through it
        temporary = None
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}", hint="check the directory"
        ) from None
    finally:
        if temporary is not None:
            with suppress(OSError):
                os.unlink(temporary)


def _real(path: Path) -> str:
    """Where ``path`` would be written: its directory resolved, its own name kept (the
    output itself may be a link, which is replaced, not followed)."""
    absolute = os.path.abspath(path)
    return os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
