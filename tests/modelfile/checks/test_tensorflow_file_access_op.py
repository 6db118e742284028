"""modelfile.tensorflow.file-access-op: ops that read or write files, told apart from the
model's own checkpoint saver and vocabulary assets."""

import pytest

from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.modelfile.formats import tf_graph, tf_ops
from aisec.modelfile.scanner import scan

tg = pytest.importorskip("tensorflow_graphs")
scan_bytes = tg.scan_bytes

CHECK = "modelfile.tensorflow.file-access-op"


def findings(run, only):
    return {f.evidence["op"]: f for f in only(run, CHECK)}


def test_read_file_of_a_constant_path(scan_bytes, only):
    graph = tg.graph(tg.const("path", "/etc/passwd"), tg.node("read", "ReadFile", ["path"]))
    [finding] = only(scan_bytes(graph.SerializeToString(), "frozen.pb"), CHECK)
    assert finding.severity.label == "high"
    assert finding.evidence["paths"] == ["/etc/passwd"]
    assert "'/etc/passwd'" in finding.message


def test_write_file_in_a_serving_function(scan_bytes, only):
    meta = tg.tf2_model(
        tg.const("target", "/home/user/.bashrc"),
        tg.node("WriteFile", "WriteFile", ["target", "x"]),
    )
    [finding] = only(scan_bytes(tg.saved_model(meta), "saved_model.pb"), CHECK)
    assert finding.evidence["paths"] == ["/home/user/.bashrc"]
    assert "function '__inference___call___11'" in finding.message


def test_the_standard_savers_are_silent(scan_bytes, ids):
    tf2 = tg.tf2_model(tg.node("Relu", "Relu", ["x"]))
    tf1 = tg.meta_graph(
        tg.graph(*tg.benign_graph().node, *tg.tf1_saver_nodes()),
        saver=("save/Identity:0", "save/restore_all"),
        outputs=("z:0",),
    )
    for meta in (tf1, tf2):
        assert ids(scan_bytes(tg.saved_model(meta), "saved_model.pb")) == set()


def test_checkpoint_ops_outside_the_saver_are_reported(scan_bytes, only):
    meta = tg.tf2_model(
        tg.const("prefix", "/var/www/html/shell"),
        tg.node("SaveV2", "SaveV2", ["prefix", "names", "slices", "x"]),
        tg.node("RestoreV2", "RestoreV2", ["x", "names", "slices"]),
    )
    found = findings(scan_bytes(tg.saved_model(meta), "saved_model.pb"), only)
    assert set(found) == {"SaveV2", "RestoreV2"}
    assert found["SaveV2"].evidence["paths"] == ["/var/www/html/shell"]


def test_a_saver_node_that_a_signature_depends_on_is_reported(scan_bytes, only):
    graph = tg.graph(*tg.benign_graph().node, *tg.tf1_saver_nodes())
    graph.node.add(name="out", op="Identity", input=["z", "^save/SaveV2"])
    meta = tg.meta_graph(graph, saver=("save/Identity:0", "save/restore_all"), outputs=("out:0",))
    found = findings(scan_bytes(tg.saved_model(meta), "saved_model.pb"), only)
    assert set(found) == {"SaveV2"}


def test_bare_graphs_keep_checkpoint_ops_of_a_save_scope(scan_bytes, only):
    graph = tg.graph(*tg.tf1_saver_nodes(), tg.node("elsewhere/SaveV2", "SaveV2", ["p"]))
    found = findings(scan_bytes(graph.SerializeToString(), "graph.pb"), only)
    assert list(found) == ["SaveV2"]
    assert found["SaveV2"].evidence["nodes"] == ["graph, node 'elsewhere/SaveV2'"]


