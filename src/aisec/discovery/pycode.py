"""AI SDK and loader use in Python source, read with ``ast`` (never imported or run).

Names are resolved through the file's imports, so ``from torch import load as l; l(f)``
is ``torch.load`` and ``import pickle as p; p.loads(b)`` is ``pickle.loads``. A call whose
function cannot be resolved statically (``getattr(m, name)()``) is not guessed at.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from aisec.core.finding import Location
from aisec.discovery.keys import redact_text
from aisec.discovery.loaders import LOADERS
from aisec.discovery.subjects import LoaderCall

# Top-level modules of AI SDKs and ML libraries -> the name discovery records.
SDKS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "transformers": "transformers",
    "langchain": "langchain",
    "langchain_core": "langchain",
    "langchain_community": "langchain",
    "langchain_openai": "langchain",
    "langchain_anthropic": "langchain",
    "langgraph": "langgraph",
    "llama_index": "llama-index",
    "cohere": "cohere",
    "mistralai": "mistralai",
    "groq": "groq",
    "replicate": "replicate",
    "together": "together",
    "litellm": "litellm",
    "ollama": "ollama",
    "huggingface_hub": "huggingface-hub",
    "sentence_transformers": "sentence-transformers",
    "diffusers": "diffusers",
    "vertexai": "vertexai",
    "google.generativeai": "google-generativeai",
    "google.genai": "google-genai",
    "mcp": "mcp",
    "torch": "torch",
    "tensorflow": "tensorflow",
    "keras": "keras",
    "sklearn": "scikit-learn",
    "xgboost": "xgboost",
    "lightgbm": "lightgbm",
    "onnxruntime": "onnxruntime",
    "vllm": "vllm",
}
# Calls recognised by their last name whatever the receiver: model hubs' loaders, which
# run code from the hub when told to trust it.
PRETRAINED = frozenset({"from_pretrained", "pipeline"})
ALIASES = {"np": "numpy", "pd": "pandas", "tf": "tensorflow"}
_ARG_TEXT = 80
MAX_MODULES = 50


@dataclass
class CodeFacts:
    sdk_uses: dict[str, list[int]] = field(default_factory=dict)  # sdk -> lines
    modules: dict[str, set[str]] = field(default_factory=dict)  # sdk -> modules imported
    calls: list[LoaderCall] = field(default_factory=list)


def analyse_source(source: str, path: str, line_map: list[int] | None = None) -> CodeFacts:
    """Facts of one module. ``line_map`` maps the source's lines to the file's (notebook
    cells); raises SyntaxError, ValueError or RecursionError on what is not Python."""
    tree = ast.parse(source)
    visitor = _Visitor(path, line_map)
    for node in _imports(tree):  # every import first: a call resolves wherever it is
        if isinstance(node, ast.Import):
            visitor.visit_Import(node)
        else:
            visitor.visit_ImportFrom(node)
    # a loader imported under another name (from torch import load as l) is called as that
    renamed = {
        local
        for local, qualified in visitor.names.items()
        if qualified.rsplit(".", 1)[-1] in CALL_NAMES and local not in CALL_NAMES
    }
    for call in _calls(tree, _call_lines(source, renamed)):
        visitor.visit_Call(call)
    return visitor.facts


# The last names of every function the analysis looks at. Lines naming none of them (nor a
# local name one was imported as) hold no call of interest, so their expressions need not
# be walked: on large source trees the walk, not the parse, is what costs. The decision is
# still made on the syntax tree.
CALL_NAMES = frozenset(
    {"load", "loads", "load_all", "unsafe_load", "unsafe_load_all", "load_model", "read_pickle"}
    | PRETRAINED
)


def _call_lines(source: str, extra: set[str]) -> list[int]:
    names = "|".join(re.escape(n) for n in sorted(CALL_NAMES | extra))
    lines: list[int] = []
    for match in re.finditer(rf"\b(?:{names})\b", source):
        line = source.count("\n", 0, match.start()) + 1
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement (expressions hold no statements: they are not entered)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        else:
            stack.extend(n for n in ast.iter_child_nodes(node) if not isinstance(n, ast.expr))


def _calls(tree: ast.AST, lines: list[int]) -> list[ast.Call]:
    """The calls on ``lines``, in source order; expressions spanning none are not entered."""
    found: list[ast.Call] = []
    stack: list[ast.AST] = [tree] if lines else []
    while stack:
        node = stack.pop()
        if isinstance(node, ast.expr):
            first = bisect.bisect_left(lines, node.lineno)
            if first == len(lines) or lines[first] > (node.end_lineno or node.lineno):
                continue
            if isinstance(node, ast.Call):
                found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda c: (c.lineno, c.col_offset))


def _sdk_of(module: str) -> str | None:
    parts = module.split(".")
    for size in (2, 1):
        sdk = SDKS.get(".".join(parts[:size]))
        if sdk is not None:
            return sdk
    return None


class _Visitor:
    def __init__(self, path: str, line_map: list[int] | None) -> None:
        self.path = path
        self.line_map = line_map
        self.names: dict[str, str] = {}  # local name -> qualified name
        self.facts = CodeFacts()

    def _line(self, node: ast.AST) -> int:
        line = getattr(node, "lineno", 0)
        if self.line_map is not None and 0 < line <= len(self.line_map):
            return self.line_map[line - 1]
        return int(line)

    def _use(self, module: str, node: ast.AST) -> None:
        sdk = _sdk_of(module)
        if sdk is not None:
            lines = self.facts.sdk_uses.setdefault(sdk, [])
            if self._line(node) not in lines:
                lines.append(self._line(node))
            modules = self.facts.modules.setdefault(sdk, set())
            if len(modules) < MAX_MODULES:  # a library's own source imports hundreds
                modules.add(module)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.names[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.names[top] = top
            self._use(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # relative imports are the project's own code
        for alias in node.names:
            self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        if _sdk_of(node.module):
            self._use(node.module, node)
            return
        for alias in node.names:  # from google import genai: the SDK is google.genai
            self._use(f"{node.module}.{alias.name}", node)

    def visit_Call(self, node: ast.Call) -> None:
        name = self._qualified(node.func)
        if name is not None:
            name = _canonical(name)
            if name in LOADERS or name.rsplit(".", 1)[-1] in PRETRAINED:
                self.facts.calls.append(self._call(node, name))

    def _call(self, node: ast.Call, name: str) -> LoaderCall:
        keywords = {k.arg: _text(k.value) for k in node.keywords if k.arg is not None}
        positional = tuple(_text(a) for a in node.args)
        location = Location(self.path, row=self._line(node))
        return LoaderCall(location, name, keywords, positional)

    def _qualified(self, func: ast.expr) -> str | None:
        parts: list[str] = []
        while isinstance(func, ast.Attribute):
            parts.append(func.attr)
            func = func.value
        if not isinstance(func, ast.Name):
            # AutoModel.from_pretrained(...) on an expression still names its loader
            return f"?.{parts[0]}" if parts and parts[0] in PRETRAINED else None
        base = self.names.get(func.id, ALIASES.get(func.id, func.id))
        return ".".join([base, *reversed(parts)])


def _canonical(name: str) -> str:
    for prefix, module in (("tf.", "tensorflow."), ("np.", "numpy."), ("pd.", "pandas.")):
        if name.startswith(prefix):
            return module + name[len(prefix) :]
    return name


def _text(node: ast.expr) -> str:
    # arguments can hold a token (``from_pretrained(name, token="hf_...")``)
    text = redact_text(ast.unparse(node))
    return text if len(text) <= _ARG_TEXT else text[: _ARG_TEXT - 1] + "…"
