import pytest


@pytest.fixture
def ids():
    def _ids(run):
        return {f.check_id for f in run.findings}

    return _ids


@pytest.fixture
def only(ids):
    """The findings of one check."""

    def _only(run, check_id):
        return [f for f in run.findings if f.check_id == check_id]

    return _only