@pytest.mark.parametrize(
    ("op", "attr", "value", "reported"),
    [
        ("PrintV2", "output_stream", "stderr", False),
        ("PrintV2", "output_stream", "log(info)", False),
        ("PrintV2", "output_stream", "file:///tmp/out.txt", True),
        ("DecodeProtoV2", "descriptor_source", "local://", False),
        ("DecodeProtoV2", "descriptor_source", "/etc/descriptors.bin", True),
        ("DebugIdentity", "debug_urls", "", False),
        ("ImmutableConst", "memory_region_name", "/dev/mem", True),
    ],
)
def test_attribute_paths(scan_bytes, ids, op, attr, value, reported):
    graph = tg.graph(tg.node("n", op, ["x"], **{attr: value}))
    assert (CHECK in ids(scan_bytes(graph.SerializeToString(), "g.pb"))) is reported


def test_a_list_attribute_path(scan_bytes, only):
    node = tg.node("dbg", "DebugIdentity", ["x"])
    node.attr["debug_urls"].CopyFrom(tg.string_list_attr([b"file:///tmp/dump"]))
    [finding] = only(scan_bytes(tg.graph(node).SerializeToString(), "g.pb"), CHECK)
    assert finding.evidence["paths"] == ["file:///tmp/dump"]


def test_a_cache_in_memory_is_silent_and_a_cache_file_is_not(scan_bytes, only):
    memory = tg.graph(tg.const("empty", ""), tg.node("c", "CacheDatasetV2", ["ds", "empty"]))
    assert only(scan_bytes(memory.SerializeToString(), "a.pb"), CHECK) == []
    disk = tg.graph(tg.const("p", "/tmp/c"), tg.node("c", "CacheDatasetV2", ["ds", "p"]))
    assert len(only(scan_bytes(disk.SerializeToString(), "b.pb"), CHECK)) == 1


def _vocab_graph(filename_input, *extra):
    return tg.graph(
        tg.node("table", "HashTableV2"),
        tg.node("init", "InitializeTableFromTextFileV2", ["table", filename_input]),
        *extra,
    )


def test_tf1_vocabulary_assets_are_silent(scan_bytes, ids):
    graph = _vocab_graph("asset_path", tg.const("asset_path", "/build/machine/vocab.txt"))
    meta = tg.meta_graph(graph, assets=[("asset_path:0", "vocab.txt")])
    assert CHECK not in ids(scan_bytes(tg.saved_model(meta), "saved_model.pb"))


def test_a_vocabulary_file_that_is_no_asset_is_reported(scan_bytes, only):
    graph = _vocab_graph("path", tg.const("path", "/root/.ssh/id_rsa"))
    [finding] = only(scan_bytes(tg.saved_model(tg.meta_graph(graph)), "saved_model.pb"), CHECK)
    assert finding.evidence["paths"] == ["/root/.ssh/id_rsa"]


def _tf2_vocab(*bindings):
    initializer = tg.function(
        "__inference__initializer_30",
        tg.node("init", "InitializeTableFromTextFileV2", ["handle", "filepath"]),
        args=("filepath", "handle"),
    )
    graph = tg.graph(
        tg.const("Const", "/etc/shadow"),
        tg.node("hash_table", "HashTableV2"),
        functions=[initializer],
    )
    meta = tg.meta_graph(graph, assets=[("asset_path_initializer:0", "vocab.txt")])
    return tg.bind(meta, "__inference__initializer_30", *bindings)


def test_tf2_vocabulary_bound_to_an_asset_is_silent(scan_bytes, ids):
    meta = _tf2_vocab(("asset", 0), ("constant", "hash_table"))
    assert CHECK not in ids(scan_bytes(tg.saved_model(meta), "saved_model.pb"))


def test_tf2_vocabulary_bound_to_a_constant_path_is_reported(scan_bytes, only):
    meta = _tf2_vocab(("constant", "Const"), ("constant", "hash_table"))
    [finding] = only(scan_bytes(tg.saved_model(meta), "saved_model.pb"), CHECK)
    assert finding.evidence["paths"] == ["/etc/shadow"]


