"""Observation after the dose, without screens: the minutes per vaccine, the end a record keeps,
the queue derived from the store (through a restart), marks, voids, the summary line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len

import i18n
from desk import Desk
from desk.observation import ObservationQueue
from domain import tables
from domain.observation import (
    QueueSummary,
    countdown,
    ends_at,
    observation_end,
    observation_minutes,
)
from domain.record import EntryContext, Mode, Record, Session, build_record, build_session
from domain.tables import build_vaccine_table, vaccine_data, vaccine_table
from store import Store, StoreError, open_store
from store.observation import Observations
from tests.conftest import AN, ICT, SESSION_FORM, TEST_USER, YEN, FakeClock
from tui.widgets.observation import summary_line
from vaxdesk.testing.desk import add_test_users

MAI = {"id_number": "001303001234", "full_name": "Trần Thị Mai", "dob": "010303"}


def desk_on(store: Store, clock: FakeClock, session: Session) -> Desk:
    if not store.people.users():
        add_test_users(store)
    desk = Desk(store, clock)
    desk.user = next(u for u in store.people.users() if u.name == TEST_USER)
    desk.session = session
    return desk


def give(desk: Desk, form: dict[str, str], **ctx: object) -> Record:
    """A dose given now at the desk, stored as the entry screen stores it."""
    assert desk.session is not None
    context = EntryContext(session=desk.session, mode=Mode.LIVE, now=desk.clock())
    return desk.store.save(build_record({**form, "screening": "D"}, replace(context, **ctx)))


@pytest.fixture
def desk(store: Store, clock: FakeClock, session: Session) -> Desk:
    return desk_on(store, clock, session)


# -- the minutes and the end ---------------------------------------------------------------


def test_every_vaccine_is_watched_30_minutes_as_the_ministry_says() -> None:
    table = vaccine_table()
    assert table.observation_minutes == 30
    assert {v.observation_minutes for v in table.vaccines} == {30}
    assert observation_minutes("AZ") == 30 and observation_minutes("NOT-IN-TABLE") == 30


def test_a_vaccine_may_set_its_own_minutes() -> None:
    data = vaccine_data()
    data["vaccine"] = [dict(v, observation_minutes=15) if v["code"] == "VAT" else v
                       for v in data["vaccine"]]  # fmt: skip
    table = build_vaccine_table(data)
    assert table.minutes_observed("VAT") == 15 and table.minutes_observed("AZ") == 30
    longer = build_vaccine_table({**vaccine_data(), "observation_minutes": 45})
    assert longer.minutes_observed("PF") == 45 and longer.minutes_observed("??") == 45


def test_the_end_is_rounded_up_to_the_minute() -> None:
    given = datetime(2026, 11, 23, 9, 30, tzinfo=ICT)
    assert observation_end(given, "AZ") == given + timedelta(minutes=30)
    late = given + timedelta(seconds=20)  # never shorter than 30 minutes
    assert observation_end(late, "AZ") == datetime(2026, 11, 23, 10, 1, tzinfo=ICT)


def test_a_record_keeps_the_end_of_its_vaccines_minutes(
    live: EntryContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_record({**AN, "screening": "D"}, live).observed_until == "10:00"
    data = vaccine_data()
    data["vaccine"] = [dict(v, observation_minutes=15) if v["code"] == "AZ" else v
                       for v in data["vaccine"]]  # fmt: skip
    monkeypatch.setattr(tables, "vaccine_table", lambda: build_vaccine_table(data))
    assert build_record({**AN, "screening": "D"}, live).observed_until == "09:45"
    no_dose = build_record({**AN, "screening": "H"}, live)
    assert no_dose.observed_until == ""


def test_an_end_past_midnight_is_the_next_day() -> None:
    day = date(2026, 11, 23)
    assert ends_at(day, "23:45", "00:15", ICT) == datetime(2026, 11, 24, 0, 15, tzinfo=ICT)
    assert ends_at(day, "09:30", "10:00", ICT) == datetime(2026, 11, 23, 10, 0, tzinfo=ICT)
    assert ends_at(day, "", "", ICT) is None and ends_at(day, "09:30", "bad", ICT) is None


def test_countdown() -> None:
    assert countdown(timedelta(minutes=30)) == "30:00"
    assert countdown(timedelta(seconds=59.2)) == "01:00"  # up, so 00:00 only once it ended
    assert countdown(timedelta(seconds=-5)) == "00:00"


# -- the queue, from the store ---------------------------------------------------------------


def test_every_dose_saved_starts_an_observation(desk: Desk, clock: FakeClock) -> None:
    queue = ObservationQueue(desk)
    assert queue.watches() == [] and queue.summary() == QueueSummary(0, 0, None)
    an = give(desk, AN)
    clock.advance(minutes=5)
    yen = give(desk, YEN)
    assert [w.record_id for w in queue.watches()] == [an.record_id, yen.record_id]
    first, second = queue.watches()
    assert first.ends_at == datetime(2026, 11, 23, 10, 0, tzinfo=ICT)
    assert second.ends_at == datetime(2026, 11, 23, 10, 5, tzinfo=ICT)
    assert queue.summary() == QueueSummary(2, 0, first.ends_at)
    assert countdown(first.remaining(clock())) == "25:00"

    clock.advance(minutes=25)  # 10:00: An's time is up, announced once
    assert [w.record_id for w in queue.newly_ended()] == [an.record_id]
    assert queue.newly_ended() == []
    assert queue.summary() == QueueSummary(2, 1, second.ends_at)
    clock.advance(minutes=5)
    assert [w.record_id for w in queue.newly_ended()] == [yen.record_id]
    assert queue.summary() == QueueSummary(2, 2, None)


def test_left_is_stored_with_who_and_when_and_audited(
    desk: Desk, clock: FakeClock, store: Store
) -> None:
    queue = ObservationQueue(desk)
    an = give(desk, AN)
    clock.advance(minutes=31)
    gone = queue.mark_left(queue.watches()[0])
    assert not gone.early and queue.watches() == []
    mark = Observations(store).mark_of(an.record_id)
    assert mark is not None and mark.outcome == "left" and mark.marked_by == TEST_USER
    assert mark.marked_at == clock().astimezone(mark.marked_at.tzinfo)
    last = store.people.rows()[-1]
    assert (last["action"], last["detail"], last["user_name"]) == (
        "observation.left", an.record_id, TEST_USER,
    )  # fmt: skip
    assert store.people.verify() is None  # chained like every other row
    with pytest.raises(StoreError) as again:
        Observations(store).mark(an.record_id, TEST_USER)
    assert again.value.code == "observation.marked_already"
    with pytest.raises(Exception, match="append-only"):
        store.conn.execute("DELETE FROM observation_marks")


def test_leaving_early_is_said(desk: Desk) -> None:
    queue = ObservationQueue(desk)
    give(desk, AN)
    assert queue.mark_left(queue.watches()[0]).early


def test_the_queue_survives_a_restart(
    db_path: Path, clock: FakeClock, session: Session
) -> None:
    with open_store(db_path, clock) as store:
        desk = desk_on(store, clock, session)
        an, yen = give(desk, AN), give(desk, YEN)
        ObservationQueue(desk).mark_left(ObservationQueue(desk).watches()[1])
    clock.advance(minutes=10)
    with open_store(db_path, clock) as store:  # a new process: nothing but the file
        queue = ObservationQueue(desk_on(store, clock, session))
        [watch] = queue.watches()
        assert watch.record_id == an.record_id and countdown(watch.remaining(clock())) == "20:00"
        assert Observations(store).mark_of(yen.record_id) is not None


def test_a_voided_dose_leaves_the_queue(desk: Desk, store: Store) -> None:
    queue = ObservationQueue(desk)
    an = give(desk, AN)
    assert len(queue.watches()) == 1
    store.void(an.record_id, "entered twice", "Supervisor")
    assert queue.watches() == []
    with pytest.raises(StoreError) as refused:
        Observations(store).mark(an.record_id, TEST_USER)
    assert refused.value.code == "observation.voided"


def test_a_correction_keeps_the_person_and_the_end(desk: Desk, store: Store) -> None:
    queue = ObservationQueue(desk)
    an = give(desk, AN)
    store.correct(replace(an, version=2, aefi_note="", lot="NX9999"))
    [watch] = queue.watches()
    assert watch.record.version == 2 and watch.ends_at.strftime("%H:%M") == "10:00"


def test_who_is_not_under_observation(
    desk: Desk, store: Store, clock: FakeClock, session: Session
) -> None:
    queue = ObservationQueue(desk)
    context = EntryContext(session=session, mode=Mode.LIVE, now=clock())
    store.save(build_record({**AN, "screening": "H"}, context))  # postponed: no dose
    retro = replace(context, mode=Mode.RETROSPECTIVE)
    store.save(build_record({**YEN, "screening": "D", "vaccine": "AZ", "lot": "NX1",
                             "given_on": "150821"}, retro))  # fmt: skip
    other = build_session({**SESSION_FORM, "desk_id": "desk-2"}, today=clock().date())
    store.save(build_record({**MAI, "screening": "D"}, replace(context, session=other)))
    assert queue.watches() == []
    give(desk, {**AN, "id_number": "079092005678", "full_name": "Lê Văn Bảy"})
    assert len(queue.watches()) == 1
    clock.advance(days=1)  # yesterday's doses are not today's queue
    assert queue.watches() == []


def test_a_tick_reads_no_store_when_nothing_was_written(
    desk: Desk, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = ObservationQueue(desk)
    give(desk, AN)
    reads = []
    original = Observations.watched
    monkeypatch.setattr(Observations, "watched",
                        lambda self, *a: reads.append(1) or original(self, *a))  # fmt: skip
    for _ in range(5):
        queue.summary()
        queue.newly_ended()
        clock.advance(seconds=1)
    assert len(reads) == 1
    give(desk, YEN)  # a write: read again once
    queue.summary()
    queue.summary()
    assert len(reads) == 2 and queue.summary().count == 2


# -- the line on the entry screen ------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_summary_line_fits_80_columns(language: str) -> None:
    i18n.set_language(language)
    soon = datetime(2026, 11, 23, 9, 45, tzinfo=ICT)
    summaries = [QueueSummary(0, 0, None), QueueSummary(1, 0, soon),
                 QueueSummary(120, 15, soon), QueueSummary(12, 12, None)]  # fmt: skip
    lines = [summary_line(summary) for summary in summaries]
    for line in lines:
        assert cell_len(line) <= 78, line  # the line's padding: 1 column each side
        assert "F6" in line
    if language == "vi":
        assert lines[1] == "Theo dõi sau tiêm: 1 người · sớm nhất xong lúc 09:45 · F6"
        assert lines[2] == "Theo dõi sau tiêm: 120 người · đã đủ giờ: 15 · tiếp theo 09:45 · F6"
    else:
        assert lines[1] == "Observation after the dose: 1 person · first done at 09:45 · F6"
        assert lines[3] == "Observation after the dose: 12 people · time up: 12 · F6"


def test_a_dose_given_before_midnight_is_watched_after_it(
    tmp_path: Path, session: Session
) -> None:
    late = FakeClock(datetime(2026, 11, 23, 23, 50, tzinfo=ICT))
    with open_store(tmp_path / "late.db", late) as store:
        desk = desk_on(store, late, session)
        an = give(desk, AN)
        late.advance(minutes=15)  # 00:05, the next day
        desk.session = build_session(SESSION_FORM, today=late().date())
        [watch] = ObservationQueue(desk).watches()
        assert watch.record_id == an.record_id
        assert watch.ends_at == datetime(2026, 11, 24, 0, 20, tzinfo=ICT)
        late.advance(hours=2)  # time up, and still there until marked, as anyone of the day
        queue = ObservationQueue(desk)
        assert queue.summary().ended == 1
        queue.mark_left(queue.watches()[0])
        assert queue.watches() == []
