"""What a simulated application is: its weaknesses, whether it is the hardened variant,
its seed (which fixes its canaries) and the documents a tester planted in its store."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from aisec.core.errors import ConfigError, InputError
from aisec.llm.simulator.weaknesses import WEAKNESSES, checked

MAX_DOCUMENT_CHARS = 20_000
MAX_DOCUMENTS = 1_000


@dataclass(frozen=True)
class Document:
    """A retrieval document. ``keywords``, when given, replace the words of the title and
    text as what retrieval matches against (the built-in confidential documents use it so
    that only a question about them finds them)."""

    id: str
    title: str
    text: str
    confidential: bool = False
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class SimulatorConfig:
    weaknesses: frozenset[str]
    hardened: bool = False
    seed: int = 0
    max_output_tokens: int = 512
    documents: tuple[Document, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "weaknesses", checked(self.weaknesses))
        if self.hardened and self.weaknesses:
            raise ConfigError(
                "the hardened variant has every weakness off",
                hint="use SimulatorConfig.hardened_variant() or drop hardened=True",
            )
        if self.max_output_tokens < 1:
            raise ConfigError("max_output_tokens must be at least 1")

    @classmethod
    def vulnerable(
        cls,
        *,
        only: Iterable[str] | None = None,
        without: Iterable[str] = (),
        seed: int = 0,
        documents: Iterable[Document] = (),
    ) -> SimulatorConfig:
        """Every weakness on, or only those in ``only``, less those in ``without``."""
        chosen = checked(WEAKNESSES if only is None else only)
        return cls(chosen - checked(without), seed=seed, documents=tuple(documents))

    @classmethod
    def hardened_variant(cls, seed: int = 0, documents: Iterable[Document] = ()) -> SimulatorConfig:
        """Every weakness off, and the defences in depth of the hardened variant on."""
        return cls(frozenset(), hardened=True, seed=seed, documents=tuple(documents))

    def on(self, weakness: str) -> bool:
        return weakness in self.weaknesses


def read_documents(path: Path) -> tuple[Document, ...]:
    """Documents from a JSON-lines file: one object a line with ``text`` and optionally
    ``id``, ``title`` and ``confidential``. Raises InputError naming the bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    documents: list[Document] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path}:{number}: not JSON ({exc})") from None
        text = row.get("text") if isinstance(row, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{path}:{number}: a document needs a non-empty 'text' string")
        if len(documents) >= MAX_DOCUMENTS:
            raise InputError(f"{path}: more than {MAX_DOCUMENTS} documents")
        documents.append(
            Document(
                id=str(row.get("id") or f"planted-{number}"),
                title=str(row.get("title") or ""),
                text=text[:MAX_DOCUMENT_CHARS],
                confidential=row.get("confidential") is True,
            )
        )
    return tuple(documents)
