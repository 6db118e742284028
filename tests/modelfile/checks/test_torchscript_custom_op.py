import zipfile


def test_non_standard_operator_namespace_in_code(tmp_path, only):
    from aisec.modelfile.scanner import scan

    path = tmp_path / "scripted.pt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("m/data.pkl", b"\x80\x02}q\x00.")
        zf.writestr("m/version", "3\n")
        zf.writestr(
            "m/code/__torch__.py",
            "def forward(self, x):\n  y = ops.aten.relu(x)\n  return ops.evilext.spawn(y)\n",
        )
    run = scan([path])
    [finding] = only(run, "modelfile.torchscript.custom-op")
    assert finding.evidence["op"] == "ops.evilext.spawn"
    assert run.artefacts[0].format == "torchscript"
