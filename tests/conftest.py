from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain.record import EntryContext, Mode, Session, build_session
from hub.db import HubDB
from hub.schema import TABLES
from scanner.decode import ZBAR_MISSING, zbar_usable
from store import Store, open_store
from vaxdesk.testing.desk import (
    SUPERVISOR,
    SUPERVISOR_PIN,
    TEST_PIN,
    TEST_USER,
    VOLUNTEER,
    VOLUNTEER_PIN,
    FakeClock,
    desk_app,
    until,
)
from vaxdesk.testing.hub import HubServer

# The desk's test parts live in vaxdesk.testing (benchmarks use them too); the tests import
# them from here as before.
__all__ = [
    "SUPERVISOR",
    "SUPERVISOR_PIN",
    "TEST_PIN",
    "TEST_USER",
    "VOLUNTEER",
    "VOLUNTEER_PIN",
    "FakeClock",
    "desk_app",
    "until",
]

ICT = timezone(timedelta(hours=7))  # Indochina Time, where the desks are

# The zbar backend needs the system's libzbar0; without it its tests skip and say why.
needs_zbar = pytest.mark.skipif(not zbar_usable(), reason=ZBAR_MISSING)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests speak English unless they say otherwise (`set_language("vi")`, `VAXDESK_LANG=vi`):
    the product's default is Vietnamese, and the walks of tests/test_i18n_walk.py check it."""
    import i18n

    monkeypatch.setenv("VAXDESK_LANG", "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


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


# The hub on both its databases: SQLite always, PostgreSQL when a server is given.
@pytest.fixture(params=["sqlite", "postgres"])
def hub_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubDB]:
    if request.param == "sqlite":
        db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    else:
        url = os.environ.get("VAXDESK_TEST_POSTGRES", "")
        if not url:
            if os.environ.get("CI"):
                pytest.fail("CI must run the PostgreSQL tests: VAXDESK_TEST_POSTGRES is not set")
            pytest.skip("no PostgreSQL here: run scripts/start-postgres, set VAXDESK_TEST_POSTGRES")
        import psycopg

        url = worker_database(url)
        with psycopg.connect(url, autocommit=True) as conn:  # a clean slate for each test
            conn.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")
        db = HubDB(url)
    yield db
    db.close()


def worker_database(url: str) -> str:
    """The database of this pytest-xdist worker (`…/vaxdesk_test_gw1`), made on first use:
    workers sharing one would drop each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    import psycopg
    from psycopg import sql

    server, _, name = url.rpartition("/")
    mine = f"{name}_{worker}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (mine,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(mine)))
    return f"{server}/{mine}"


@pytest.fixture
def hub(hub_db: HubDB) -> Iterator[HubServer]:
    server = HubServer(hub_db).start()
    yield server
    server.stop()
