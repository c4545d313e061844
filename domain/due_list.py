"""The due and overdue list of a commune (ward) on a day, pure: from the children known and
their histories, which child is due or overdue for which antigen's dose, and the vaccines
that give those doses at one visit (the programme's; a combination first when it covers
more of what is due and nothing that is not).

Storage and screens read children and doses and call `due_list`; nothing here reads a file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.schedule import Given, Person, Status, forecast
from domain.schedule_check import Check, may_give
from domain.schedule_table import Duration, Schedule, schedule
from domain.text import fold


@dataclass(frozen=True)
class Child:
    key: str  # the child's key at the desk or the hub
    name: str
    birth: date
    ward_code: str
    sex: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""

    @property
    def person(self) -> Person:
        return Person(self.birth, self.sex)


@dataclass(frozen=True)
class DueItem:
    antigen: str
    number: int  # the antigen's dose number due
    status: Status  # DUE or OVERDUE
    recommended: date | None
    overdue: date | None


@dataclass(frozen=True)
class DueRow:
    child: Child
    items: tuple[DueItem, ...]
    vaccines: tuple[str, ...]  # what to give at the visit, in the order chosen

    @property
    def overdue(self) -> bool:
        return any(i.status is Status.OVERDUE for i in self.items)

    @property
    def since(self) -> date | None:
        """The earliest date any of its doses became due."""
        return min((i.recommended for i in self.items if i.recommended), default=None)


def due_items(child: Child, history: Sequence[Given], on: date, programmes: frozenset[str],
              sched: Schedule) -> list[DueItem]:  # fmt: skip
    """The child's antigens due or overdue on the day that a vaccine of the programmes gives."""
    items = []
    for result in forecast(child.person, history, on, sched=sched).due():
        nxt = result.next
        if nxt is None or not any(
            (v := sched.vaccine(code)) is not None and v.programme in programmes
            for code in nxt.vaccines
        ):
            continue
        items.append(DueItem(result.antigen, nxt.number, result.status, nxt.recommended,
                             nxt.overdue))  # fmt: skip
    return items


def visit_vaccines(child: Child, history: Sequence[Given], on: date, due: Iterable[str],
                   programmes: frozenset[str], sched: Schedule) -> tuple[str, ...]:  # fmt: skip
    """Vaccines of the programmes that, given on the day, cover the antigens due: each time
    the one that counts for most of what is left, then for least of what is not due, then
    with the fewest antigens, then first in the schedule's order."""
    wanted = frozenset(due)
    left = set(wanted)
    checks: list[Check] = []
    for vaccine in sched.vaccines:
        if vaccine.programme in programmes and left & set(vaccine.antigens):
            check = may_give(child.person, history, vaccine.code, on, sched)
            if check.allowed:
                checks.append(check)
    chosen: list[str] = []
    while left:
        best = None
        for order, check in enumerate(checks):
            covered = left & set(check.counts)
            if not covered:
                continue
            product = sched.vaccine(check.vaccine)
            score = (-len(covered), len(set(check.counts) - wanted),
                     len(product.antigens) if product else 0, order)  # fmt: skip
            if best is None or score < best[0]:
                best = (score, check)
        if best is None:
            break
        chosen.append(best[1].vaccine)
        left -= set(best[1].counts)
    return tuple(chosen)


CHILDREN_UNDER = Duration(years=6)  # the programme's children's doses end by 5 years


def due_list(
    children: Iterable[tuple[Child, Sequence[Given]]], ward_code: str, on: date, *,
    programmes: Iterable[str] = ("tcmr",), under: Duration = CHILDREN_UNDER,
    sched: Schedule | None = None,
) -> list[DueRow]:  # fmt: skip
    """The children of the ward, younger than `under` on the day, due or overdue: overdue
    ones first, the longest waiting first, then by name (without diacritics: Đỗ among the
    Ds). The age keeps adults (people of the COVID-19 records) off a children's list."""
    sched = sched or schedule()
    wanted = frozenset(programmes)
    rows = []
    for child, history in children:
        if child.ward_code != ward_code or child.birth > on or on >= under.after(child.birth):
            continue
        items = due_items(child, history, on, wanted, sched)
        if not items:
            continue
        vaccines = visit_vaccines(child, history, on, (i.antigen for i in items), wanted, sched)
        rows.append(DueRow(child, tuple(items), vaccines))
    return sorted(rows, key=lambda r: (not r.overdue, r.since or on, fold(r.child.name),
                                       r.child.key))  # fmt: skip
