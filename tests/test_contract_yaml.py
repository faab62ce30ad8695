"""YAML reading keeps positions, refuses duplicate keys and reads scalars the YAML 1.2 way."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from revalign.contract.yaml_nodes import Mark, Place, YamlSyntaxError, compose_located


def test_places_of_keys_and_values_are_one_based() -> None:
    located = compose_located("a:\n  b: [x, {c: 1}]\n")
    assert located.places[("a", "b")] == Place(Mark(2, 3), Mark(2, 6))
    assert located.places[("a", "b", 1, "c")] == Place(Mark(2, 11), Mark(2, 14))
    assert located.places[("a", "b", 0)] == Place(Mark(2, 7), Mark(2, 7))


def test_duplicate_keys_are_problems_and_the_first_value_stands() -> None:
    located = compose_located("a: 1\nb: 2\na: 3\n")
    assert located.data == {"a": 1, "b": 2}
    assert located.problems == [(("a",), Mark(3, 1), "duplicate key 'a' (first at line 1)")]


def test_norway_and_times_of_day_stay_strings() -> None:
    located = compose_located("c: [NO, yes, off, true, False]\nt: 9:30\nd: 2026-12-25\n")
    assert located.data == {
        "c": ["NO", "yes", "off", True, False],
        "t": "9:30",
        "d": dt.date(2026, 12, 25),
    }


def test_anchors_and_merge_keys_work() -> None:
    located = compose_located(
        "base: &h {start: '09:00', end: '17:00'}\nx: {<<: *h, end: '18:00'}\n"
    )
    assert located.data["x"] == {"start": "09:00", "end": "18:00"}


def test_syntax_error_has_a_position() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        compose_located("a: 1\n  b: 2\n")
    assert caught.value.mark == Mark(2, 4)
    assert caught.value.message == "mapping values are not allowed here"


def test_empty_text_has_no_data() -> None:
    assert compose_located("# nothing\n").data is None


plain = st.one_of(
    st.integers(-(10**6), 10**6),
    st.text(alphabet="abcxyz_", min_size=1, max_size=6),
    st.booleans(),
    st.none(),
)
documents = st.recursive(
    plain,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(alphabet="abcdef", min_size=1, max_size=4), inner, max_size=4),
    ),
    max_leaves=12,
)


@given(documents)
def test_same_data_as_safe_load_for_plain_documents(document: object) -> None:
    text = yaml.safe_dump(document)
    assert compose_located(text).data == yaml.safe_load(text)
