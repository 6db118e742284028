import pickle


def test_bytes_after_the_last_pickle_are_reported(scan_bytes, only):
    data = pickle.dumps([1, 2], protocol=4) + b"\xffhidden second stage"
    [finding] = only(scan_bytes(data), "modelfile.format.trailing-data")
    assert finding.location.offset == len(pickle.dumps([1, 2], protocol=4))
    assert finding.evidence["length"] == 20


def test_stacked_pickles_are_not_trailing_data_and_are_all_analysed(scan_bytes, ids):
    data = pickle.dumps(1) + pickle.dumps(2) + b"\x80\x04cos\nsystem\n\x8c\x02id\x85R."
    found = ids(scan_bytes(data))
    assert "modelfile.format.trailing-data" not in found
    assert "modelfile.pickle.dangerous-call" in found
