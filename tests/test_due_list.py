"""The due and overdue list of a commune on a day (domain/due_list.py), with known answers:
who is listed, for which antigen's dose, which vaccines at the visit, in which order."""

from __future__ import annotations

from datetime import date

from domain.due_list import Child, due_list
from domain.schedule import Given, Status
from domain.schedule_check import may_give
from domain.schedule_table import Duration

ON = date(2026, 3, 10)
WARD, OTHER_WARD = "00004", "00007"


def at(born: date, months: int = 0, days: int = 0) -> date:
    return Duration(months=months, days=days).after(born)


def programme_history(born: date, up_to_months: int) -> list[Given]:
    """The expanded programme's doses on their recommended days, up to an age."""
    plan = [(0, "VGB"), (0, "BCG"), (2, "5IN1"), (2, "BOPV"), (3, "5IN1"), (3, "BOPV"),
            (4, "5IN1"), (4, "BOPV"), (5, "IPV"), (9, "SOI"), (12, "VNNB"), (18, "DPT"),
            (18, "MR"), (24, "VNNB")]  # fmt: skip
    history = [Given(code, at(born, m)) for m, code in plan if m <= up_to_months]
    if up_to_months >= 12:
        history.append(Given("VNNB", at(born, 12, 7)))
    return history


def birth_doses(born: date) -> list[Given]:
    return [Given("VGB", born), Given("BCG", born)]


AN = Child("c-an", "Nguyễn Văn An", date(2026, 1, 10), WARD, guardian_phone="0912345678")
BINH = Child("c-binh", "Trần Thị Bình", date(2025, 11, 10), WARD, "female")
CHI = Child("c-chi", "Lê Minh Chi", date(2025, 3, 10), WARD)
DUNG = Child("c-dung", "Phạm Dũng", date(2026, 1, 10), OTHER_WARD)
EM = Child("c-em", "Hoàng Em", date(2026, 3, 7), WARD)
PHUC = Child("c-phuc", "Đỗ Phúc", date(2024, 9, 10), WARD)
GIANG = Child("c-giang", "Vũ Giang", date(2023, 9, 1), WARD)
HOA = Child("c-hoa", "Bùi Hoa", date(2026, 4, 1), WARD)  # a date after the day: left out

COMMUNE = [
    (AN, birth_doses(AN.birth)),
    (BINH, birth_doses(BINH.birth)),  # nothing since birth: four months old
    (CHI, programme_history(CHI.birth, 9)),  # one year old today
    (DUNG, []),
    (EM, []),  # three days old, no birth dose
    (PHUC, programme_history(PHUC.birth, 12)),  # eighteen months old today
    (GIANG, programme_history(GIANG.birth, 30)),  # everything of the programme given
    (HOA, []),
]


def listed(rows) -> list[tuple[str, bool, tuple[str, ...], dict[str, int]]]:  # type: ignore[no-untyped-def]
    return [(r.child.key, r.overdue, r.vaccines, {i.antigen: i.number for i in r.items})
            for r in rows]  # fmt: skip


DTP_HEPB_HIB_OPV = {"hepb": 2, "diphtheria": 1, "pertussis": 1, "tetanus": 1, "hib": 1,
                    "polio13": 1}  # fmt: skip


def test_the_commune_s_due_list_on_a_day_has_the_known_answers() -> None:
    rows = due_list(COMMUNE, WARD, ON)
    assert listed(rows) == [
        ("c-binh", True, ("5IN1", "BOPV"), DTP_HEPB_HIB_OPV),  # overdue since 10/01
        ("c-em", True, ("BCG", "VGB"), {"tb": 1, "hepb": 1}),  # overdue since birth + 24 h
        ("c-phuc", False, ("DPT", "MR"), {"diphtheria": 4, "pertussis": 4, "tetanus": 4,
                                          "measles": 2, "rubella": 1}),
        ("c-chi", False, ("VNNB",), {"je": 1}),  # due today, as An: by name
        ("c-an", False, ("5IN1", "BOPV"), DTP_HEPB_HIB_OPV),
    ]
    assert [r.since for r in rows[2:]] == [date(2026, 3, 10)] * 3  # Đỗ Phúc sorts as Do
    binh = rows[0]
    assert binh.since == date(2026, 1, 10)
    assert {i.status for i in binh.items} == {Status.OVERDUE}
    assert {i.overdue for i in binh.items} == {date(2026, 2, 10)}
    em = rows[1]
    assert {i.antigen: i.status for i in em.items} == {"tb": Status.DUE, "hepb": Status.OVERDUE}


