"""The due list from records as a desk keeps them, and the rows people read or that remind
guardians (domain/due_list_rows.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import i18n
from domain.dates import PartialDate
from domain.due_list import Child, due_list
from domain.due_list_rows import children_from_records, list_rows, reminder_rows
from domain.fields import Screening, Status
from domain.identity import Identity, IdType, Sex
from domain.record import EntryContext, build_record
from domain.schedule import Given
from tests.conftest import AN

WARD = "00004"


def child(name: str, born: date, phone: str = "0912345678") -> Identity:
    return Identity(IdType.NONE, "", name, PartialDate.of(born), Sex.FEMALE, phone,
                    "79", WARD)  # fmt: skip


def test_children_and_their_doses_from_the_records(live: EntryContext) -> None:
    base = build_record(AN, live)
    lan, binh = child("Trần Thị Lan", date(2026, 1, 10)), child("Lê Bình", date(2025, 11, 10))
    paper = child("Võ Cũ", date(2025, 1, 1))
    paper = replace(paper, dob=PartialDate(2025))  # a year alone: not schedulable
    records = [
        replace(base, record_id="1", person=lan, vaccine="VGB", given_on=date(2026, 1, 10)),
        replace(base, record_id="2", person=lan, vaccine="BCG", given_on=date(2026, 1, 10)),
        replace(base, record_id="3", person=binh, vaccine="VGB", given_on=date(2025, 11, 10)),
        replace(base, record_id="4", person=binh, vaccine="BCG", given_on=date(2025, 11, 11),
                status=Status.VOIDED),  # voided: no dose
        replace(base, record_id="5", person=binh, vaccine="BCG", given_on=date(2025, 11, 12),
                screening=Screening.POSTPONE),  # screened, not given
        replace(base, record_id="6", person=paper, vaccine="BCG", given_on=date(2025, 3, 1)),
    ]
    children = children_from_records(records)
    assert [(c.name, [g.vaccine for g in h]) for c, h in children] == [
        ("Lê Bình", ["VGB"]), ("Trần Thị Lan", ["VGB", "BCG"])]  # fmt: skip
    assert children[0][0].key == binh.person_key and children[0][0].sex == "female"
    rows = due_list(children, WARD, date(2026, 3, 10))
    assert [(r.child.name, r.vaccines) for r in rows] == [
        ("Lê Bình", ("5IN1", "BCG", "BOPV")),  # overdue: four months, no BCG
        ("Trần Thị Lan", ("5IN1", "BOPV")),
    ]


def rows_of_a_family() -> list:  # type: ignore[type-arg]
    mother = "Trần Thị Hoa"
    older = Child("k1", "Trần An", date(2025, 3, 10), WARD, guardian_name=mother,
                  guardian_phone="0912345678")  # fmt: skip
    baby = Child("k2", "Trần Bé", date(2026, 1, 10), WARD, guardian_phone="0912345678")
    other = Child("k3", "Lý Cơ", date(2026, 1, 10), WARD)  # no phone
    birth = [Given("VGB", date(2026, 1, 10)), Given("BCG", date(2026, 1, 10))]
    return due_list([(older, []), (baby, birth), (other, list(birth))], WARD, date(2026, 3, 10))


def test_the_list_as_people_read_it_in_vietnamese() -> None:
    i18n.set_language("vi")
    table = list_rows(rows_of_a_family())
    assert table[0] == ["Họ và tên", "Ngày sinh", "Người giám hộ", "Số điện thoại", "Mũi đến hạn",
                        "Vắc xin", "Đến hạn từ ngày", "Quá hạn"]  # fmt: skip
    first = table[1]
    assert first[:4] == ["Trần An", "10/03/2025", "Trần Thị Hoa", "0912345678"]
    assert first[4].startswith("Viêm gan B 1, Bạch hầu 1")
    assert first[7] == "Có"
    assert len(table) == 4


def test_one_reminder_a_phone_number_children_of_one_guardian_together() -> None:
    table = reminder_rows(rows_of_a_family())
    assert table[0] == ["Phone", "Guardian", "Children", "Vaccines", "Due since"]
    assert table[1:] == [
        # a year old with nothing given: BCG is past its ages; IPV gives both polio antigens
        ["0912345678", "Trần Thị Hoa", "Trần An, Trần Bé", "5IN1, IPV, SOI, VNNB, BOPV",
         "10/05/2025"],
    ]  # fmt: skip
