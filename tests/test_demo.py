"""The demo's simulated desks go through the desk core, as the screens do."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from domain.clock import DEFAULT_TIMEZONE, SiteClock
from domain.record import identity_to_form
from domain.roles import Role
from scanner.synthetic import people
from store import open_store
from tests.conftest import FakeClock
from vaxdesk.demo_site import SITE, USER, open_desk, save_person


def test_a_simulated_desk_is_a_desk_core_with_its_own_user(
    tmp_path: Path, clock: FakeClock
) -> None:
    nudges: list[str] = []
    with open_store(tmp_path / "desk-1.db", clock) as store:
        entry = open_desk(store, "desk-1", "AZ", "DEMO1", clock=clock,
                          nudge=lambda: nudges.append("nudge"))  # fmt: skip
        assert entry.desk.user is not None and entry.desk.user.name == USER
        assert entry.desk.user.role is Role.VACCINATOR
        assert {u.role for u in store.people.users()} == {Role.SUPERVISOR, Role.VACCINATOR}
        stream = people(3)
        assert save_person(entry, identity_to_form(next(stream)))
        # an adverse event goes through as well: the desk's user is a vaccinator
        assert save_person(entry, {**identity_to_form(next(stream)), "aefi": "1",
                                   "aefi_note": "sốt nhẹ"})  # fmt: skip
        records = store.recorded_between("desk-1", *entry.desk.today())
        assert len(records) == 2 and nudges == ["nudge", "nudge"]
        assert {(r.site_id, r.entered_by, r.vaccine, r.lot, r.dose_number) for r in records} == {
            (SITE, USER, "AZ", "DEMO1", 1)
        }
        assert len({r.aefi for r in records}) == 2


def test_a_simulated_desk_keeps_the_sites_day_not_the_machines(tmp_path: Path) -> None:
    """The demo's hub counts "today" in the site's zone; its desks do too, whatever the zone
    of the machine the demo runs on."""
    with open_store(tmp_path / "desk-3.db") as store:
        desk = open_desk(store, "desk-3", "VC", "DEMO3").desk
        assert isinstance(desk.clock, SiteClock) and desk.clock.timezone == DEFAULT_TIMEZONE
        start, end = desk.today()
        assert start.tzinfo is desk.clock.zone and (end - start).total_seconds() == 86400


def test_a_refused_record_is_logged_by_its_codes_never_the_person(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with open_store(tmp_path / "desk-2.db") as store:
        entry = open_desk(store, "desk-2", "PF", "DEMO2")
        person = identity_to_form(next(people(4)))
        with caplog.at_level(logging.WARNING, logger="vaxdesk.demo"):
            assert not save_person(entry, {**person, "phone": "123", "dob": "01/01/2999"})
        assert store.count_versions() == 0
    logged = caplog.text
    assert "record refused" in logged and "phone:phone.invalid" in logged
    assert "dob:date.future" in logged
    assert person["id_number"] not in logged and person["full_name"] not in logged
