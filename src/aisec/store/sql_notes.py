"""Comments on findings and their assignments over SQLAlchemy (revision 0008).

Notes are only ever added, so a finding's thread is its history and its assignee is its
latest assignment (the highest id: ids grow with every insert on both databases).
"""

from __future__ import annotations

import builtins

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store import governance_rows as g
from aisec.store.models import FindingNote as NoteRow
from aisec.store.models import FindingRecord
from aisec.store.server_records import FindingNote
from aisec.store.session import Sessions

MAX_TEXT = 10_000
_CHUNK = 500  # fingerprints per IN (...): far below every database's parameter limit


class SqlNoteRepository:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def add_comment(self, fingerprint: str, actor: str, text: str) -> FindingNote:
        body = g.text("a comment", "text", text)
        if len(body) > MAX_TEXT:
            raise InvalidRecord(f"a comment is limited to {MAX_TEXT:,} characters")
        return self._add(fingerprint, "comment", actor, text=body)

    def assign(self, fingerprint: str, actor: str, assignee: str) -> FindingNote:
        who = g.text("an assignment", "assignee", assignee, 200, required=False)
        return self._add(fingerprint, "assignment", actor, assignee=who)

    def notes(self, fingerprint: str) -> builtins.list[FindingNote]:
        with self._sessions.read() as session:
            record = _record(session, fingerprint)
            query = select(NoteRow).where(NoteRow.finding_id == record.id).order_by(NoteRow.id)
            return [_note(row, fingerprint) for row in session.scalars(query)]

    def assignees(self, fingerprints: builtins.list[str]) -> dict[str, str]:
        keys = builtins.list(dict.fromkeys(fingerprints))
        out: dict[str, str] = {}
        with self._sessions.read() as session:
            for start in range(0, len(keys), _CHUNK):
                latest = (
                    select(func.max(NoteRow.id).label("id"))
                    .join(FindingRecord, FindingRecord.id == NoteRow.finding_id)
                    .where(NoteRow.kind == "assignment")
                    .where(FindingRecord.fingerprint.in_(keys[start : start + _CHUNK]))
                    .group_by(NoteRow.finding_id)
                    .subquery("latest")
                )
                query = (
                    select(FindingRecord.fingerprint, NoteRow.assignee)
                    .join(NoteRow, NoteRow.finding_id == FindingRecord.id)
                    .join(latest, latest.c.id == NoteRow.id)
                )
                out.update((key, who) for key, who in session.execute(query) if who)
        return out

    def _add(
        self,
        fingerprint: str,
        kind: str,
        actor: str,
        *,
        text: str = "",
        assignee: str | None = None,
    ) -> FindingNote:
        row = NoteRow(
            kind=kind,
            actor=g.text(f"a {kind}", "actor", actor, 200),
            text=text,
            assignee=assignee,
        )
        with self._sessions.write() as session:
            row.finding_id = _record(session, fingerprint).id
            session.add(row)
            session.flush()
            return _note(row, fingerprint)


def _record(session: Session, fingerprint: str) -> FindingRecord:
    query = select(FindingRecord).where(FindingRecord.fingerprint == fingerprint)
    record = session.scalars(query).one_or_none()
    if record is None:
        raise RecordNotFound(f"no finding with fingerprint {fingerprint!r}")
    return record


def _note(row: NoteRow, fingerprint: str) -> FindingNote:
    return FindingNote(
        id=row.id,
        fingerprint=fingerprint,
        kind=row.kind,
        actor=row.actor,
        text=row.text,
        assignee=row.assignee,
        created_at=row.created_at,
    )
