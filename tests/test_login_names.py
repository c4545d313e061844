"""Logging in without exact diacritics: what a typed name resolves to (desk.people), and that
a wrong PIN still counts against the one user it was typed for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk import Desk
from desk.people import AmbiguousName, log_in, resolve_name, users_named
from domain.roles import Role
from domain.text import fold
from store import Store
from store.people import LoginError

LAN, LAN_HAT, HOA = "Nguyễn Thị Lan", "Nguyễn Thị Lân", "Lê Thị Hoa"


@pytest.mark.parametrize(
    ("typed", "names", "expected"),
    [
        ("Nguyễn Thị Lan", [LAN, HOA], (LAN,)),  # exact
        ("Nguyễn Thị Lan", [LAN, LAN_HAT], (LAN,)),  # exact wins over a folded twin
        ("nguyễn  THỊ lân ", [LAN, LAN_HAT], (LAN_HAT,)),  # exact but for case and spaces
        ("nguyen thi lan", [LAN, HOA], (LAN,)),  # folded, unique
        ("  NGUYEN   thi LAN\t", [LAN, HOA], (LAN,)),  # folded, any case, any spaces
        ("nguyen thi lan", [LAN_HAT, LAN, HOA], (LAN, LAN_HAT)),  # folded, ambiguous: sorted
        ("Nguyễn Thị Lăn", [LAN, LAN_HAT], (LAN, LAN_HAT)),  # wrong diacritics: fold, pick
        ("nguyen thi", [LAN, HOA], ()),  # a part of a name is not a name
        ("Trần Văn Giám", [LAN, HOA], ()),  # unknown
        ("", [LAN], ()),
        ("   ", [LAN], ()),
        ("tran van giam", [], ()),
        ("dang van duc", ["Đặng Văn Đức"], ("Đặng Văn Đức",)),  # đ folds to d
    ],
)
def test_resolve_name(typed: str, names: list[str], expected: tuple[str, ...]) -> None:
    assert resolve_name(typed, names) == expected


names_strategy = st.lists(
    st.sampled_from([LAN, LAN_HAT, HOA, "Nguyễn Thị Lán", "Đỗ Văn Đạt", "Do Van Dat", "Lê Hoa"]),
    unique=True,
    min_size=1,
)


def respell(name: str, data: st.DataObject) -> str:
    """The same name as a person might type it: any case per letter, any spaces around."""
    letters = "".join(ch.upper() if data.draw(st.booleans()) else ch.lower() for ch in name)
    spaces = st.text(" \t", max_size=3)
    words = letters.split(" ")
    return data.draw(spaces) + (" " + data.draw(spaces)).join(words) + data.draw(spaces)


@given(names_strategy, st.data())
def test_a_name_typed_exactly_is_always_that_user(names: list[str], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(names))
    assert resolve_name(respell(name, data), names) == (name,)


@given(names_strategy, st.data())
def test_a_name_typed_without_diacritics_offers_every_user_it_may_mean(
    names: list[str], data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(names))
    typed = respell(fold(name), data)
    exact = [other for other in names if other.casefold() == fold(name)]  # 'Do Van Dat' typed
    every = tuple(sorted(other for other in names if fold(other) == fold(name)))
    assert resolve_name(typed, names) == ((exact[0],) if exact else every)
    assert name in every


def add(store: Store, *names: str) -> None:
    for name in names:
        store.people.add(name, Role.VOLUNTEER, "2468", by="test")


def test_users_named_reads_the_desks_users(store: Store) -> None:
    add(store, LAN, LAN_HAT, HOA)
    assert users_named(store, "le thi hoa") == (HOA,)
    assert users_named(store, "nguyen thi lan") == (LAN, LAN_HAT)


def test_log_in_without_diacritics(store: Store) -> None:
    add(store, LAN, HOA)
    desk = Desk(store, store.clock)
    assert log_in(desk, "nguyen thi lan", "2468").name == LAN
    assert desk.user is not None and desk.user.name == LAN
    assert [row["user_name"] for row in store.people.rows() if row["action"] == "login"] == [LAN]


def test_an_ambiguous_name_asks_to_pick_and_tries_no_pin(store: Store) -> None:
    add(store, LAN, LAN_HAT)
    desk = Desk(store, store.clock)
    with pytest.raises(AmbiguousName) as raised:
        log_in(desk, "NGUYEN THI LAN", "0000")
    assert raised.value.names == (LAN, LAN_HAT)
    assert str(raised.value) == "wrong name or PIN"  # names nobody on its own
    assert not [row for row in store.people.rows() if row["action"] == "login.failed"]
    assert log_in(desk, LAN_HAT, "2468").name == LAN_HAT  # the exact name: no question


def test_wrong_pins_count_for_the_user_the_name_resolves_to(store: Store) -> None:
    add(store, LAN, HOA)
    desk = Desk(store, store.clock)
    for _ in range(5):
        with pytest.raises(LoginError, match="wrong name or PIN"):
            log_in(desk, "nguyen thi lan", "0000")
    with pytest.raises(LoginError, match="locked after 5 wrong PINs"):
        log_in(desk, LAN, "2468")  # the same user, typed exactly: locked too
    assert log_in(desk, "le thi hoa", "2468").name == HOA  # another user is not
    with pytest.raises(LoginError, match="wrong name or PIN"):
        log_in(desk, "nobody at all", "2468")
    failed = [row for row in store.people.rows() if row["action"] == "login.failed"]
    assert {row["user_name"] for row in failed} == {LAN, "-"}
