"""What the API and the dashboard do to a finding: triage it, comment on it, assign it;
each change and its audit entry in one transaction, named after the user who made it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aisec.store.server_records import FindingNote
    from aisec.store.store import Store
    from aisec.store.tracking import StoredFinding, TriageEntry


def triage(
    store: Store,
    actor: str,
    fingerprint: str,
    state: str,
    *,
    justification: str = "",
    expires: date | None = None,
) -> tuple[StoredFinding, TriageEntry]:
    """The finding as it was before the decision, and the decision."""
    from aisec.services import findings

    with store.transaction():
        finding, entry = findings.triage(
            store.findings, fingerprint, state, justification=justification,
            expires=expires, actor=actor,
        )  # fmt: skip
        store.audit.append(actor, "finding.triaged", "finding", finding.fingerprint, {
            "check_id": finding.check_id, "from": finding.state.value, "to": entry.state.value,
            "justification": entry.justification,
            "expires": entry.expires.isoformat() if entry.expires else None,
        })  # fmt: skip
    return finding, entry


def comment(store: Store, actor: str, fingerprint: str, text: str) -> FindingNote:
    from aisec.services.findings import resolve

    key = resolve(store.findings, fingerprint).fingerprint
    with store.transaction():
        note = store.notes.add_comment(key, actor, text)
        payload = {"note_id": note.id, "text": note.text}
        store.audit.append(actor, "finding.commented", "finding", key, payload)
    return note


def active_username(store: Store, name: str) -> str | None:
    """The stored spelling of an active user's name (matched regardless of case)."""
    user = store.users.find_user(name.strip()) if name.strip() else None
    return user.username if user is not None and user.active else None


def assign(store: Store, actor: str, fingerprint: str, assignee: str) -> FindingNote:
    """Assign to ``assignee`` (a user name checked by the caller; "" unassigns)."""
    from aisec.services.findings import resolve

    key = resolve(store.findings, fingerprint).fingerprint
    with store.transaction():
        note = store.notes.assign(key, actor, assignee)
        store.audit.append(actor, "finding.assigned", "finding", key, {"assignee": assignee})
    return note
