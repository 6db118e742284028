def test_build_on_an_imported_module_is_reported(scan_bytes, only):
    # torch._utils.__dict__.update({'_rebuild_tensor': 'eval'}) via BUILD
    data = b"\x80\x04\x8c\x05torch\x8c\x06_utils\x93}\x8c\x0f_rebuild_tensor\x8c\x04evalsb."
    [finding] = only(scan_bytes(data), "modelfile.pickle.global-mutation")
    assert finding.evidence["target"] == "torch._utils"
    assert finding.evidence["opcode"] == "BUILD"


def test_patched_attribute_is_seen_by_later_lookups(scan_bytes, only):
    # After the BUILD above, STACK_GLOBAL('torch._utils', '_rebuild_tensor') is 'eval'.
    data = (
        b"\x80\x04\x8c\x05torch\x8c\x06_utils\x93}\x8c\x0f_rebuild_tensor\x8c\x08builtinssb0"
        b"\x8c\x0ctorch._utils\x8c\x0f_rebuild_tensor\x93\x8c\x04eval\x93\x8c\x031+1\x85R."
    )
    calls = only(scan_bytes(data), "modelfile.pickle.dangerous-call")
    assert [c.evidence["callable"] for c in calls] == ["builtins.eval"]


def test_setitem_on_imported_mapping_is_reported(scan_bytes, only):
    data = b"\x80\x04\x8c\x02os\x8c\x07environ\x93\x8c\nLD_PRELOAD\x8c\x05x.so s."
    assert only(scan_bytes(data), "modelfile.pickle.global-mutation")
