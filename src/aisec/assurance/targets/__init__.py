"""Targets: one interface over every kind of model under test (docs/adr/0014).

Importing this package imports no model library; each target imports its own
(scikit-learn, torch, onnxruntime) when it is built or queried.
"""

from aisec.assurance.targets.base import BaseTarget, Capability, QueryBudget, Target
from aisec.assurance.targets.callable_target import CallableTarget
from aisec.assurance.targets.errors import CapabilityMissing, QueryBudgetExceeded, UnknownRows
from aisec.assurance.targets.http_target import EndpointError, HttpTarget
from aisec.assurance.targets.onnx_target import OnnxTarget
from aisec.assurance.targets.pickled import PickledModelTarget, UntrustedModel
from aisec.assurance.targets.predictions_file import PredictionsFileTarget
from aisec.assurance.targets.sklearn_target import SklearnTarget
from aisec.assurance.targets.torch_target import TorchTarget

__all__ = [
    "BaseTarget",
    "CallableTarget",
    "Capability",
    "CapabilityMissing",
    "EndpointError",
    "HttpTarget",
    "OnnxTarget",
    "PickledModelTarget",
    "PredictionsFileTarget",
    "QueryBudget",
    "QueryBudgetExceeded",
    "SklearnTarget",
    "Target",
    "TorchTarget",
    "UnknownRows",
    "UntrustedModel",
]