def test_another_ward_and_service_vaccines() -> None:
    # no birth dose recorded: BCG overdue too, hepatitis B from the three-dose series
    assert listed(due_list(COMMUNE, OTHER_WARD, ON)) == [
        ("c-dung", True, ("5IN1", "BCG", "BOPV"), {**DTP_HEPB_HIB_OPV, "tb": 1, "hepb": 1}),
    ]
    both = due_list(COMMUNE, WARD, ON, programmes=("tcmr", "service"))
    an = next(r for r in both if r.child.key == "c-an")
    assert an.vaccines == ("6IN1", "ROTARIX", "PCV10")  # one hexavalent instead of two
    assert {"rotavirus", "pneumococcal"} <= {i.antigen for i in an.items}
    assert any(r.child.key == "c-giang" for r in both)  # mumps, varicella... in service


def test_a_newborn_through_the_birth_doses_to_the_two_month_visit() -> None:
    baby = Child("c-new", "Ngô Bé", date(2026, 1, 10), WARD, guardian_phone="0987654321")
    history: list[Given] = []
    first = due_list([(baby, history)], WARD, baby.birth)
    assert listed(first) == [("c-new", False, ("BCG", "VGB"), {"tb": 1, "hepb": 1})]
    for code in first[0].vaccines:
        assert may_give(baby.person, history, code, baby.birth).allowed
        history.append(Given(code, baby.birth))
    assert due_list([(baby, history)], WARD, baby.birth) == []
    assert due_list([(baby, history)], WARD, date(2026, 2, 10)) == []  # one month: nothing
    visit = date(2026, 3, 10)
    (row,) = due_list([(baby, history)], WARD, visit)
    assert row.vaccines == ("5IN1", "BOPV") and not row.overdue
    for code in row.vaccines:  # two vaccines at one visit, each a check and a dose
        check = may_give(baby.person, history, code, visit)
        assert check.allowed, check.problems
        history.append(Given(code, visit))
    assert due_list([(baby, history)], WARD, visit) == []
    (again,) = due_list([(baby, history)], WARD, date(2026, 4, 10))
    assert again.vaccines == ("5IN1", "BOPV")
    assert {i.antigen: i.number for i in again.items}["hepb"] == 3
    (late,) = due_list([(baby, history)], WARD, date(2026, 5, 12))
    assert late.overdue  # a month past due


def test_a_single_vaccine_is_preferred_to_a_combination_that_gives_more_than_is_due() -> None:
    born = date(2025, 6, 1)
    child = Child("c-x", "Mai", born, WARD)
    history = programme_history(born, 5)
    (row,) = due_list([(child, history)], WARD, at(born, 9))
    assert row.vaccines == ("SOI",)  # measles at 9 months, not MR: rubella is for 18 months
    both = due_list([(child, history)], WARD, at(born, 12), programmes=("tcmr", "service"))
    assert "MMR" in both[0].vaccines  # from 12 months, mumps is due too: MMR covers it all
    assert "SOI" not in both[0].vaccines


def test_adults_are_not_on_a_children_s_list_unless_asked() -> None:
    adult = Child("p-1", "Nguyễn Văn An", date(1992, 8, 15), WARD)
    history = [Given("AZ", date(2021, 8, 1)), Given("AZ", date(2021, 9, 1))]
    assert due_list([(adult, history)], WARD, ON) == []
    five = Child("c-5", "Lâm Năm", date(2020, 3, 11), WARD)  # 5 years old, one day short of 6
    assert [r.child.key for r in due_list([(five, [])], WARD, ON)] == ["c-5"]
    assert due_list([(five, [])], WARD, date(2026, 3, 11)) == []  # six today
    (row,) = due_list([(adult, history)], WARD, ON, under=Duration(years=120))
    assert "hepb" in {i.antigen for i in row.items}  # hepatitis B has no upper age
