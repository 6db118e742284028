"""Database URLs are parsed input: hypothesis checks that any text gives a URL or a
StoreError (never another exception) and that no password is ever shown."""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy.engine import URL

from aisec.core.errors import StoreError
from aisec.store.url import POSTGRES_DRIVER, describe, hide_password, parse_url

secrets = st.text(alphabet=string.printable.strip(), min_size=6, max_size=30)
words = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)


def outcome(text: str) -> URL | StoreError:
    try:
        return parse_url(text)
    except StoreError as exc:
        return exc


def displayed(result: URL | StoreError) -> str:
    return str(result) if isinstance(result, StoreError) else describe(result)


@given(st.text(max_size=200))
def test_any_text_is_a_url_or_a_store_error(text):
    result = outcome(text)
    if isinstance(result, StoreError):
        assert result.code == "AISEC-E600"
        assert result.hint
    else:
        assert result.drivername in {"sqlite", "sqlite+pysqlite", POSTGRES_DRIVER}


@given(user=words, password=secrets, host=words, database=words)
def test_a_password_is_never_shown(user, password, host, database):
    shown = f"postgresql://{user}:***@{host}/{database}"
    assume(password not in shown and password not in POSTGRES_DRIVER + shown)
    for text in (
        f"postgresql://{user}:{password}@{host}/{database}",  # perhaps malformed
        f"postgresql://{user}:{quote(password, safe='')}@{host}/{database}",
        f"postgresql://{user}@{host}/{database}?password={quote(password, safe='')}",
    ):
        assert password not in hide_password(text)
        message = displayed(outcome(text))
        assert password not in message
        assert quote(password, safe="") not in message


@given(user=words, password=secrets, host=words, port=st.integers(1, 65535), database=words)
def test_encoded_urls_round_trip(user, password, host, port, database):
    text = f"postgres://{user}:{quote(password, safe='')}@{host}:{port}/{database}"
    url = parse_url(text)
    assert url.drivername == POSTGRES_DRIVER
    assert (url.username, url.password, url.host, url.port, url.database) == (
        user,
        password,
        host,
        port,
        database,
    )


def test_postgres_aliases_become_psycopg():
    for scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        assert parse_url(f"{scheme}://u@h/d").drivername == POSTGRES_DRIVER


def test_an_unencoded_at_sign_in_the_password_is_refused():
    with pytest.raises(StoreError) as caught:
        parse_url("postgresql://alice:p@ss@host/db")
    assert "ss@host" not in str(caught.value) and "p@ss" not in str(caught.value)
    assert "percent-encode" in (caught.value.hint or "")
