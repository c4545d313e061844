"""The subject's day as a state machine, and the store keeping its state and when."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.messages import describe
from domain.priority_groups import parse_priority_group, priority_groups
from domain.subjects import (
    TRANSITIONS,
    ListEntry,
    SubjectState,
    TransitionRefused,
    check_transition,
)
from store import Store
from store.subjects import entry_json, entry_of
from tests.conftest import FakeClock

S = SubjectState
DAY = date(2026, 11, 23)
AN = Identity(IdType.CCCD, "079092001234", "Nguyễn Văn An", PartialDate(1992, 8, 15), Sex.MALE)


def test_the_day_in_order() -> None:
    path = [S.ON_LIST, S.ARRIVED, S.ELIGIBLE, S.VACCINATED, S.OBSERVED, S.LEFT]
    for current, wanted in itertools.pairwise(path):
        assert check_transition(current, wanted)
    assert check_transition(S.ON_LIST, S.ABSENT) and check_transition(S.ABSENT, S.ARRIVED)
    assert check_transition(S.ELIGIBLE, S.DEFERRED)  # the doctor changes the outcome
    assert not check_transition(S.ARRIVED, S.ARRIVED)  # a second scan: nothing to do


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_every_change_is_allowed_or_refused_with_a_reason(a: SubjectState, b: SubjectState) -> None:
    if a is b or b in TRANSITIONS[a]:
        assert check_transition(a, b) is (a is not b)
    else:
        with pytest.raises(TransitionRefused) as caught:
            check_transition(a, b)
        assert caught.value.code == "subject.transition"


@given(st.lists(st.sampled_from(list(S)), max_size=12))
def test_nobody_is_vaccinated_without_being_screened_eligible(steps: list[SubjectState]) -> None:
    state, path = S.ON_LIST, [S.ON_LIST]
    for wanted in steps:
        if wanted in TRANSITIONS[state]:
            state = wanted
            path.append(state)
    if S.VACCINATED in path:
        assert path[path.index(S.VACCINATED) - 1] is S.ELIGIBLE
    assert S.LEFT not in path[:-1]  # left is the end


def test_refusal_words() -> None:
    with pytest.raises(TransitionRefused) as caught:
        check_transition(S.LEFT, S.VACCINATED)
    assert describe(caught.value) == "left now: cannot be marked vaccinated"


def test_priority_groups_table() -> None:
    table = priority_groups()
    assert table.codes() == [str(n) for n in range(1, 17)] and "3355" in table.version
    assert table.name_of("3") == "The army"
    assert parse_priority_group("04") == "4" and parse_priority_group("") == ""
    assert parse_priority_group("9.0") == "9"


def test_an_entry_survives_the_store_as_it_was() -> None:
    entry = ListEntry(person=AN, priority_group="1", province="Tỉnh Hà Tây")
    assert entry_of(entry_json(entry)) == entry


def test_the_store_keeps_state_when_and_who(store: Store, clock: FakeClock) -> None:
    entry = ListEntry(person=AN, priority_group="1")
    store.subjects.apply_list(site_id="S1", day=DAY, list_hash="h", file_name="f.xlsx",
                              by="Giám", entries=[entry])  # fmt: skip
    (subject,) = store.subjects.of_day("S1", DAY)
    clock.advance(minutes=5)
    arrived = store.subjects.set_state(subject.subject_id, S.ARRIVED, by="Hoa")
    assert arrived.state is S.ARRIVED and arrived.state_at.startswith("2026-11-23T02:35")
    store.subjects.set_state(subject.subject_id, S.ELIGIBLE, by="BS Bình")
    done = store.subjects.set_state(subject.subject_id, S.VACCINATED, by="Hoa")
    assert done.vaccinated_at == done.state_at
    with pytest.raises(TransitionRefused):
        store.subjects.set_state(subject.subject_id, S.ARRIVED, by="Hoa")
    assert [(s, by) for s, _at, by in store.subjects.history(subject.subject_id)] == [
        (S.ARRIVED, "Hoa"), (S.ELIGIBLE, "BS Bình"), (S.VACCINATED, "Hoa")]
    assert store.subjects.counts("S1", DAY) == {("1", S.VACCINATED): 1}
