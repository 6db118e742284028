from importlib import metadata

import pytest

from aisec.core.entry_points import EntryPoint, _parse, entry_points


@pytest.mark.parametrize("group", ["aisec.checks", "console_scripts"])
def test_same_entry_points_as_importlib_metadata(group):
    ours = sorted((e.name, e.value) for e in entry_points(group))
    reference = sorted((e.name, e.value) for e in metadata.entry_points(group=group))
    assert ours == reference


def test_parse_reads_only_the_group_and_ignores_comments():
    text = "[other]\na = x:y\n# comment\n[aisec.checks]\n b.c = pkg.mod:Cls  \n; note\n"
    assert list(_parse(text, "aisec.checks")) == [EntryPoint("b.c", "pkg.mod:Cls", "aisec.checks")]


def test_load_resolves_dotted_attributes_and_rejects_garbage():
    assert EntryPoint("x", "aisec.core.severity:Severity.HIGH", "g").load().label == "high"
    with pytest.raises(ValueError, match="malformed"):
        EntryPoint("x", "not a value!", "g").load()
