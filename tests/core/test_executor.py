"""The executors: same results in the same order whatever runs the work."""

import pytest

from aisec.core.errors import ConfigError
from aisec.core.executor import (
    DaskExecutor,
    InProcess,
    ProcessPool,
    make_executor,
    parse_executor,
)


def _square(x: int) -> int:
    return x * x


def _fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (None, ("local", None)),
        ("", ("local", None)),
        ("local", ("local", None)),
        ("dask", ("dask", None)),
        ("dask://scheduler.internal:8786", ("dask", "tcp://scheduler.internal:8786")),
        ("dask://10.0.0.5:8786/", ("dask", "tcp://10.0.0.5:8786")),
        ("dask://[::1]:8786", ("dask", "tcp://[::1]:8786")),
    ],
)
def test_executor_specs(spec, expected):
    assert parse_executor(spec) == expected


@pytest.mark.parametrize(
    "spec",
    ["dask://", "dask://host", "dask://host:port", "dask://user@host:1", "ray://h:1", "dask:/h:1"],
)
def test_bad_executor_specs_are_configuration_errors(spec):
    with pytest.raises(ConfigError) as err:
        parse_executor(spec)
    assert err.value.hint


def test_local_executors_keep_the_order():
    assert isinstance(make_executor(1), InProcess)
    pool = make_executor(2)
    assert isinstance(pool, ProcessPool)
    try:
        assert list(pool.map(_square, range(50))) == [x * x for x in range(50)]
    finally:
        pool.close()


@pytest.mark.slow
def test_dask_cluster_on_this_machine_keeps_the_order_and_raises_task_errors():
    executor = make_executor(2, "dask")
    assert isinstance(executor, DaskExecutor)
    try:
        # More items than the submission window, so the window really slides.
        assert list(executor.map(_square, range(100))) == [x * x for x in range(100)]
        results = executor.map(_fail_on_three, range(6))
        assert [next(results) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(ValueError, match="three"):
            next(results)
    finally:
        executor.close()


def test_unreachable_dask_scheduler_is_a_configuration_error():
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler"):
        DaskExecutor(f"tcp://127.0.0.1:{port}", 1, connect_timeout=1)
