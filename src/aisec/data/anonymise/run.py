"""Anonymising a file into a new one.

The output is written to a temporary file beside the destination and renamed over it only
once complete, so a failed run leaves no half-written dataset; the input is opened for
reading only. With ``suppress_below_k`` the rules run twice: once to count the classes the
anonymised rows will form, once to write the rows whose class reaches k (the rules are
deterministic, so both passes see the same values).

The temporary file is created with mode 0600 and written through the descriptor that
created it, never reopened by name; the finished output keeps that mode (anonymised data
is still data about people; widen it on purpose). A run that cannot keep a promise (every
row suppressed, or two values meeting in one keyed pseudonym) raises before the rename,
so no output appears.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisec.core.errors import InputError, UsageError
from aisec.data.anonymise.actions import Context
from aisec.data.anonymise.errors import GuaranteeNotMet
from aisec.data.anonymise.keys import HmacKey
from aisec.data.anonymise.measure import check_measured
from aisec.data.anonymise.privacy import EquivalenceClasses, Key, PrivacyReport
from aisec.data.anonymise.rules import Rules
from aisec.data.anonymise.scrub import Scrub, SpanFinder, default_finders
from aisec.data.anonymise.tables import TableSink, TableSource, resolve_format
from aisec.data.anonymise.tables import output_format as choose_output_format
from aisec.data.anonymise.transform import ColumnCount, Transformer


@dataclass(frozen=True, slots=True)
class AnonymiseResult:
    input: Path
    output: Path
    input_format: str
    output_format: str
    rows_in: int
    rows_out: int
    columns: tuple[ColumnCount, ...]
    before: PrivacyReport | None = None
    after: PrivacyReport | None = None
    suppressed: int = 0
    target_k: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": str(self.input), "output": str(self.output),
            "input_format": self.input_format, "output_format": self.output_format,
            "rows_in": self.rows_in, "rows_out": self.rows_out, "suppressed": self.suppressed,
            "columns": [c.to_dict() for c in self.columns],
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
        }  # fmt: skip


def _check_paths(source: Path, output: Path, force: bool) -> None:
    if not source.is_file():
        raise InputError(f"no such file: {source}", hint="check the path")
    if output.resolve() == source.resolve() or (
        output.exists() and os.path.samefile(output, source)
    ):
        raise UsageError("the output must be a new file, not the input",
                         hint="anonymisation never edits a dataset in place")  # fmt: skip
    if output.is_dir():
        raise UsageError(f"{output} is a directory", hint="name the file to write")
    if output.exists() and not force:
        raise UsageError(f"{output} exists", hint="pass --force to replace it")
    if not output.parent.is_dir():
        raise InputError(f"cannot write {output}: no directory {output.parent}")


def anonymise_file(
    source: Path,
    output: Path,
    rules: Rules,
    *,
    key: HmacKey | None = None,
    finders: Sequence[SpanFinder] | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    quasi_identifiers: Sequence[str] = (),
    sensitive: Sequence[str] = (),
    k: int | None = None,
    suppress_below_k: bool = False,
    force: bool = False,
    batch_rows: int = 65_536,
) -> AnonymiseResult:
    """Write ``source`` with ``rules`` applied to the new file ``output``."""
    _check_paths(source, output, force)
    if suppress_below_k and (k is None or not quasi_identifiers):
        raise UsageError("suppressing rows below k needs k and the quasi-identifiers")
    in_fmt = resolve_format(source, input_format)
    out_fmt = choose_output_format(output, output_format, in_fmt)
    ctx = Context(key, _finders(rules) if finders is None else finders)
    if rules.needs_key:
        ctx.require_key()
    reader = TableSource(source, in_fmt, batch_rows)
    check_measured(reader.schema.names, quasi_identifiers, sensitive)
    measured = bool(quasi_identifiers)
    before = EquivalenceClasses(quasi_identifiers, sensitive) if measured else None
    after = EquivalenceClasses(quasi_identifiers, sensitive) if measured else None
    kept: set[Key] | None = None
    if suppress_below_k and after is not None and k is not None:
        first = Transformer(rules, reader.schema, ctx)
        for table in reader:
            after.add(first.apply(table))
        kept = {cls for cls, size in after.sizes.items() if size >= k}
        after = EquivalenceClasses(quasi_identifiers, sensitive)
    transformer = Transformer(rules, reader.schema, ctx)
    rows = [0, 0]

    def anonymised() -> Iterator[Any]:
        for table in reader:
            rows[0] += table.num_rows
            if before is not None:
                before.add(table)
            result = transformer.apply(table)
            if after is not None:
                if kept is not None:
                    result = result.filter([cls in kept for cls in after.key_of_rows(result)])
                after.add(result)
            rows[1] += result.num_rows
            yield result
        _check_promises(transformer.counts.values(), rows[0], rows[1], k)

    _write_atomically(output, out_fmt, transformer.schema, anonymised())
    return AnonymiseResult(
        source, output, in_fmt, out_fmt, rows[0], rows[1],
        tuple(transformer.counts.values()),
        before.report(k) if before else None, after.report(k) if after else None,
        rows[0] - rows[1], k,
    )  # fmt: skip


def _check_promises(counts: Iterable[ColumnCount], rows_in: int, rows_out: int,
                    k: int | None) -> None:  # fmt: skip
    if rows_in and not rows_out:
        raise GuaranteeNotMet(
            f"suppressing the rows in classes below k={k} would leave no rows; no output written",
            hint="generalise the quasi-identifiers further or lower --k",
        )
    for count in counts:
        if count.collisions and not count.collisions_allowed:
            raise GuaranteeNotMet(
                f"column {count.column!r}: {count.collisions} distinct values share a"
                f" {count.action} output with another value; no output written",
                hint="raise 'length', or set 'allow_collisions: true' for this column",
            )


def _finders(rules: Rules) -> Sequence[SpanFinder]:
    """aisec's detectors, asked only for the entities the scrubbed columns want, at the
    lowest min_score any of them asks for (each Scrub filters to its own)."""
    scrubs = [a for a in rules.columns.values() if isinstance(a, Scrub)]
    if not scrubs:
        return ()
    min_score = min(a.min_score for a in scrubs)
    if any(a.entities is None for a in scrubs):
        return default_finders(None, secrets=True, min_score=min_score)
    wanted = {e for a in scrubs for e in a.entities or ()}
    return default_finders(wanted, secrets=True, min_score=min_score)


def _write_atomically(output: Path, fmt: str, schema: Any, tables: Iterable[Any]) -> None:
    try:
        fd, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write in {output.parent}: {exc.strerror}") from None
    temp = Path(name)
    sink = None
    try:
        handle = os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    try:
        sink = TableSink(handle, fmt, schema)
        for table in tables:
            sink.write(table)
        sink.close()
        try:
            os.replace(temp, output)
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror}") from None
    except BaseException:
        if sink is not None:
            sink.abort()
        handle.close()
        temp.unlink(missing_ok=True)
        raise
