import string

from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.llm.detectors.base import clip, excerpt, string_leaves
from aisec.llm.detectors.matching import Views, find, find_all, fold, skeleton


def test_fold_drops_format_characters_and_folds_lookalikes():
    assert fold("Ѕ\u200bесrеt\u00ad") == "secret"
    assert fold("ＰＷＮＥＤ") == "pwned"
    assert skeleton("A-I_S.E C") == "aisec"


def test_find_all_reports_each_needle_once_in_text_order():
    texts = [("answer 1", "x"), ("answer 2", "A-B-C-1-2-3"), ("answer 3", "abc123")]
    hits = find_all(("abc123", "zzz999"), texts)
    assert [(h.needle, h.form, h.place) for h in hits] == [("abc123", "normalised", "answer 2")]


def test_string_leaves_walk_nested_arguments_with_paths():
    leaves = dict(string_leaves({"to": ["a", {"b": 3}], "ok": True}))
    assert leaves == {"to[0]": "a", "to[1].b": "3", "ok": "True"}


def test_clip_and_excerpt():
    assert clip("abcdef", 3) == ("abc", True)
    assert clip("ab", 3) == ("ab", False)
    assert excerpt("x" * 500, 100, 300).endswith("…'")
    assert excerpt("a  b\n c", 0, 6) == "'a b c'"


ascii_needles = st.text(
    alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=30
)


@settings(max_examples=200, deadline=None)
@given(ascii_needles, st.text(max_size=100), st.text(max_size=100))
def test_a_needle_present_verbatim_is_always_found(needle, before, after):
    assert find(needle, Views("answer", before + needle + after)) is not None


@settings(max_examples=200, deadline=None)
@given(ascii_needles, st.sampled_from([str.upper, str.lower, str.swapcase]))
def test_case_never_hides_a_needle(needle, change):
    if skeleton(needle):
        assert find(needle, Views("answer", f"({change(needle)})")) is not None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_matching_never_raises(needle, text):
    hit = find(needle, Views("answer", text))
    assert hit is None or hit.needle == needle
    assert isinstance(skeleton(text), str)
