from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain.record import EntryContext, Mode, Session, build_session
from scanner.decode import ZBAR_MISSING, zbar_usable
from store import Store, open_store

ICT = timezone(timedelta(hours=7))  # Indochina Time, where the desks are

# The zbar backend needs the system's libzbar0; without it its tests skip and say why.
needs_zbar = pytest.mark.skipif(not zbar_usable(), reason=ZBAR_MISSING)


@dataclass
class FakeClock:
    """A desk clock the test moves by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 9, 30, tzinfo=ICT))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> Iterator[Store]:
    with open_store(db_path, clock) as opened:
        yield opened


SESSION_FORM = {
    "site_id": "TV-CN-01",
    "desk_id": "desk-1",
    "entered_by": "Lê Thị Hoa",
    "vaccinator": "Nguyễn Văn Bình",
    "vaccine": "AZ",
    "lot": "NX1234",
}


@pytest.fixture
def session(clock: FakeClock) -> Session:
    return build_session(SESSION_FORM, today=clock().date())


@pytest.fixture
def live(session: Session, clock: FakeClock) -> EntryContext:
    return EntryContext(session=session, mode=Mode.LIVE, now=clock())


# People who look real: (form, description). CCCD digit 4 is century and sex.
AN = {  # HCM, male, 1992
    "id_number": "079092001234",
    "full_name": "Nguyễn Văn An",
    "dob": "15/08/1992",
    "phone": "0912345678",
}
YEN = {  # Trà Vinh, female, 1985
    "id_number": "084185000321",
    "full_name": "Ngô Ngọc Yến",
    "dob": "020385",
    "sex": "2",
}


TEST_USER = "Lê Thị Hoa"  # a vaccinator
TEST_PIN = "2468"
SUPERVISOR = "Trần Văn Giám"
SUPERVISOR_PIN = "1357"
VOLUNTEER = "Phạm Thu Trang"
VOLUNTEER_PIN = "9753"


def desk_app(db: Path, **options: object):
    """The real desk app on a file that has a user (a vaccinator) to log in as."""
    from domain.roles import Role
    from tui.app import make_app

    clock = options.get("clock")
    with open_store(db, clock) if clock else open_store(db) as store:  # type: ignore[arg-type]
        if not store.people.users():
            store.people.add(TEST_USER, Role.VACCINATOR, TEST_PIN, by="test")
            store.people.add(SUPERVISOR, Role.SUPERVISOR, SUPERVISOR_PIN, by="test")
            store.people.add(VOLUNTEER, Role.VOLUNTEER, VOLUNTEER_PIN, by="test")
    return make_app(db, **options)  # type: ignore[arg-type]


async def until(pilot, condition, what: str) -> None:
    """Let the app work until the condition holds (scans and uploads come from threads)."""
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")
