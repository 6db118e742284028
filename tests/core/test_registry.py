import warnings
from importlib.metadata import EntryPoint

from aisec.core.check import Check
from aisec.core.registry import Registry, _load_entry, default_registry
from aisec.core.severity import Severity


class NeedsTorchvision(Check):
    id = "test.fake.needs-extra"
    title = "needs an extra"
    severity = Severity.LOW
    applies_to = ("pickle",)
    description = "x"
    requires = ("torchvision_not_installed_here",)


class BadMetadata(Check):
    id = "Not A Dotted Id"
    title = "bad"
    severity = Severity.LOW
    applies_to = ()
    description = "x"


def test_builtin_checks_are_registered_through_entry_points():
    registry = default_registry()
    assert len(registry) >= 20
    assert all(e.enabled for e in registry), [(e.name, e.reason) for e in registry if not e.enabled]
    assert registry.get("modelfile.pickle.dangerous-call") is not None


def test_missing_extra_is_unavailable_with_install_hint():
    registry = Registry.from_classes([NeedsTorchvision])
    entry = registry.get("test.fake.needs-extra")
    assert entry.status == "unavailable"
    assert entry.reason == "pip install 'aisec[torchvision_not_installed_here]'"
    assert registry.enabled() == []


def test_invalid_metadata_is_disabled_with_reason():
    entry = next(iter(Registry.from_classes([BadMetadata])))
    assert entry.status == "disabled"
    assert "not dotted lower-case" in entry.reason
    assert "applies_to" in entry.reason


def test_broken_plugin_is_a_warning_and_a_disabled_row_not_a_crash():
    ep = EntryPoint(
        name="plugin.broken.check", value="aisec_no_such_module:Check", group="aisec.checks"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        entry = _load_entry(ep)
    assert entry.status == "disabled"
    assert "ModuleNotFoundError" in entry.reason
    assert any("plugin.broken.check" in str(w.message) for w in caught)


def test_entry_point_name_must_match_id():
    ep = EntryPoint(
        name="wrong.name", value="aisec.modelfile.checks.limits:LimitReached", group="aisec.checks"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        entry = _load_entry(ep)
    assert entry.status == "disabled"
    assert "differs from id" in entry.reason
