"""The audit log's API over a store: append, read, checkpoint, verify."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisec.governance.audit.merkle import Tree
from aisec.governance.audit.verify import Problem, VerifyReport, verify

if TYPE_CHECKING:
    from aisec.governance.audit.keys import SigningKey, VerifyKey
    from aisec.governance.audit.records import Checkpoint, Entry
    from aisec.store.store import Store


class AuditLog:
    """The governance audit trail of ``store``.

    With a ``key``, every append through the store (governance repositories' included)
    writes a signed checkpoint once ``checkpoint_every`` entries are unsigned.
    """

    def __init__(
        self, store: Store, *, key: SigningKey | None = None, checkpoint_every: int | None = None
    ) -> None:
        self._repository = store.audit
        self.key = key
        if key is not None:
            self._repository.signer = key
        if checkpoint_every is not None:
            if checkpoint_every < 1:
                raise ValueError("checkpoint_every must be at least 1")
            self._repository.checkpoint_every = checkpoint_every

    def append(
        self, actor: str, action: str, object_kind: str, object_id: str,
        payload: Mapping[str, Any] | None = None,
    ) -> Entry:  # fmt: skip
        """Record a change, in the caller's transaction (``store.transaction()``, or a
        repository's write) if one is open, else in a transaction of its own."""
        return self._repository.append(actor, action, object_kind, object_id, payload or {})

    def entries(
        self, *, start: int = 1, limit: int | None = None, newest_first: bool = False,
        object_kind: str | None = None, object_id: str | None = None,
    ) -> list[Entry]:  # fmt: skip
        return self._repository.entries(
            start=start, limit=limit, newest_first=newest_first,
            object_kind=object_kind, object_id=object_id,
        )  # fmt: skip

    def size(self) -> int:
        return self._repository.size()

    def root(self, size: int | None = None) -> str:
        """The hex Merkle root of the first ``size`` entries (all by default), computed
        from their stored leaf hashes."""
        tree = Tree()
        for entry in self._repository.iter_entries():
            if size is not None and tree.size >= size:
                break
            tree.append(bytes.fromhex(entry.leaf_hash))
        if size is not None and tree.size < size:
            raise ValueError(f"the log holds {tree.size} entries, not {size}")
        return tree.root().hex()

    def checkpoints(self) -> list[Checkpoint]:
        return self._repository.checkpoints()

    def signing_key(self, path: Path) -> SigningKey:
        """The key at ``path``, created there only for a log never signed.

        A missing key file for a signed log means the wrong path (another working
        directory, an unset ``audit_key`` setting): a new key would sign checkpoints that
        the existing ones' public key rejects, which reads as tampering. Refused, as is a
        key other than the one that signs the log now (the last checkpoint's, or the key
        a rotation since handed over to).
        """
        from aisec.core.errors import ConfigError
        from aisec.governance.audit.keys import ENV_VAR, load_or_create_signing_key

        signed_by = self._repository.current_key_id()
        give = f"the log is signed by key id {signed_by}; give that key with audit_key ({ENV_VAR})"
        if signed_by is not None and not (path.exists() or path.is_symlink()):
            raise ConfigError(give, hint=f"there is no key at {path}: not creating a new one")
        key = load_or_create_signing_key(path)
        if signed_by is not None and key.key_id != signed_by:
            raise ConfigError(give, hint=f"{path} has key id {key.key_id}")
        return key

    def rotate_key(
        self, new: SigningKey, *, old: SigningKey | None = None, actor: str = "aisec"
    ) -> tuple[Entry, Checkpoint]:
        """Hand signing over from ``old`` (this log's key by default) to ``new``: an
        ``audit.key-rotated`` entry naming the new public key, signed by the old key, and a
        checkpoint by the old key covering it. Checkpoints after it verify only with the
        new key; a verifier given the original public key follows the hand-over. From now
        on this log signs with ``new``."""
        signer = old or self.key
        if signer is None:
            raise ValueError("a key rotation needs the key in use")
        made = self._repository.rotate(signer, new, actor)
        self.key = new
        if self._repository.signer is not None:
            self._repository.signer = new
        return made

    def checkpoint(self, key: SigningKey | None = None) -> Checkpoint:
        """Sign the log as it stands (StoreError if it fails verification)."""
        signer = key or self.key
        if signer is None:
            raise ValueError("a checkpoint needs a signing key")
        return self._repository.checkpoint(signer)

    def verify(
        self,
        public_key: VerifyKey,
        *,
        allow_unsigned_tail: bool = False,
        expect_size: int | None = None,
        expect_root: str | None = None,
    ) -> VerifyReport:
        """Every problem with the log: see :mod:`aisec.governance.audit.verify`. Entries
        no checkpoint signs are a problem unless ``allow_unsigned_tail``; ``expect_size``
        and ``expect_root`` check the log against a checkpoint kept outside the database."""
        if expect_root is not None and expect_size is None:
            raise ValueError("expect_root needs expect_size: a root is the root of a size")
        checkpoints = self._repository.checkpoints()
        try:
            return verify(
                self._repository.iter_entries(), checkpoints, public_key,
                allow_unsigned_tail=allow_unsigned_tail,
                expect_size=expect_size, expect_root=expect_root,
            )  # fmt: skip
        except ValueError as exc:
            # A column an attacker made unreadable (text where a timestamp or JSON goes):
            # that is tampering too, and it must be reported, not crash the verifier.
            problem = Problem("unreadable", f"the log cannot be read: {exc}")
            return VerifyReport(
                0, len(checkpoints), "", 0, 0, (problem,), key_id=public_key.key_id,
                allow_unsigned_tail=allow_unsigned_tail,
            )  # fmt: skip
