"""The two roots of a manifest's paths, not to be confused.

:func:`inputs_root` is where ``manifest`` makes paths relative to when no ``--root`` is
given, from the paths on the command line. :func:`recorded_root` is where ``verify``
looks for the data when no ``--root`` is given, from what the manifest says; that is
read from a file which may come from anyone, hence its limits.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from pathlib import Path

from aisec.core.errors import UsageError
from aisec.data.manifest.model import Manifest
from aisec.report import safe_text


def inputs_root(paths: Sequence[Path]) -> Path:
    """The root recorded paths are relative to when none is given: the one directory
    given, else the deepest directory holding every path."""
    if len(paths) == 1 and paths[0].is_dir():
        return paths[0]
    parents = [p if p.is_dir() else p.parent for p in paths]
    return Path(os.path.commonpath([os.path.abspath(p) for p in parents]))


def recorded_root(manifest: Manifest, manifest_path: Path, *, trusted: bool = False) -> Path:
    """The dataset's root as the manifest records it, relative to the manifest's own
    directory. A root that leaves that directory is refused unless the manifest is
    ``trusted`` (its signature was checked with a known key): otherwise whoever wrote the
    manifest could make ``verify`` read, and report on, any directory."""
    if manifest.root is None or os.path.isabs(manifest.root):
        raise UsageError("the manifest does not say where its data is", hint="pass --root DIR")
    normal = posixpath.normpath(manifest.root.replace(os.sep, "/"))
    if not trusted and (normal == ".." or normal.startswith(("../", "/"))):
        raise UsageError(
            f"the manifest records its data at {safe_text(manifest.root)!r}, outside the"
            " manifest's directory; that is not followed for an unsigned or unchecked manifest",
            hint="pass --root DIR to say where the dataset is (or --key to check the signature)",
        )
    return manifest_path.parent / manifest.root
