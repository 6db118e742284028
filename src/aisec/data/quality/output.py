"""Writing a snapshot without harm to what is already there.

The output must not be the dataset it describes (a typo in ``-o`` would replace the data
with its summary), an existing file is kept unless the caller forces it, and the text is
written to a new file beside the target and renamed over it: a reader never sees half a
snapshot, and a symlink at the target is replaced rather than followed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aisec.core.errors import InputError, UsageError


def check_output(source: Path, output: Path, *, force: bool) -> None:
    """A usage error when ``output`` is ``source`` (by path, symlink or hard link), a
    directory, or an existing file without ``force``."""
    if os.path.realpath(output) == os.path.realpath(source) or (
        output.exists() and source.exists() and output.samefile(source)
    ):
        raise UsageError(f"{output}: is the dataset itself; give another output file")
    if output.is_dir():
        raise UsageError(f"{output}: is a directory; give a file name")
    if (output.exists() or output.is_symlink()) and not force:
        raise UsageError(f"{output}: exists", hint="give --force to replace it")


def write_atomically(path: Path, text: str) -> None:
    """Written to a new file beside ``path`` and renamed over it: a reader never sees half
    a file, and a symlink at ``path`` is replaced, not followed."""
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot be written ({exc.strerror})") from None
