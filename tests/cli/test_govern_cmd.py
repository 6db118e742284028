"""``aisec govern``: catalogues listed, shown and crosswalked from the command line."""

import json

from aisec.cli.main import main


def test_catalogues_lists_each_with_its_size(capsys):
    assert main(["govern", "catalogues", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["gdpr"]["items"] == 22 and rows["gdpr"]["ref_prefix"] == "GDPR:"


def test_show_filters_by_kind_and_refuses_unknown_kinds(capsys):
    assert main(["govern", "show", "gdpr", "--kind", "article", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [i["ref"] for i in shown["items"]] == ["GDPR:Art.22", "GDPR:Art.35"]
    assert main(["govern", "show", "gdpr", "--kind", "recital"]) == 2
    assert main(["govern", "show", "no-such-catalogue"]) == 2


def test_crosswalk_of_a_check_and_of_a_ref(capsys):
    assert main(["govern", "crosswalk", "assurance.privacy.membership-inference", "--json"]) == 0
    refs = {r["ref"] for r in json.loads(capsys.readouterr().out)["related"]}
    assert "GDPR:Art.35" in refs
    assert main(["govern", "crosswalk", "GDPR:Art.22", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["related"]
    assert main(["govern", "crosswalk", "NOT:A.REF"]) == 2
