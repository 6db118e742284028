"""What discovery's checks run on: facts found in code and text, judged by the checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from aisec.core.finding import Location


@dataclass(frozen=True)
class LoaderCall:
    """A call of a function that loads models or data (``torch.load(f, weights_only=True)``).

    ``keywords`` and ``positional`` hold the arguments' source text, shortened; the check
    decides from them whether the call can run code from the file it loads.
    """

    location: Location
    function: str  # resolved through the imports: "torch.load", "yaml.load"
    keywords: dict[str, str] = field(default_factory=dict)
    positional: tuple[str, ...] = ()
    kind: str = "loader-call"


@dataclass(frozen=True)
class KeyCandidate:
    """A string shaped like an AI provider's API key; only its redacted form is kept."""

    location: Location
    provider: str = ""
    redacted: str = ""
    strong: bool = True  # recognised by the provider's own prefix
    kind: str = "key-candidate"
