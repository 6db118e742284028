"""Default-deny classification of pickle globals, driven by a data file.

The lists live in ``aisec/modelfile/policy/pickle_globals.toml`` (see its header for the
order of evaluation); users add names with the ``allow_globals`` / ``deny_globals``
settings. Only classification lives here: whether a global was merely imported or
actually invoked is the analyser's business.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

Level = Literal["allowed", "unknown", "dangerous"]


@dataclass(frozen=True, slots=True)
class Verdict:
    level: Level
    category: str  # e.g. "code-execution", or the framework for allowed names
    rule: str  # the list entry that decided

    @property
    def dangerous(self) -> bool:
        return self.level == "dangerous"

    @property
    def allowed(self) -> bool:
        return self.level == "allowed"


UNKNOWN = Verdict("unknown", "unlisted", "default deny")


@dataclass(frozen=True, slots=True)
class _Pattern:
    module: str
    name: re.Pattern[str]
    framework: str
    exclude: tuple[str, ...] = ()

    def matches(self, module: str, name: str) -> bool:
        return (
            _under(module, self.module)
            and not any(_under(module, e) for e in self.exclude)
            and self.name.match(name) is not None
        )


def _under(qualname: str, prefix: str) -> bool:
    return qualname == prefix or qualname.startswith(prefix + ".")


def _is_dunder(part: str) -> bool:
    return len(part) > 4 and part.startswith("__") and part.endswith("__")


class GlobalPolicy:
    def __init__(
        self, data: dict[str, Any], *, allow: tuple[str, ...] = (), deny: tuple[str, ...] = ()
    ) -> None:
        self.deny_names: dict[str, str] = {}
        self.deny_modules: dict[str, str] = {}
        for block in data.get("deny", []):
            for name in block.get("names", []):
                self.deny_names[name] = block["category"]
            for module in block.get("modules", []):
                self.deny_modules[module] = block["category"]
        self.allow_names: dict[str, str] = {}
        self.patterns: list[_Pattern] = []
        for block in data.get("allow", []):
            for name in block.get("names", []):
                self.allow_names[name] = block["framework"]
            for pat in block.get("patterns", []):
                self.patterns.append(
                    _Pattern(
                        pat["module"],
                        re.compile(pat["name"]),
                        block["framework"],
                        tuple(pat.get("exclude", ())),
                    )
                )
        anywhere = data.get("deny_anywhere", {})
        self.deny_anywhere = frozenset(anywhere.get("names", ()))
        self.deny_anywhere_category = str(anywhere.get("category", "dangerous-class"))
        self.user_allow = {a for a in allow if not a.endswith(".*")}
        self.user_allow_prefixes = tuple(a[:-2] for a in allow if a.endswith(".*"))
        self.user_deny = {d for d in deny if not d.endswith(".*")}
        self.user_deny_prefixes = tuple(d[:-2] for d in deny if d.endswith(".*"))
        self.forwarders: dict[str, tuple[int, ...]] = {
            k: tuple(v) for k, v in data.get("forwarders", {}).items()
        }
        self.loaders: frozenset[str] = frozenset(data.get("loaders", {}).get("names", ()))
        self.mutators: dict[str, tuple[int, ...]] = {
            k: tuple(v) for k, v in data.get("mutators", {}).items()
        }
        self._cache: dict[tuple[str, str], Verdict] = {}

    def classify(self, module: str, name: str) -> Verdict:
        key = (module, name)
        verdict = self._cache.get(key)
        if verdict is None:
            verdict = self._classify(module, name)
            if len(self._cache) < 100_000:
                self._cache[key] = verdict
        return verdict

    def _classify(self, module: str, name: str) -> Verdict:
        qualname = f"{module}.{name}"
        if qualname in self.user_deny or any(_under(qualname, p) for p in self.user_deny_prefixes):
            return Verdict("dangerous", "user-deny", qualname)
        category = self.deny_names.get(qualname)
        if category:
            return Verdict("dangerous", category, qualname)
        if qualname in self.user_allow:
            return Verdict("allowed", "user-allow", qualname)
        framework = self.allow_names.get(qualname)
        if framework:
            return Verdict("allowed", framework, qualname)
        if name.rsplit(".", 1)[-1] in self.deny_anywhere:
            return Verdict("dangerous", self.deny_anywhere_category, name.rsplit(".", 1)[-1])
        if "." not in name:
            for pat in self.patterns:
                if pat.matches(module, name):
                    return Verdict("allowed", pat.framework, f"{pat.module}: {pat.name.pattern}")
        verdict = self._deny_by_module(module, name, qualname)
        # A user's prefix allowance never lifts a deny-list entry, a dunder or an
        # attribute path into a denied module (``mycompany.*`` + ``os.system``).
        if verdict is UNKNOWN and any(_under(qualname, p) for p in self.user_allow_prefixes):
            return Verdict("allowed", "user-allow", qualname)
        return verdict

    def _deny_by_module(self, module: str, name: str, qualname: str) -> Verdict:
        # The full path counts, not just the module: ``torch`` + ``serialization.load``
        # reaches the denied ``torch.serialization`` through an attribute path.
        found = self._prefixes(qualname)
        if found:
            return Verdict("dangerous", found[0][1], found[0][0])
        parts = name.split(".")
        if any(_is_dunder(p) for p in parts) or any(_is_dunder(p) for p in module.split(".")[1:]):
            return Verdict("dangerous", "reflection", "dunder attribute access")
        if len(parts) > 1:
            # Attribute paths reach other modules through re-exports
            # (``logging`` + ``os.system``): judge every tail of the path too.
            for i in range(len(parts) - 1):
                tail = ".".join(parts[i:])
                denied = self.deny_names.get(tail)
                if denied:
                    return Verdict("dangerous", denied, f"{tail} via attribute path")
                tail_found = self._prefixes(".".join(parts[i:-1]))
                if tail_found:
                    prefix, category = tail_found[0]
                    return Verdict("dangerous", category, f"{prefix} via attribute path")
            if module == "builtins":
                return Verdict("dangerous", "string-to-callable", "attribute of a builtin")
        return UNKNOWN

    def _prefixes(self, module: str) -> list[tuple[str, str]]:
        found = []
        parts = module.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            category = self.deny_modules.get(prefix)
            if category:
                found.append((prefix, category))
        return found


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = (
        resources.files("aisec.modelfile.policy").joinpath("pickle_globals.toml").read_text("utf-8")
    )
    return tomllib.loads(text)


def load_policy(allow: tuple[str, ...] = (), deny: tuple[str, ...] = ()) -> GlobalPolicy:
    return GlobalPolicy(_data(), allow=allow, deny=deny)
