import gzip

from aisec.core.settings import Settings


def test_compression_ratio_cap(tmp_path, only):
    from aisec.modelfile.scanner import scan

    path = tmp_path / "bomb.gz"
    path.write_bytes(gzip.compress(b"\x00" * (40 * 1024 * 1024)))
    run = scan([path], Settings(max_compression_ratio=50))
    assert only(run, "modelfile.archive.decompression-bomb")
    assert run.exit_code(Settings().fail_on) == 1
