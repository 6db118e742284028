from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class GgufTemplateEscape(AnomalyCheck):
    id = "modelfile.gguf.template-escape"
    title = "GGUF chat template reaches Python internals"
    severity = Severity.CRITICAL
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "AML.T0011.000", "LLM03:2025", "CVE-2024-34359")
    description = (
        "The tokenizer.chat_template in the GGUF metadata, rendered by the serving stack on "
        "every request, accesses dunder attributes, reaches them through the attr filter, or "
        "uses globals that lead to Python internals (cycler, joiner, lipsum, self, ...): "
        "server-side template injection that runs code where the environment is not "
        "sandboxed. Found by walking Jinja2's own syntax tree, not by pattern matching."
    )
    remediation = (
        "Do not serve this model with its embedded template; replace the chat template "
        "with a reviewed one and render templates in a sandboxed environment."
    )
    anomaly_kinds = ("template-escape",)
