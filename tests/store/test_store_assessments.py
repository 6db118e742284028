"""Revision 0005: governance assessments of AI systems, stored as a history of judgements and
read back on SQLite and PostgreSQL; unknown systems, removal, hostile text and the status
constraint included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

import aisec
from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store import StoredAssessment, SystemAsset, migrate
from aisec.store.engine import create_store_engine
from aisec.store.session import clean, clean_data

KIND = "eu-ai-act-classification"
ANSWERS = {
    "annex_iii_area": "employment",
    "profiling_of_natural_persons": True,
    "users": 1200,
    "member_states": ["DE", "FR"],
}
RESULT = {
    "tier": "high-risk",
    "obligations": ["Art. 9 risk management", "Art. 14 human oversight"],
    "score": 0.75,
}
RATIONALE = ["Annex III point 4(a): recruitment.", "No Art. 6(3) exception applies."]


def system(store, name: str = "cv-screener") -> SystemAsset:
    return store.inventory.upsert(SystemAsset(name=name, eu_ai_act_role="deployer"))


def assess(store, who: str | SystemAsset = "cv-screener", kind: str = KIND, **changes):
    fields = {
        "framework": "eu-ai-act",
        "answers": ANSWERS,
        "result": RESULT,
        "rationale": RATIONALE,
        "assessor": "dpo@example.com",
        "as_of": date(2026, 8, 2),
    }
    fields.update(changes)
    return store.assessments.record(who, kind, **fields)


def rows(store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM assessments")).scalar()


def test_round_trip(store):
    owner = system(store)
    before = datetime.now(UTC)
    stored = assess(store, tool_version="1.2.3")
    assert isinstance(stored, StoredAssessment)
    assert (stored.system_id, stored.system_name) == (owner.id, "cv-screener")
    assert (stored.kind, stored.framework, stored.status) == (KIND, "eu-ai-act", "final")
    assert stored.answers == ANSWERS and stored.result == RESULT
    assert stored.rationale == tuple(RATIONALE)
    assert (stored.assessor, stored.as_of, stored.tool_version) == (
        "dpo@example.com",
        date(2026, 8, 2),
        "1.2.3",
    )
    assert stored.created_at.tzinfo is UTC and before <= stored.created_at <= datetime.now(UTC)
    assert store.assessments.get(stored.id) == stored
    assert store.assessments.latest("cv-screener", KIND) == stored
    assert store.assessments.list() == [stored]


def test_a_system_is_named_by_name_id_or_record_and_the_tool_version_defaults(store):
    owner = system(store)
    by_name = assess(store, "cv-screener")
    by_id = assess(store, owner.id)
    by_record = assess(store, owner)
    assert {by_name.system_id, by_id.system_id, by_record.system_id} == {owner.id}
    assert by_name.tool_version == aisec.__version__
    assert store.assessments.list(owner) == store.assessments.list(owner.id)


def test_an_id_wins_over_a_name_that_looks_like_one(store):
    first = system(store)
    impostor = system(store, name=first.id)  # a system named like another's id
    assert assess(store, first.id).system_id == first.id
    assert store.assessments.list(impostor.id) == []


def test_history_is_kept_in_the_order_it_was_made(store):
    system(store)
    made = [assess(store, answers={"version": i}) for i in range(5)]
    assert store.assessments.list("cv-screener") == made
    assert store.assessments.latest("cv-screener", KIND) == made[-1]
    assert [a.answers["version"] for a in store.assessments.list(kind=KIND)] == list(range(5))


def test_order_holds_when_the_clock_stands_still_or_goes_back(store, monkeypatch):
    import aisec.store.sql_assessments as module

    system(store)
    noon = datetime(2026, 1, 1, 12, tzinfo=UTC)
    clock = iter([noon, noon, noon, noon - timedelta(hours=1)])
    monkeypatch.setattr(module, "utcnow", lambda: next(clock))
    made = [assess(store, answers={"version": i}) for i in range(4)]
    assert [a.created_at for a in made] == [noon + timedelta(microseconds=i) for i in range(4)]
    # Ids are random: the order is the times', and reading agrees with recording.
    assert store.assessments.list("cv-screener") == made
    assert store.assessments.latest("cv-screener", KIND) == made[-1]


def test_latest_is_per_system_and_kind_and_skips_drafts_unless_asked(store):
    system(store)
    system(store, "chatbot")
    assert store.assessments.latest("cv-screener", KIND) is None
    final = assess(store)
    draft = assess(store, status="draft", result={"tier": "limited-risk"})
    other_kind = assess(store, kind="fria", framework="eu-ai-act")
    other_system = assess(store, "chatbot")
    assert store.assessments.latest("cv-screener", KIND) == final
    assert store.assessments.latest("cv-screener", KIND, include_drafts=True) == draft
    assert store.assessments.latest("cv-screener", "fria") == other_kind
    assert store.assessments.latest("chatbot", KIND) == other_system
    assert store.assessments.latest("chatbot", "dpia") is None
    assert store.assessments.list("cv-screener", KIND) == [final, draft]
    assert store.assessments.list(kind="fria") == [other_kind]
    assert store.assessments.list() == [final, draft, other_kind, other_system]


def test_an_unknown_system_is_refused_and_nothing_is_stored(store):
    system(store)
    with pytest.raises(RecordNotFound, match="no AI system with the name or id 'nobody'") as caught:
        assess(store, "nobody")
    assert caught.value.code == "AISEC-E601"
    assert "inventory" in (caught.value.hint or "")
    with pytest.raises(RecordNotFound):
        store.assessments.latest("nobody", KIND)
    with pytest.raises(RecordNotFound):
        store.assessments.list("nobody")
    with pytest.raises(RecordNotFound):
        assess(store, SystemAsset(id="0" * 36, name="gone"))
    with pytest.raises(InvalidRecord, match="store it first"):
        assess(store, SystemAsset(name="never-stored"))
    assert rows(store) == 0
    assert store.assessments.get("00000000-0000-0000-0000-000000000000") is None


def test_assessments_go_with_their_system(store):
    gone, kept = system(store), system(store, "chatbot")
    dropped = [assess(store), assess(store, kind="fria")]
    survivor = assess(store, "chatbot")
    store.inventory.remove(SystemAsset, gone.id, force=True)
    assert all(store.assessments.get(a.id) is None for a in dropped)
    assert store.assessments.list() == [survivor]
    assert store.assessments.latest(kept.id, KIND) == survivor
    assert rows(store) == 1


@pytest.mark.parametrize(
    "as_of",
    [date(2026, 8, 2), date(2027, 8, 2), date(1, 1, 1), date(9999, 12, 31), date(2028, 2, 29)],
)
def test_as_of_dates_round_trip(store, as_of):
    system(store)
    stored = assess(store, as_of=as_of)
    back = store.assessments.get(stored.id)
    assert back is not None and back.as_of == as_of and type(back.as_of) is date


def test_the_status_is_checked_by_the_store_and_by_the_database(store):
    owner = system(store)
    with pytest.raises(InvalidRecord, match="unknown assessment status 'approved'") as caught:
        assess(store, status="approved")
    assert "draft, final" in (caught.value.hint or "")
    assert rows(store) == 0
    # Written past the repository, as another tool or a hand-made query would.
    insert = text(
        "INSERT INTO assessments (id, system_id, kind, framework, answers, result, rationale,"
        " assessor, as_of, created_at, status, tool_version) VALUES (:id, :system, 'k', 'f',"
        " '{}', '{}', '[]', 'a', '2026-08-02', '2026-01-01 00:00:00', :status, '0.1')"
    )
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert, {"id": "x" * 36, "system": owner.id, "status": "approved"})
    with store.engine.begin() as connection:
        connection.execute(insert, {"id": "y" * 36, "system": owner.id, "status": "draft"})
    assert [a.status for a in store.assessments.list()] == ["draft"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": " "}, "needs its kind"),
        ({"kind": "k" * 41}, "kind is longer than 40"),
        ({"kind": "\x00" * 11}, "kind is longer than 40"),  # as stored, \x00 is 4 characters
        ({"framework": ""}, "needs its framework"),
        ({"framework": "f" * 41}, "framework is longer than 40"),
        ({"assessor": "\t"}, "needs its assessor"),
        ({"assessor": "a" * 201}, "assessor is longer than 200"),
        ({"tool_version": "v" * 101}, "tool_version is longer than 100"),
        ({"assessor": None}, "assessor must be text"),
        ({"answers": ["yes"]}, "answers must be a mapping"),
        ({"result": "high-risk"}, "result must be a mapping"),
        ({"rationale": "one sentence"}, "rationale must be a list"),
        ({"rationale": ["fine", 3]}, "rationale must hold text only"),
        ({"as_of": datetime(2026, 8, 2, tzinfo=UTC)}, "as_of must be a date"),
        ({"as_of": "2026-08-02"}, "as_of must be a date"),
    ],
)
def test_what_the_columns_cannot_hold_is_refused_before_anything_is_written(
    store, changes, message
):
    system(store)
    with pytest.raises(InvalidRecord, match=message) as caught:
        assess(store, **changes)
    assert caught.value.code == "AISEC-E602"
    assert rows(store) == 0


def test_the_longest_values_fit(store):
    system(store)
    stored = assess(
        store, kind="\udcff" * 10, framework="f" * 40, assessor="a" * 200, tool_version="v" * 100
    )
    assert store.assessments.get(stored.id) == stored
    assert stored.kind == "\\xff" * 10


# Any character, lone surrogates included, and the two the databases refuse made likely.
characters = st.characters(exclude_categories=()) | st.sampled_from("\x00\udcff\ud800")
hostile = st.text(characters, max_size=50)  # at most 200 once each is escaped to 4
json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | hostile
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile, inner, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(hostile, json_values, max_size=5)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=hostile.filter(lambda s: clean(s).strip() and len(clean(s)) <= 200),
    assessor=hostile.filter(str.strip),
    answers=json_objects,
    result=json_objects,
    rationale=st.lists(hostile, max_size=5),
)
def test_hostile_text_is_stored_visibly(store, name, assessor, answers, result, rationale):
    owner = store.inventory.upsert(SystemAsset(name=name))
    stored = assess(
        store, name, answers=answers, result=result, rationale=rationale, assessor=assessor
    )
    assert stored.system_id == owner.id
    assert stored.assessor == clean(assessor.strip())
    assert stored.answers == clean_data(answers)
    assert stored.result == clean_data(result)
    assert stored.rationale == tuple(clean_data(rationale))
    assert store.assessments.get(stored.id) == stored
    assert store.assessments.latest(name, KIND) == stored


# -- the migration -------------------------------------------------------------------------


@pytest.fixture
def engine(database_url):
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def test_0005_upgrades_from_0004_keeping_systems_and_downgrades_back(engine):
    migrate.upgrade(engine, "0004")
    assert "assessments" not in inspect(engine).get_table_names()
    with engine.begin() as connection:  # a system stored before 0005
        connection.execute(
            text(
                "INSERT INTO ai_systems (id, name, intended_purpose, owner, business_unit,"
                " lifecycle_stage, deployment_context, eu_ai_act_role, geography,"
                " discovered_at, created_at, updated_at)"
                " VALUES ('s1', 'kept', '', '', '', '', '', '', '[]', '[]', :now, :now)"
            ),
            {"now": "2026-01-01 00:00:00"},
        )
    migrate.upgrade(engine, "0005")
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == "0005"
        assert connection.execute(text("SELECT count(*) FROM assessments")).scalar() == 0
    indexes = {i["name"] for i in inspect(engine).get_indexes("assessments")}
    assert indexes == {"ix_assessments_system_id", "ix_assessments_kind"}
    checks = {c["name"] for c in inspect(engine).get_check_constraints("assessments")}
    assert checks == {"ck_assessments_status"}
    (foreign_key,) = inspect(engine).get_foreign_keys("assessments")
    assert foreign_key["referred_table"] == "ai_systems"
    assert foreign_key["options"].get("ondelete") == "CASCADE"
    migrate.downgrade(engine, "0004")
    assert "assessments" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM ai_systems")).scalar() == 1
    migrate.downgrade(engine, "base")
    assert inspect(engine).get_table_names() == []
