"""The key ring: authentication from headers, every kind of denial, scopes, keys from
the config file, and refreshes that pick up revocations or survive a database outage."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from gateway_access_support import gateway_keys
from hypothesis import given
from hypothesis import strategies as st

from aisec.core.errors import ConfigError, StoreError
from aisec.runtime.access.keys import KeyRing
from aisec.runtime.access.principal import Denial, Principal
from aisec.runtime.access.tokens import new_key, token_from_headers


@pytest.fixture
def store(tmp_path):
    from aisec.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'gw.db'}") as made:
        yield made


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def sha(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class Unreachable:
    def __init__(self, inner=None):
        self.inner, self.down = inner, True

    def list(self, include_revoked=False):
        if self.down:
            raise StoreError("database unreachable")
        return self.inner.list(include_revoked=include_revoked)


def test_authenticates_by_bearer_or_x_api_key(store):
    keys = gateway_keys(store)
    record, secret = keys.create("app", models=["fraud"], routes=["predict"], rate=2,
                                 daily_quota=10, actor="a")  # fmt: skip
    ring = KeyRing(keys)
    ring.load()
    found = ring.authenticate(bearer(secret))
    assert isinstance(found, Principal)
    assert (found.name, found.key_id, found.rate, found.daily_quota) == ("app", record.id, 2.0, 10)
    assert found.bucket_size == 2.0  # no burst: one second's worth
    assert ring.authenticate({"x-api-key": secret}) == found
    assert ring.authenticate([(b"authorization", f"bearer  {secret} ".encode())]) == found
    assert ring.authenticate([(b"X-Api-Key", secret.encode())]) == found


def test_every_denial_kind(store):
    keys = gateway_keys(store)
    _, revoked = keys.create("gone", actor="a")
    keys.revoke("gone", actor="a")
    now = [time.time()]
    ring = KeyRing(keys, clock=lambda: now[0])
    _, expiring = keys.create("brief", expires_at=datetime.now(UTC) + timedelta(hours=1),
                              actor="a")  # fmt: skip
    ring.load()
    assert isinstance(ring.authenticate(bearer(expiring)), Principal)
    now[0] += 7200  # the key expires between two refreshes: still refused at once
    assert ring.authenticate(bearer(expiring)) == Denial("expired", "brief")
    assert ring.authenticate(bearer(revoked)) == Denial("revoked", "gone")
    assert ring.authenticate(bearer(new_key())) == Denial("unknown")
    assert ring.authenticate(bearer("aisec_" + "x" * 43)) == Denial("unknown")
    assert ring.authenticate({}) == Denial("missing")
    assert ring.authenticate({"Authorization": "Basic dXNlcjpwYXNz"}) == Denial("missing")
    assert ring.authenticate({"Authorization": "Bearer "}) == Denial("missing")
    assert all(d.status == 401 for d in [Denial("missing"), Denial("revoked", "gone")])


def test_scopes():
    def principal(models=(), routes=()):
        return Principal("p", "id", frozenset(models), frozenset(routes), None, None, None)

    assert principal().allows("any", "chat")
    scoped = principal(models=["fraud"], routes=["predict"])
    assert scoped.allows("fraud", "predict")
    assert not scoped.allows("fraud", "chat")
    assert not scoped.allows("other", "predict")
    assert principal(models=["fraud"]).allows("fraud", "chat")
    assert principal(routes=["chat"]).allows("llm", "chat")


def test_refresh_picks_up_a_revocation(store):
    keys = gateway_keys(store)
    _, secret = keys.create("app", actor="a")
    ring = KeyRing(keys)
    ring.load()
    _, later = keys.create("later", actor="a")
    keys.revoke("app", actor="a")
    # Until the next refresh the snapshot answers: no database read per request.
    assert isinstance(ring.authenticate(bearer(secret)), Principal)
    assert ring.authenticate(bearer(later)) == Denial("unknown")
    assert ring.refresh()
    assert ring.authenticate(bearer(secret)) == Denial("revoked", "app")
    assert isinstance(ring.authenticate(bearer(later)), Principal)


def test_background_refresh_task(store):
    keys = gateway_keys(store)
    _, secret = keys.create("app", actor="a")
    ring = KeyRing(keys, refresh_seconds=0.01)

    async def scenario():
        await ring.open()
        try:
            assert isinstance(ring.authenticate(bearer(secret)), Principal)
            await asyncio.to_thread(keys.revoke, "app", "a")
            for _ in range(2000):  # a bound, not a timing assertion
                if isinstance(ring.authenticate(bearer(secret)), Denial):
                    break
                await asyncio.sleep(0.005)
            return ring.authenticate(bearer(secret))
        finally:
            await ring.close()

    assert asyncio.run(scenario()) == Denial("revoked", "app")


def test_refresh_failure_keeps_the_last_snapshot(store, caplog):
    keys = gateway_keys(store)
    _, secret = keys.create("app", actor="a")
    source = Unreachable(keys)
    source.down = False
    ring = KeyRing(source)
    ring.load()
    source.down = True
    with caplog.at_level(logging.WARNING, logger="aisec.runtime.access.keys"):
        assert not ring.refresh()
    assert "keeping the last snapshot" in caplog.text
    assert isinstance(ring.authenticate(bearer(secret)), Principal)


def test_unreachable_at_start_fails_unless_config_keys():
    with pytest.raises(StoreError, match="cannot read its API keys") as raised:
        KeyRing(Unreachable()).load()
    assert "keys:" in (raised.value.hint or "")
    secret = new_key()
    ring = KeyRing(Unreachable(), config_keys=[{"name": "cfg", "sha256": sha(secret)}])
    ring.load()
    assert ring.authenticate(bearer(secret)).name == "cfg"


def test_config_keys_without_a_store():
    secret, other = new_key(), new_key()
    ring = KeyRing(
        config_keys=[
            {"name": "cfg", "sha256": sha(secret).upper(), "models": ["fraud"],
             "routes": ["predict"], "rate": 5, "burst": 10, "daily_quota": 100},
            {"name": "open", "sha256": sha(other)},
        ]
    )  # fmt: skip
    ring.load()
    assert ring.refresh()  # nothing to refresh
    found = ring.authenticate(bearer(secret))
    assert isinstance(found, Principal)
    assert (found.key_id, found.models, found.burst) == ("config:cfg", frozenset({"fraud"}), 10.0)
    assert ring.authenticate(bearer(other)).allows("any", "chat")
    assert ring.authenticate(bearer(new_key())) == Denial("unknown")


def test_a_config_key_wins_over_a_stored_one_of_the_same_name(store, caplog):
    keys = gateway_keys(store)
    _, stored = keys.create("app", actor="a")
    secret = new_key()
    ring = KeyRing(keys, config_keys=[{"name": "app", "sha256": sha(secret)}])
    with caplog.at_level(logging.WARNING):
        ring.load()
    assert ring.authenticate(bearer(secret)).key_id == "config:app"
    assert ring.authenticate(bearer(stored)) == Denial("unknown")
    assert "config file's is used" in caplog.text


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("nope", "must be a list"),
        (["x"], "must be a mapping"),
        ([{"name": "a", "sha256": "0" * 64, "secret": "aisg_x"}], "holds a key itself"),
        ([{"name": "a", "sha256": "0" * 64, "model": ["x"]}], "unknown fields: model"),
        ([{"name": "a", "sha256": "abc"}], "64 hex digits"),
        ([{"name": "a b", "sha256": "0" * 64}], "no gateway key name"),
        ([{"name": "a", "sha256": "0" * 64, "rate": -1}], "positive number"),
        ([{"name": "a", "sha256": "0" * 64, "models": "fraud"}], "list of names"),
        ([{"name": "a", "sha256": "0" * 64}, {"name": "a", "sha256": "1" * 64}], "repeats"),
    ],
)
def test_bad_config_keys_are_refused(keys, message):
    with pytest.raises(ConfigError, match=message):
        KeyRing(config_keys=keys)


_header_text = st.text(max_size=600) | st.sampled_from(["Bearer", "bearer ", "Bearer aisg_"])
_header_bytes = st.binary(max_size=600)
_names = st.sampled_from(["authorization", "Authorization", "x-api-key", "X-API-KEY", "other"])


@given(
    st.lists(st.tuples(_names | st.text(max_size=20), _header_text))
    | st.lists(st.tuples(_names.map(str.encode) | _header_bytes, _header_bytes))
    | st.dictionaries(_names, _header_text)
)
def test_token_parsing_never_raises(headers):
    token = token_from_headers(headers)
    assert token is None or (isinstance(token, str) and token == token.strip() and token)
    ring = KeyRing(config_keys=[{"name": "cfg", "sha256": "0" * 64}])
    assert isinstance(ring.authenticate(headers), Denial)


def test_token_parsing_odd_inputs():
    assert token_from_headers([("authorization", "Bearer " + "a" * 1000)]) is None
    assert token_from_headers([(None, None), (1, 2)]) is None
    assert token_from_headers(None) is None  # type: ignore[arg-type]
    assert token_from_headers([("authorization", "Bearer a"), ("x-api-key", "b")]) == "a"
    assert token_from_headers([("authorization", "Basic a"), ("x-api-key", "b")]) == "b"
