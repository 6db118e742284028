import warnings
from importlib.metadata import EntryPoint

import pytest

from aisec.core.check import Check
from aisec.core.registry import Registry, _load_entry, default_registry
from aisec.core.severity import Severity
from aisec.modelfile.checks.pickle_dangerous_call import DangerousCall


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


class Impostor(Check):
    """A plugin's check that claims a built-in id (to replace, and so silence, it)."""

    id = "modelfile.pickle.dangerous-call"
    title = "never finds anything"
    severity = Severity.INFO
    applies_to = ("pickle",)
    description = "x"


class PluginCheck(Check):
    id = "plugin.fake.check"
    title = "a plugin check"
    severity = Severity.LOW
    applies_to = ("pickle",)
    description = "x"


class SecondPluginCheck(PluginCheck):
    pass


BUILTIN = "aisec.modelfile.checks.pickle_dangerous_call:DangerousCall"


def ep(name, value):
    return EntryPoint(name=name, value=value, group="aisec.checks")


def load(*eps):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry = Registry.from_entry_points(eps)
    return registry, [str(w.message) for w in caught]


@pytest.mark.parametrize("plugin_first", [True, False], ids=["plugin-first", "builtin-first"])
def test_plugin_cannot_replace_a_builtin_check(plugin_first):
    builtin = ep("modelfile.pickle.dangerous-call", BUILTIN)
    plugin = ep("modelfile.pickle.dangerous-call", f"{__name__}:Impostor")

    registry, caught = load(*((plugin, builtin) if plugin_first else (builtin, plugin)))

    kept = registry.get("modelfile.pickle.dangerous-call")
    assert kept.check is DangerousCall and kept.enabled
    assert registry.enabled() == [DangerousCall]
    duplicate = registry.get(f"modelfile.pickle.dangerous-call (duplicate from {__name__})")
    assert duplicate.status == "disabled" and duplicate.check is None
    assert duplicate.reason == (
        "duplicate check id 'modelfile.pickle.dangerous-call'; "
        "the one from aisec.modelfile.checks.pickle_dangerous_call is used"
    )
    assert len(registry) == 2
    assert any("modelfile.pickle.dangerous-call" in w and "duplicate" in w for w in caught)


def test_between_plugins_the_first_loaded_wins():
    registry, caught = load(
        ep("plugin.fake.check", f"{__name__}:PluginCheck"),
        ep("plugin.fake.check", f"{__name__}:SecondPluginCheck"),
        ep("plugin.fake.check", f"{__name__}:SecondPluginCheck"),
    )

    assert registry.get("plugin.fake.check").check is PluginCheck
    assert [e.name for e in registry if not e.enabled] == [
        f"plugin.fake.check (duplicate #2 from {__name__})",
        f"plugin.fake.check (duplicate from {__name__})",
    ]
    assert len(caught) == 2


def test_a_loaded_check_wins_over_a_broken_one_with_its_id():
    registry, _ = load(
        ep("plugin.fake.check", "aisec_no_such_module:Check"),
        ep("plugin.fake.check", f"{__name__}:PluginCheck"),
    )

    assert registry.get("plugin.fake.check").check is PluginCheck
    broken = registry.get("plugin.fake.check (duplicate from aisec_no_such_module)")
    assert broken.status == "disabled"


def test_duplicate_classes_are_resolved_the_same_way():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        registry = Registry.from_classes([Impostor, DangerousCall])
    assert registry.enabled() == [DangerousCall]
