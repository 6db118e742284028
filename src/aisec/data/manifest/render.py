"""Console text for people: every path and detail escaped for the terminal, since file
names and link targets are whatever the dataset's author chose."""

from __future__ import annotations

from aisec.data.manifest.model import FILE, SYMLINK, Manifest
from aisec.data.manifest.paths import show
from aisec.data.manifest.ranges import APPENDED, TRUNCATED, ByteRange
from aisec.data.manifest.report import RENAMED, Change, VerifyReport
from aisec.report import printable

MAX_RANGES_SHOWN = 8


def manifest_summary(manifest: Manifest, written_to: str) -> str:
    specials = [e for e in manifest.entries if e.kind not in (FILE, SYMLINK)]
    links = [e for e in manifest.entries if e.kind == SYMLINK]
    lines = [
        f"manifest of {manifest.files} files ({_size(manifest.total_bytes)}) written to "
        f"{printable(written_to)}",
        f"  root hash {manifest.root_hash}"
        + (" (signed)" if manifest.signature is not None else ""),
    ]
    if links:
        lines.append(f"  {len(links)} symlink(s) recorded as links, not followed")
    lines += [f"  symlink {_path(e.path)} points outside the root" for e in links if e.escapes_root]
    lines += [f"  not hashed: {_path(e.path)} ({e.kind}, never opened)" for e in specials]
    lines += [f"  SKIPPED {_path(s.path)}: {printable(s.reason)}" for s in manifest.skipped]
    return "\n".join(lines)


def verify_text(report: VerifyReport, manifest_name: str) -> str:
    where = f"{printable(report.root)} against {printable(manifest_name)}"
    if report.exit_code == 0:
        head = (
            f"intact: {report.checked} entries under {where} (root hash {report.actual_root_hash})"
        )
    elif report.exit_code == 1:
        count = len(report.changes)
        head = f"CHANGED: {count} difference{'s' if count != 1 else ''} under {where}"
    else:
        head = f"INCOMPLETE: {len(report.unreadable)} path(s) could not be read under {where}"
    lines = [head, *(_change_line(c) for c in report.changes)]
    lines += [
        f"  unreadable       {_path(s.path)}: {printable(s.reason)}" for s in report.unreadable
    ]
    lines += [
        f"  not checked      {_path(s.path)}: {printable(s.reason)} when the manifest was made"
        for s in report.unchecked
    ]
    sig = report.signature
    if sig.status != "unsigned":
        reason = f": {printable(sig.reason)}" if sig.reason else ""
        lines.append(f"  signature {sig.status} (key {sig.key_id}){reason}")
    lines += [f"  note: {printable(n)}" for n in report.notes]
    return "\n".join(lines)


def _change_line(change: Change) -> str:
    name = _path(change.path)
    if change.kind == RENAMED and change.old_path is not None:
        name = f"{_path(change.old_path)} -> {name}"
    text = f"  {change.kind:<16} {name}"
    if change.detail:
        text += f"  ({printable(change.detail)})"
    shown = change.ranges[:MAX_RANGES_SHOWN]
    text += "".join(f"\n      {_range(r)}" for r in shown)
    if len(change.ranges) > len(shown):
        text += f"\n      ... {len(change.ranges) - len(shown)} more ranges (--format json)"
    return text


def _range(r: ByteRange) -> str:
    span = f"bytes {r.start}..{r.end - 1}"
    if r.what == TRUNCATED:
        return f"{span} of the old file are gone (truncated)"
    lines = f", lines {r.lines[0]}..{r.lines[1]}" if r.lines else ""
    return f"{span}{lines} {'appended' if r.what == APPENDED else 'changed'}"


def _path(path: bytes) -> str:
    return printable(show(path))


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} B"
