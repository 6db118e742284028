import pytest

from aisec.llm.exchange import Exchange, ToolCall, Turn, Verdict


def test_answers_tool_calls_and_prompt_text_follow_the_transcript():
    call = ToolCall("search", {"q": "parcel 42"})
    ex = Exchange(
        (
            Turn("system", "be nice"),
            Turn("user", "where is 42?"),
            Turn("assistant", "", (call,)),
            Turn("tool", "in Leeds"),
            Turn("assistant", "It is in Leeds."),
        )
    )
    assert ex.answers == ["", "It is in Leeds."]
    assert ex.answer == "It is in Leeds."
    assert ex.tool_calls == (call,)
    assert ex.prompt_text == "be nice\nwhere is 42?\nin Leeds"


def test_an_exchange_without_answers_has_an_empty_answer():
    assert Exchange((Turn("user", "hi"),)).answer == ""


def test_role_aliases_of_chat_apis_are_read_as_their_roles():
    assert Turn("developer", "be nice").role == "system"
    assert Turn("function", "42").role == "tool"


def test_unknown_roles_and_scores_outside_0_1_are_rejected():
    with pytest.raises(ValueError, match="role"):
        Turn("robot", "hi")
    with pytest.raises(ValueError, match=r"0\.\.1"):
        Verdict("d", True, 1.5, "")
    with pytest.raises(ValueError, match=r"0\.\.1"):
        Verdict("d", True, float("nan"), "")


def test_exchanges_are_frozen():
    ex = Exchange((Turn("user", "hi"),))
    with pytest.raises(AttributeError):
        ex.objective = "x"  # type: ignore[misc]