def test_tf2_vocabulary_passed_by_a_graph_call_resolves_through_variables(scan_bytes, ids, only):
    initializer = tg.function(
        "__inference__initializer_30",
        tg.node("init", "InitializeTableFromTextFileV2", ["handle", "filepath"]),
        args=("filepath", "handle"),
    )
    nodes = [
        tg.node("asset_path_initializer", "Placeholder"),
        tg.node("Variable", "VarHandleOp"),
        tg.node("Variable/Assign", "AssignVariableOp", ["Variable", "asset_path_initializer"]),
        tg.node("ReadVariableOp", "ReadVariableOp", ["Variable", "^Variable/Assign"]),
        tg.call("StatefulPartitionedCall_1", "__inference__initializer_30",
                ["ReadVariableOp", "hash_table"]),
    ]  # fmt: skip
    meta = tg.meta_graph(
        tg.graph(*nodes, functions=[initializer]),
        assets=[("asset_path_initializer:0", "vocab.txt")],
    )
    assert CHECK not in ids(scan_bytes(tg.saved_model(meta), "saved_model.pb"))
    nodes[2] = tg.node("Variable/Assign", "AssignVariableOp", ["Variable", "evil"])
    meta = tg.meta_graph(tg.graph(*nodes, tg.const("evil", "/etc/hosts"), functions=[initializer]))
    [finding] = only(scan_bytes(tg.saved_model(meta), "saved_model2.pb"), CHECK)
    assert finding.evidence["paths"] == ["/etc/hosts"]


# -- resolution is memoised, budgeted and fails closed ---------------------------------------
# Scans with a low time budget: work that regresses to exponential meets the deadline
# checks and becomes a limit finding, which the strict scan_bytes fixture rejects.
QUICK = Settings(timeout_seconds=20)


def test_variables_assigned_many_times_resolve_once(scan_bytes, only):
    # k=4, depth 11: 4**12 paths through the assignments, about a minute before memoising
    data = tg.variable_chain(4, 11, "/etc/passwd").SerializeToString()
    run = scan_bytes(data, "frozen.pb", QUICK)
    assert {f.check_id for f in run.findings} == {CHECK}
    [finding] = run.findings
    assert finding.evidence["paths"] == ["/etc/passwd"]  # resolved through every level
    assert finding.evidence["nodes"] == ["graph, node 'read'"]


def test_variable_chains_deeper_than_the_resolution_depth_are_unknown(scan_bytes, only):
    data = tg.variable_chain(4, tf_ops.MAX_RESOLVE_DEPTH, "/etc/passwd").SerializeToString()
    [finding] = only(scan_bytes(data, "frozen.pb", QUICK), CHECK)
    assert "paths" not in finding.evidence  # reported, the path beyond the depth unseen


def test_functions_called_many_times_resolve_once(scan_bytes, ids, only):
    # every argument has 4 callers, 12 levels up: 4**12 paths before memoising
    benign = scan_bytes(tg.call_chain(4, 11, asset=True), "saved_model.pb", QUICK)
    assert ids(benign) == set()
    run = scan_bytes(tg.call_chain(4, 11, asset=False), "saved_model2.pb", QUICK)
    [finding] = only(run, CHECK)
    assert finding.evidence["paths"] == ["/etc/shadow"]
    assert ids(run) == {CHECK}


def test_a_spent_resolution_budget_reports_what_it_could_not_resolve(tmp_path, monkeypatch):
    monkeypatch.setattr(tf_graph, "MAX_RESOLUTIONS", 10)
    path = tmp_path / "saved_model.pb"
    path.write_bytes(tg.call_chain(4, 3, asset=True))  # silent with the budget it needs
    run = scan([path], QUICK)
    by_check = {f.check_id: f for f in run.findings}
    assert set(by_check) == {CHECK, "modelfile.limits.exceeded"}
    assert by_check[CHECK].evidence["op"] == "InitializeTableFromTextFileV2"
    assert "resolution budget" in by_check[CHECK].message
    assert "name resolution steps" in by_check["modelfile.limits.exceeded"].message
    assert run.artefacts[0].status is ArtefactStatus.INCOMPLETE
