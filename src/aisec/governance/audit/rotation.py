"""Key rotation in the audit log: which key may sign a checkpoint of which size.

A rotation is an entry (``audit.key-rotated``) that names the new public key, with a
signature by the outgoing key over :func:`~aisec.governance.audit.records.rotation_message`
(its seq, the root of the entries before it, both key ids). Starting from the key the
verifier trusts, each rotation whose statement that key signed hands over at its seq: the
outgoing key is valid for checkpoints of sizes up to that seq (the rotation's own
checkpoint covers it), the incoming one from there on. A rotation signed by any other key
is ``bad-rotation`` and changes nothing, so checkpoints by the key it names stay
``wrong-key``; a checkpoint by a key outside its period is ``retired-key``.

The statement is signed in its own right, not only covered by a checkpoint: checkpoints,
automatic ones included, vouch for what the log holds, and someone who can write to the
database could otherwise slip in a rotation to a key of theirs for the next one to sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aisec.governance.audit.records import (
    ROTATION_ACTION,
    ROTATION_KIND,
    Checkpoint,
    Entry,
    rotation_message,
)

if TYPE_CHECKING:
    from aisec.governance.audit.keys import VerifyKey


@dataclass(frozen=True)
class KeyPeriod:
    """A key of the chain and the checkpoint sizes it may sign: ``first`` to ``last``
    (None: no rotation away from it yet)."""

    key_id: str
    first: int
    last: int | None = None

    def covers(self, size: int) -> bool:
        return self.first <= size and (self.last is None or size <= self.last)

    def to_dict(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "first": self.first, "last": self.last}


def is_rotation(entry: Entry) -> bool:
    return entry.action == ROTATION_ACTION and entry.object_kind == ROTATION_KIND


class KeyChain:
    """The keys trusted so far, grown by valid rotations as the entries are read."""

    def __init__(self, anchor: VerifyKey) -> None:
        self.keys: list[VerifyKey] = [anchor]
        self.periods: list[KeyPeriod] = [KeyPeriod(anchor.key_id, 0)]

    @property
    def current(self) -> VerifyKey:
        return self.keys[-1]

    def rotate(self, entry: Entry, previous_root: str) -> str | None:
        """Follow the rotation ``entry`` (read after the entries whose root is
        ``previous_root``); the reason it is not followed, or None."""
        from aisec.core.errors import ConfigError
        from aisec.governance.audit.keys import verify_key_from_pem

        payload = entry.payload
        current = self.current
        if payload.get("from_key_id") != current.key_id:
            shown = str(payload.get("from_key_id"))[:64]
            return f"it hands over from key id {shown}, but key id {current.key_id} signs here"
        pem = payload.get("to_public_key")
        if not isinstance(pem, str):
            return "the new public key is missing"
        try:
            new = verify_key_from_pem(pem.encode("utf-8", "surrogatepass"))
        except ConfigError as exc:
            return f"the new public key cannot be read: {exc.message}"
        if new.key_id != payload.get("to_key_id") or new.key_id == current.key_id:
            return "the new key id does not match its public key, or names the same key"
        signature = payload.get("signature")
        message = rotation_message(entry.seq, previous_root, current.key_id, new.key_id)
        if not isinstance(signature, str) or not current.verifies(message, signature):
            return f"the rotation is not signed by key id {current.key_id}"
        self.periods[-1] = KeyPeriod(current.key_id, self.periods[-1].first, entry.seq)
        self.keys.append(new)
        self.periods.append(KeyPeriod(new.key_id, entry.seq))
        return None

    def judge(self, checkpoint: Checkpoint) -> tuple[str, str] | None:
        """None when a key valid at the checkpoint's size signed it; else the problem's
        kind and reason."""
        message = checkpoint.message()
        size = checkpoint.tree_size
        valid = [k for k, p in zip(self.keys, self.periods, strict=True) if p.covers(size)]
        if any(k.verifies(message, checkpoint.signature) for k in valid):
            return None
        for key, period in zip(self.keys, self.periods, strict=True):
            if key in valid or not key.verifies(message, checkpoint.signature):
                continue
            if period.last is not None and size > period.last:
                return "retired-key", (
                    f"signed by key id {key.key_id}, rotated out at seq {period.last}: "
                    "a checkpoint after a rotation must be signed by the new key"
                )
            return "retired-key", (
                f"signed by key id {key.key_id} before the rotation to it at seq {period.first}"
            )
        # The key id (not signed) only explains a failure: a checkpoint naming another key
        # is most likely verified with the wrong public key, which must not read as
        # tampering.
        ids = {k.key_id for k in valid}
        if checkpoint.key_id in ids:
            reason = "the signature does not verify: the checkpoint was altered or forged"
            return "bad-signature", reason
        shown = ", ".join(sorted(ids))
        reason = f"wrong key (signed by key id {checkpoint.key_id}, verifying with {shown})"
        return "wrong-key", reason
