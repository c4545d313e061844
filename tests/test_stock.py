"""Vaccine stock per lot, as arithmetic: receipts, allocations to desks, vials opened, doses
wasted and given; on hand in doses and vials; expired, near expiry, empty, near empty; the rules
of a receipt, an allocation and a desk's movement. A fake clock (`today` given) throughout."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import FieldError
from domain.stock import (
    Alert,
    Allocation,
    LotStock,
    Receipt,
    StockSettings,
    Usage,
    alert_text,
    check_allocation,
    check_receipt,
    check_usable,
    check_usage,
    find_lot,
    site_stock,
    warnings,
)
from tests.conftest import FakeClock

TODAY = date(2026, 11, 23)


def receipt(lot: str = "A1", vials: int = 10, per_vial: int = 6, *, vaccine: str = "PF",
            expires: date = date(2027, 3, 31), on: date = TODAY,
            rid: str = "r1") -> Receipt:  # fmt: skip
    return Receipt(rid, "site-1", vaccine, lot, vials, per_vial, expires, "CDC Gia Lai", on)


def allocation(desk: str, vials: int, lot: str = "A1", vaccine: str = "PF") -> Allocation:
    return Allocation(f"a-{desk}-{vials}", "site-1", vaccine, lot, desk, vials, TODAY)


def usage(desk: str, opened: int = 0, wasted: int = 0, lot: str = "A1") -> Usage:
    return Usage(f"u-{desk}-{opened}-{wasted}", "site-1", desk, "PF", lot, opened, wasted, TODAY)


def test_on_hand_is_receipts_less_given_and_wasted() -> None:
    [stock] = site_stock([receipt(vials=10), receipt(vials=5, rid="r2")],
                         usage=[usage("desk-1", opened=3, wasted=2)],
                         given={("PF", "A1", "desk-1"): 14})  # fmt: skip
    assert stock.received_vials == 15 and stock.received_doses == 90
    assert stock.given_doses == 14 and stock.wasted_doses == 2
    assert stock.on_hand_doses == 90 - 14 - 2 == 74
    assert stock.on_hand_vials == 13  # 74 doses: 12 full vials and one with 2 doses
    assert stock.unopened_vials == 12
    assert stock.desks == ("desk-1",)


def test_each_lot_apart_and_sorted() -> None:
    holdings = site_stock([receipt("B2"), receipt("A1", vaccine="AZ", per_vial=10)],
                          given={("PF", "B2", "d"): 1, ("AZ", "A1", "d"): 2})  # fmt: skip
    assert [h.key for h in holdings] == [("AZ", "A1"), ("PF", "B2")]
    assert find_lot(holdings, "AZ", "A1").on_hand_doses == 98  # type: ignore[union-attr]
    assert find_lot(holdings, "PF", "A1") is None


def test_doses_of_a_lot_never_received_show_below_zero() -> None:
    [stock] = site_stock([], given={("PF", "Z9", "desk-2"): 3})
    assert stock.expires_on is None and stock.on_hand_doses == -3 and stock.on_hand_vials == 0
    assert stock.alerts(TODAY) == (Alert.EMPTY,)


def test_allocations_at_the_site_and_at_the_desk() -> None:
    receipts = [receipt(vials=20)]
    allocations = [allocation("desk-1", 5), allocation("desk-2", 3), allocation("desk-1", 2)]
    moves = [usage("desk-1", opened=2, wasted=1), usage("desk-2", opened=1)]
    given = {("PF", "A1", "desk-1"): 10, ("PF", "A1", "desk-2"): 4}
    [site] = site_stock(receipts, allocations, moves, given)
    assert site.allocated_vials == 10 and site.unallocated_vials == 10
    assert site.on_hand_doses == 120 - 14 - 1
    [desk] = site_stock(receipts, allocations, moves, given, desk_id="desk-1")
    assert desk.received_vials == 7 and desk.received_doses == 42
    assert (desk.given_doses, desk.wasted_doses, desk.opened_vials) == (10, 1, 2)
    assert desk.on_hand_doses == 31 and desk.expires_on == date(2027, 3, 31)
    assert site_stock(receipts, allocations, moves, given, desk_id="desk-9") == [
        LotStock("PF", "A1", date(2027, 3, 31), 6)
    ]


@pytest.mark.parametrize(
    ("expires", "alert"),
    [
        (TODAY - timedelta(days=1), Alert.EXPIRED),
        (TODAY, Alert.NEAR_EXPIRY),  # the expiry day itself is still usable
        (TODAY + timedelta(days=30), Alert.NEAR_EXPIRY),
        (TODAY + timedelta(days=31), None),
    ],
)
def test_expiry_verdicts(expires: date, alert: Alert | None) -> None:
    [stock] = site_stock([receipt(expires=expires, on=TODAY - timedelta(days=60))])
    assert stock.alerts(TODAY) == ((alert,) if alert else ())
    assert stock.expired(TODAY) is (alert is Alert.EXPIRED)


def test_near_expiry_and_near_empty_follow_the_settings() -> None:
    [stock] = site_stock([receipt(vials=2, expires=TODAY + timedelta(days=10))],
                         given={("PF", "A1", "d"): 7})  # fmt: skip
    assert stock.on_hand_doses == 5
    assert stock.alerts(TODAY) == (Alert.NEAR_EXPIRY, Alert.NEAR_EMPTY)
    assert stock.alerts(TODAY, StockSettings(near_expiry_days=7, near_empty_doses=4)) == ()
    [empty] = site_stock([receipt(vials=1)], given={("PF", "A1", "d"): 6})
    assert empty.alerts(TODAY) == (Alert.EMPTY,)


def test_the_clock_moving_on_turns_a_lot_near_expiry_then_expired(clock: FakeClock) -> None:
    start = clock().date()
    [stock] = site_stock([receipt(expires=start + timedelta(days=31), on=start)])
    seen = []
    for _ in range(3):
        seen.append(stock.alerts(clock().date()))
        clock.advance(days=16)
    assert seen == [(), (Alert.NEAR_EXPIRY,), (Alert.EXPIRED,)]


def test_warnings_in_words_most_severe_first() -> None:
    near = LotStock("PF", "B2", TODAY + timedelta(days=5), 6, received_vials=10)
    low = LotStock("AZ", "C3", TODAY + timedelta(days=300), 10, received_vials=1, given_doses=9)
    gone = LotStock("PF", "A1", TODAY - timedelta(days=2), 6, received_vials=30)
    assert warnings([low, near, gone], TODAY) == [
        "PF A1: expired on 21/11/2026",
        "PF B2: expires 28/11/2026 (in 5 days)",
        "AZ C3: 1 dose left",
    ]
    today = LotStock("PF", "D4", TODAY, 6, received_vials=10)
    assert alert_text(today, Alert.NEAR_EXPIRY, TODAY) == "PF D4: expires today, 23/11/2026"
    empty = LotStock("PF", "E5", None, 6, given_doses=1)
    assert alert_text(empty, Alert.EMPTY, TODAY) == "PF E5: no dose left"


def test_warnings_in_vietnamese() -> None:
    import i18n

    i18n.set_language("vi")
    low = LotStock("AZ", "C3", TODAY + timedelta(days=3), 10, received_vials=1, given_doses=8)
    lines = warnings([low], TODAY)
    assert len(lines) == 2 and all(line.startswith("AZ C3: ") for line in lines)
    assert "expires" not in " ".join(lines) and "left" not in " ".join(lines)


def test_a_receipt_is_checked() -> None:
    check_receipt(receipt(), None, TODAY)
    cases = [
        (receipt(vials=0), "vials", "stock.count"),
        (receipt(per_vial=51), "doses_per_vial", "stock.count"),
        (receipt(on=TODAY + timedelta(days=1)), "received_on", "date.future"),
        (receipt(expires=TODAY - timedelta(days=1)), "expires_on", "stock.received_expired"),
    ]
    for bad, field, code in cases:
        with pytest.raises(FieldError) as caught:
            check_receipt(bad, None, TODAY)
        assert (caught.value.field, caught.value.code) == (field, code)
    [known] = site_stock([receipt()])
    for bad, field, code in [
        (receipt(expires=date(2027, 4, 1)), "expires_on", "stock.other_expiry"),
        (receipt(per_vial=10), "doses_per_vial", "stock.other_doses_per_vial"),
    ]:
        with pytest.raises(FieldError) as caught:
            check_receipt(bad, known, TODAY)
        assert (caught.value.field, caught.value.code) == (field, code)
    check_receipt(receipt(vials=4, rid="r2"), known, TODAY)  # the same lot, more of it


def test_an_allocation_is_checked() -> None:
    [site] = site_stock([receipt(vials=10)], [allocation("desk-1", 6)])
    check_allocation(allocation("desk-2", 4), site, TODAY)
    with pytest.raises(FieldError) as caught:
        check_allocation(allocation("desk-2", 5), site, TODAY)
    assert caught.value.code == "stock.over_allocated" and caught.value.params["count"] == 4
    assert "4" in str(caught.value)
    with pytest.raises(FieldError, match="no receipt"):
        check_allocation(allocation("desk-2", 1, lot="Z9"), None, TODAY)
    with pytest.raises(FieldError) as caught:
        check_allocation(allocation("desk 2", 1), site, TODAY)
    assert caught.value.field == "desk_id"
    [old] = site_stock([receipt(expires=TODAY - timedelta(days=1), on=TODAY - timedelta(days=9))])
    with pytest.raises(FieldError) as caught:
        check_allocation(allocation("desk-2", 1), old, TODAY)
    assert caught.value.code == "stock.expired"


def test_a_movement_is_checked() -> None:
    check_usage(usage("desk-1", opened=1))
    check_usage(usage("desk-1", wasted=2))
    for bad, field in [(usage("desk-1"), "vials_opened"),
                       (usage("desk-1", opened=-1), "vials_opened"),
                       (usage("desk-1", wasted=1001), "doses_wasted"),
                       (usage("desk/1", opened=1), "desk_id")]:  # fmt: skip
        with pytest.raises(FieldError) as caught:
            check_usage(bad)
        assert caught.value.field == field


def test_an_expired_lot_is_not_usable_and_an_unknown_one_is() -> None:
    check_usable(None, TODAY)
    check_usable(LotStock("PF", "A1", TODAY, 6), TODAY)
    with pytest.raises(FieldError) as caught:
        check_usable(LotStock("PF", "A1", TODAY - timedelta(days=1), 6), TODAY)
    assert (caught.value.field, caught.value.code) == ("lot", "stock.expired")
    assert str(caught.value) == "lot: lot A1 expired on 22/11/2026: it cannot be used"


LOTS = st.sampled_from(["A1", "B2", "C3"])
DESKS = st.sampled_from(["desk-1", "desk-2", "desk-3"])


@given(
    receipts=st.lists(st.tuples(LOTS, st.integers(1, 50)), max_size=8),
    moves=st.lists(st.tuples(LOTS, DESKS, st.integers(0, 5), st.integers(0, 12)), max_size=12),
    doses=st.dictionaries(st.tuples(LOTS, DESKS), st.integers(0, 300), max_size=9),
)
def test_the_site_is_the_sum_of_its_parts(
    receipts: list[tuple[str, int]],
    moves: list[tuple[str, str, int, int]],
    doses: dict[tuple[str, str], int],
) -> None:
    """Whatever the receipts, movements and doses: each lot's doses on hand are exactly what
    came in less what went out, its vials hold them, and the desks' doses add up to the
    site's."""
    got = [receipt(lot, vials, rid=f"r{i}") for i, (lot, vials) in enumerate(receipts)]
    used = [Usage(f"u{i}", "site-1", desk, "PF", lot, opened, wasted, TODAY)
            for i, (lot, desk, opened, wasted) in enumerate(moves)]  # fmt: skip
    given_ = {("PF", lot, desk): n for (lot, desk), n in doses.items()}
    holdings = site_stock(got, [], used, given_)
    for stock in holdings:
        came = sum(v for lot, v in receipts if lot == stock.lot) * 6
        went = sum(n for (lot, _d), n in doses.items() if lot == stock.lot)
        went += sum(w for lot, _d, _o, w in moves if lot == stock.lot)
        assert stock.on_hand_doses == came - went
        if stock.on_hand_doses > 0:
            assert (stock.on_hand_vials - 1) * 6 < stock.on_hand_doses <= stock.on_hand_vials * 6
        else:
            assert stock.on_hand_vials == 0
            assert Alert.EMPTY in stock.alerts(TODAY)
        per_desk = [find_lot(site_stock(got, [], used, given_, desk_id=d), "PF", stock.lot)
                    for d in ("desk-1", "desk-2", "desk-3")]  # fmt: skip
        assert sum(h.used_doses for h in per_desk if h) == stock.used_doses
    lots = {lot for lot, _ in receipts} | {m[0] for m in moves} | {lot for lot, _ in doses}
    assert {h.lot for h in holdings} == lots


@given(vials=st.integers(1, 1000), per_vial=st.integers(1, 50), taken=st.integers(0, 60000))
def test_on_hand_vials_cover_the_doses(vials: int, per_vial: int, taken: int) -> None:
    stock = LotStock("PF", "A1", TODAY, per_vial, received_vials=vials, given_doses=taken)
    left = vials * per_vial - taken
    assert stock.on_hand_doses == left
    assert stock.on_hand_vials == (0 if left <= 0 else -(-left // per_vial))
    assert stock.on_hand_vials <= vials


@given(days=st.integers(-400, 400), near=st.integers(0, 90))
def test_one_expiry_verdict_at_most(days: int, near: int) -> None:
    stock = LotStock("PF", "A1", TODAY + timedelta(days=days), 6, received_vials=100)
    alerts = stock.alerts(TODAY, StockSettings(near_expiry_days=near))
    assert (Alert.EXPIRED in alerts) is (days < 0)
    assert (Alert.NEAR_EXPIRY in alerts) is (0 <= days <= near)
