"""The screening checklist (QĐ 3445/QĐ-BYT, 2021): every outcome rule as a pure function, the
answers stored with the record and checked alike at desk and hub, who may change an outcome
(the headless core, no screen), and the answers reaching a real hub on loopback."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import i18n
from desk import Desk
from desk.entry import Entry, Patch, Refused, Saved
from desk.sessions import open_session
from domain.errors import FieldError
from domain.fields import Screening
from domain.messages import describe
from domain.record import Record
from domain.screening import (
    Answer,
    Answers,
    Outcome,
    check_answers,
    checklist_for,
    checklist_version,
    checklists,
    derive,
    outcome_of,
    read_answers,
    unanswered,
)
from domain.wire import checked_record, content_hash, record_body, record_to_body
from hub.db import HubDB
from store import Store, open_store
from tests.conftest import (
    AN,
    SESSION_FORM,
    SUPERVISOR,
    SUPERVISOR_PIN,
    VOLUNTEER,
    VOLUNTEER_PIN,
    YEN,
    FakeClock,
)
from tests.test_sync import drain
from vaxdesk.testing.desk import TEST_PIN, TEST_USER, add_test_users
from vaxdesk.testing.hub import HubServer, enrol

CHECKLIST = checklist_for("AZ")
assert CHECKLIST is not None
IDS = CHECKLIST.ids
Y, N = Answer.YES, Answer.NO
# The form's rules (section II): an item's "yes" gives its outcome.
RULES = {"1": Outcome.CONTRAINDICATED, "2": Outcome.DEFER, "3": Outcome.DEFER,
         "4a": Outcome.DEFER, "5": Outcome.HOSPITAL, "4b": Outcome.CAUTION,
         "6": Outcome.CAUTION, "7": Outcome.CAUTION, "8": Outcome.CAUTION, "9": Outcome.CAUTION,
         "10": Outcome.CAUTION}  # fmt: skip
ALL_NO = json.dumps(dict.fromkeys(IDS, "n"))
NORMAL = {"temperature": 36.8, "pulse": 80, "systolic": 120, "diastolic": 80, "breathing": 18}


def no_but(*yes: str) -> dict[str, Answer]:
    return {i: Y if i in yes else N for i in IDS}


# -- the data file ---------------------------------------------------------------------------


def test_the_2021_checklist_is_data_with_its_version_and_source() -> None:
    assert [c.version for c in checklists()] == ["covid19-adult-3445-2021"]
    assert checklist_version("covid19-adult-3445-2021") is CHECKLIST
    assert "3445/QĐ-BYT" in CHECKLIST.source and "3802/QĐ-BYT" in CHECKLIST.source
    assert IDS == ("1", "2", "3", "4a", "4b", "5", "6", "7", "8", "9", "10")
    assert {i.id: i.outcome for i in CHECKLIST.items} == RULES
    assert checklist_for("VAT") is None  # tetanus: the one-letter screening stays
    assert checklist_for("SP") is CHECKLIST and checklist_for("PF") is CHECKLIST
    i18n.set_language("vi")
    assert CHECKLIST.item("2").text == "Tiền sử rõ ràng bị COVID-19 trong vòng 6 tháng"
    assert CHECKLIST.vital("temperature").name == "Nhiệt độ"  # type: ignore[union-attr]
    i18n.set_language("en")
    assert CHECKLIST.item("3").text == "Acute illness now"


# -- every rule, pure ------------------------------------------------------------------------


def test_all_no_is_eligible_now() -> None:
    derived = derive(CHECKLIST, no_but())
    assert derived.outcome is Outcome.ELIGIBLE and derived.screening is Screening.ELIGIBLE
    assert derived.because == () and derived.cautions == ()
    assert derive(CHECKLIST, no_but(), NORMAL).outcome is Outcome.ELIGIBLE


@pytest.mark.parametrize("item", IDS)
def test_each_item_alone_gives_its_outcome(item: str) -> None:
    derived = derive(CHECKLIST, no_but(item), vaccine="AZ")
    assert derived.outcome is RULES[item] and derived.because == (item,)
    letter = {Outcome.CONTRAINDICATED: "C", Outcome.DEFER: "H", Outcome.HOSPITAL: "B",
              Outcome.CAUTION: "D"}[RULES[item]]  # fmt: skip
    assert derived.screening.value == letter
    assert derived.screening.gives_dose is (RULES[item] is Outcome.CAUTION)
    assert derived.cautions == ((item,) if RULES[item] is Outcome.CAUTION else ())


@pytest.mark.parametrize("item", ["4a", "4b"])
@pytest.mark.parametrize("vaccine", ["SP", "SPL", "sp"])
def test_sputnik_v_is_contraindicated_in_pregnancy(item: str, vaccine: str) -> None:
    derived = derive(CHECKLIST, no_but(item), vaccine=vaccine)
    assert derived.outcome is Outcome.CONTRAINDICATED and derived.because == (item,)
    assert derived.rule is not None and "Sputnik V" in derived.rule.text
    other = derive(CHECKLIST, no_but(item), vaccine="PF")  # the item's own rule elsewhere
    assert other.outcome is RULES[item] and other.rule is None


@pytest.mark.parametrize(
    ("vital", "value", "abnormal"),
    [("temperature", 35.4, True), ("temperature", 35.5, False), ("temperature", 37.5, False),
     ("temperature", 37.6, True), ("pulse", 59, True), ("pulse", 60, False),
     ("pulse", 100, False), ("pulse", 101, True), ("systolic", 89, True),
     ("systolic", 140, False), ("systolic", 141, True), ("diastolic", 59, True),
     ("diastolic", 91, True), ("diastolic", 90, False), ("breathing", 25, False),
     ("breathing", 26, True), ("breathing", 8, False)],
)  # fmt: skip
def test_vital_signs_outside_the_limits_are_item_10(
    vital: str, value: float, abnormal: bool
) -> None:
    derived = derive(CHECKLIST, no_but(), {**NORMAL, vital: value})
    assert (derived.outcome is Outcome.CAUTION) is abnormal
    assert derived.because == (("10",) if abnormal else ())


def test_a_reading_answers_item_10_and_counts_as_answered() -> None:
    items = {i: N for i in IDS if i != "10"}
    assert unanswered(CHECKLIST, items) == ["10"]
    assert unanswered(CHECKLIST, items, {"pulse": 120}) == []
    assert unanswered(CHECKLIST, {}) == list(IDS)


def test_readings_are_numbers_within_reason() -> None:
    temperature = CHECKLIST.vital("temperature")
    assert temperature is not None
    assert temperature.parse("36,8") == 36.8 and temperature.parse(" 38.5 ") == 38.5
    assert temperature.parse("") is None
    with pytest.raises(FieldError) as error:
        temperature.parse("3")
    assert error.value.field == "temperature"
    assert describe(error.value) == "3 cannot be right: between 30 and 45"
    with pytest.raises(FieldError, match="'ba' is not a number"):
        temperature.parse("ba")


SEVERITY = [Outcome.ELIGIBLE, Outcome.CAUTION, Outcome.HOSPITAL, Outcome.DEFER,
            Outcome.CONTRAINDICATED]  # fmt: skip
answers_strategy = st.fixed_dictionaries({}, optional={i: st.sampled_from([Y, N]) for i in IDS})
vitals_strategy = st.fixed_dictionaries(
    {},
    optional={
        "temperature": st.floats(30, 45), "pulse": st.integers(20, 250),
        "systolic": st.integers(50, 300), "diastolic": st.integers(20, 200),
        "breathing": st.integers(4, 80),
    },
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(answers_strategy, vitals_strategy, st.sampled_from(["AZ", "PF", "SP", "SPL", "MD", ""]))
def test_the_most_severe_rule_wins(
    items: dict[str, Answer], vitals: dict[str, float], vaccine: str
) -> None:
    """Against a model of the form's rules: the outcome is the most severe of every "yes"."""
    yes = {i for i, a in items.items() if a is Y}
    if any(CHECKLIST.vital(k).abnormal(v) for k, v in vitals.items()):  # type: ignore[union-attr]
        yes.add("10")
    found = [RULES[i] for i in yes]
    if vaccine in ("SP", "SPL") and yes & {"4a", "4b"}:
        found.append(Outcome.CONTRAINDICATED)
    expected = max(found, key=SEVERITY.index) if found else Outcome.ELIGIBLE
    derived = derive(CHECKLIST, items, vitals, vaccine)
    assert derived.outcome is expected
    assert set(derived.because) <= yes and bool(derived.because) is bool(found)
    assert set(derived.cautions) == {i for i in yes if RULES[i] is Outcome.CAUTION}
    # Adding a "yes" never makes the outcome less severe.
    for item in IDS:
        more = derive(CHECKLIST, {**items, item: Y}, vitals, vaccine)
        assert more.outcome.severity >= derived.outcome.severity


@settings(max_examples=200, deadline=None)
@given(answers_strategy, vitals_strategy, st.sampled_from(["AZ", "SP"]))
def test_answers_read_back_as_they_were_stored(
    items: dict[str, Answer], vitals: dict[str, float], vaccine: str
) -> None:
    answers = Answers({i: items.get(i, N) for i in IDS}, vitals, vaccine)
    text = answers.to_json()
    assert read_answers(CHECKLIST, text) == answers
    assert outcome_of(CHECKLIST.version, text) == answers.derived(CHECKLIST).outcome.value
    assert " " not in text.replace("Sputnik", "")  # compact


def test_the_stored_json_is_compact_and_plain() -> None:
    answers = Answers(no_but("2"), {"temperature": 37.0, "pulse": 72}, "AZ")
    body = json.loads(answers.to_json())
    assert body == {"items": {**{i: "n" for i in IDS}, "2": "y"}, "vaccine": "AZ",
                    "vitals": {"temperature": 37, "pulse": 72}}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "field"),
    [("not json", "screening_answers"), ("[]", "screening_answers"),
     ('{"items": {"1": "y"}, "vaccine": "AZ"}', "screening"),
     ('{"items": {"99": "n"}, "vaccine": "AZ"}', "screening_answers"),
     ('{"items": {"1": "maybe"}, "vaccine": "AZ"}', "screening_answers"),
     ('{"items": {}, "vaccine": "AZ", "vitals": {"pulse": 900}}', "pulse"),
     ('{"items": {}, "vaccine": "AZ", "vitals": {"pulse": "80"}}', "pulse"),
     (f'{{"items": {ALL_NO}, "vaccine": "XX"}}', "screening_answers"),
     (f'{{"items": {ALL_NO}, "vaccine": "AZ", "extra": 1}}', "screening_answers"),
     (f'{{"items": {ALL_NO}, "vaccine": "AZ", "override": 7}}', "screening_answers"),
     (f'{{"items": {ALL_NO}, "vaccine": "AZ", "override": "x"}}', "override_reason")],
)  # fmt: skip
def test_unreadable_or_incomplete_answers_are_refused(text: str, field: str) -> None:
    with pytest.raises(FieldError) as error:
        read_answers(CHECKLIST, text)
    assert error.value.field == field


def test_a_records_checklist_is_its_outcome_or_a_reason_to_differ() -> None:
    version, postponed = CHECKLIST.version, Answers(no_but("2"), {}, "AZ").to_json()
    assert check_answers("", "", Screening.ELIGIBLE, "AZ", True) is None  # one letter
    assert check_answers(version, postponed, Screening.POSTPONE, "", False) is not None
    with pytest.raises(FieldError) as differs:
        check_answers(version, postponed, Screening.ELIGIBLE, "AZ", True)
    assert differs.value.field == "screening"
    assert describe(differs.value) == (
        "the checklist's outcome is H: a doctor may change it, with a reason, in the checklist"
    )
    changed = Answers(no_but("2"), {}, "AZ", "PCR negative, COVID-19 7 months ago").to_json()
    assert check_answers(version, changed, Screening.ELIGIBLE, "AZ", True) is not None
    with pytest.raises(FieldError, match="answered for AZ, another vaccine"):
        check_answers(version, Answers(no_but(), {}, "AZ").to_json(), Screening.ELIGIBLE,
                      "PF", True)  # fmt: skip
    with pytest.raises(FieldError, match="unknown screening checklist 'covid19-2099'"):
        check_answers("covid19-2099", postponed, Screening.POSTPONE, "", False)
    with pytest.raises(FieldError) as half:
        check_answers(version, "", Screening.POSTPONE, "", False)
    assert half.value.field == "screening_answers"


# -- the desk core: who may record what ------------------------------------------------------


@pytest.fixture
def desk(store: Store, clock: FakeClock) -> Desk:
    add_test_users(store)
    return Desk(store, clock, desk_id="desk-1")


def opened(desk: Desk, name: str = TEST_USER, pin: str = TEST_PIN, vaccine: str = "AZ") -> Entry:
    from desk.people import log_in

    log_in(desk, name, pin)
    session = {k: v for k, v in SESSION_FORM.items() if k != "entered_by"}
    open_session(desk, {**session, "vaccine": vaccine})
    return Entry(desk)


def form(entry: Entry, person: dict[str, str], screening: str = "D") -> dict[str, str]:
    return {**entry.session_values(), "screening": screening, **person}


def test_a_vaccinator_screens_on_the_checklist_and_the_answers_are_stored(desk: Desk) -> None:
    entry = opened(desk)
    patch = entry.take_checklist(form(entry, AN), no_but("7"), {"temperature": 36.6})
    assert isinstance(patch, Patch) and patch.values == {"screening": "D"}
    assert entry.screened is not None and entry.screened.derived.outcome is Outcome.CAUTION
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved) and saved.record.gives_dose
    assert saved.record.checklist_version == CHECKLIST.version
    stored = json.loads(saved.record.screening_answers)
    assert stored["items"]["7"] == "y" and stored["vitals"] == {"temperature": 36.6}
    row = desk.store.conn.execute(
        "SELECT checklist_version, screening_answers FROM records"
    ).fetchone()
    assert row == (CHECKLIST.version, saved.record.screening_answers)
    assert entry.screened is None  # the next citizen starts without


def test_a_yes_to_covid_in_six_months_postpones_and_no_dose_is_given(desk: Desk) -> None:
    entry = opened(desk)
    patch = entry.take_checklist(form(entry, AN), no_but("2"), {})
    assert isinstance(patch, Patch) and patch.values["screening"] == "H"
    saved = entry.save(form(entry, AN, patch.values["screening"]))
    assert isinstance(saved, Saved)
    record = saved.record
    assert record.screening is Screening.POSTPONE and not record.gives_dose
    assert (record.vaccine, record.lot, record.dose_number) == ("", "", None)


def test_the_letter_typed_over_the_checklist_is_refused(desk: Desk) -> None:
    entry = opened(desk)
    entry.take_checklist(form(entry, AN), no_but("3"), {})
    refused = entry.save(form(entry, AN, "D"))
    assert isinstance(refused, Refused) and set(refused.errors) == {"screening"}
    assert "the checklist's outcome is H" in describe(refused.errors["screening"])


def test_the_fast_path_one_letter_without_a_checklist_stays(desk: Desk) -> None:
    entry = opened(desk)
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved) and saved.record.checklist_version == ""
    assert saved.record.screening_answers == ""
    assert "checklist_version" not in record_to_body(saved.record)  # as before the checklist


def test_a_doctor_changes_the_outcome_with_a_reason_kept_in_the_audit(desk: Desk) -> None:
    entry = opened(desk)
    short = entry.take_checklist(form(entry, AN), no_but("2"), {}, Screening.ELIGIBLE, "ok")
    assert isinstance(short, Refused) and "override_reason" in short.errors
    reason = "PCR negative; COVID-19 was 7 months ago"
    patch = entry.take_checklist(form(entry, AN), no_but("2"), {}, Screening.ELIGIBLE, reason)
    assert isinstance(patch, Patch) and patch.values["screening"] == "D"
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved) and saved.record.gives_dose
    assert json.loads(saved.record.screening_answers)["override"] == reason
    audit = [r for r in desk.store.people.rows() if r["action"] == "screening.override"]
    assert len(audit) == 1 and audit[0]["user_name"] == TEST_USER
    assert reason in audit[0]["detail"] and saved.record.record_id in audit[0]["detail"]


def test_the_same_outcome_with_a_reason_is_no_change(desk: Desk) -> None:
    entry = opened(desk)
    patch = entry.take_checklist(form(entry, AN), no_but("2"), {}, Screening.POSTPONE, "x")
    assert isinstance(patch, Patch) and entry.screened is not None
    assert entry.screened.answers.override == "" and not entry.screened.overridden


def test_a_volunteer_enters_the_checklist_for_the_vaccinator_but_may_not_change_it(
    desk: Desk,
) -> None:
    entry = opened(desk, VOLUNTEER, VOLUNTEER_PIN)
    refused = entry.take_checklist(form(entry, YEN), no_but("2"), {}, Screening.ELIGIBLE,
                                   "the doctor says so")  # fmt: skip
    assert isinstance(refused, Refused) and refused.problem is not None
    assert describe(refused.problem) == (
        "a volunteer may not change the outcome of the screening checklist"
    )
    assert entry.screened is None
    patch = entry.take_checklist(form(entry, YEN), no_but("2"), {})
    assert isinstance(patch, Patch)
    saved = entry.save(form(entry, YEN, "H"))
    assert isinstance(saved, Saved) and saved.record.screening is Screening.POSTPONE
    assert saved.record.entered_by == VOLUNTEER
    assert saved.record.vaccinator == SESSION_FORM["vaccinator"]
    assert saved.record.checklist_version == CHECKLIST.version
    # The outcome the doctor states, typed by the volunteer without a checklist: kept.
    stated = entry.save(form(entry, AN, "C"))
    assert isinstance(stated, Saved) and stated.record.screening is Screening.CONTRAINDICATED


def test_a_supervisor_may_change_an_outcome(desk: Desk) -> None:
    entry = opened(desk, SUPERVISOR, SUPERVISOR_PIN)
    patch = entry.take_checklist(form(entry, AN), no_but("5"), {}, Screening.ELIGIBLE,
                                 "this site has anaphylaxis care")  # fmt: skip
    assert isinstance(patch, Patch) and patch.values["screening"] == "D"


def test_a_volunteer_corrects_a_doctors_change_without_changing_it(desk: Desk) -> None:
    """The outcome a doctor changed stays as it was through a volunteer's correction."""
    doctor = opened(desk)
    doctor.take_checklist(form(doctor, YEN), no_but("2"), {}, Screening.ELIGIBLE, "recovered")
    saved = doctor.save(form(doctor, YEN))
    assert isinstance(saved, Saved)
    volunteer = opened(desk, VOLUNTEER, VOLUNTEER_PIN)
    record = replace(saved.record, entered_by=VOLUNTEER)  # as if the volunteer had entered it
    patch = volunteer.start_correction(record)
    assert volunteer.screened is not None and volunteer.screened.overridden
    corrected = volunteer.save({**patch.values, "phone": "0912345678"})
    assert isinstance(corrected, Saved) and corrected.record.version == 2
    assert corrected.record.screening_answers == saved.record.screening_answers
    again = volunteer.take_checklist(patch.values, no_but("3"), {}, Screening.ELIGIBLE, "why")
    assert isinstance(again, Refused)


def test_a_vaccine_without_a_checklist_says_so(desk: Desk) -> None:
    entry = opened(desk, vaccine="VAT")
    from domain.errors import DeskError

    with pytest.raises(DeskError) as none:
        entry.open_checklist(form(entry, YEN))
    assert describe(none.value) == "no screening checklist for VAT: type the outcome"


def test_sputnik_in_pregnancy_at_the_desk(desk: Desk) -> None:
    entry = opened(desk, vaccine="SP")
    patch = entry.take_checklist(form(entry, YEN), no_but("4b"), {})
    assert isinstance(patch, Patch) and patch.values["screening"] == "C"


# -- the wire and the hub --------------------------------------------------------------------


def screened_record(desk: Desk) -> Record:
    entry = opened(desk)
    entry.take_checklist(form(entry, AN), no_but("8"), {"pulse": 72})
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved)
    return saved.record


def test_the_wire_carries_the_checklist_and_old_bodies_stay_valid(
    desk: Desk, clock: FakeClock
) -> None:
    record = screened_record(desk)
    body = record_to_body(record)
    assert body["checklist_version"] == CHECKLIST.version
    assert checked_record(body, today=clock().date()) == record
    old = {k: v for k, v in body.items() if k not in ("checklist_version", "screening_answers")}
    old["screening"] = "D"
    assert checked_record(old, today=clock().date()).screening_answers == ""
    # An old body hashes as it always did; an empty field is the same as none.
    assert content_hash(old) == content_hash({**old, "checklist_version": "",
                                              "screening_answers": ""})  # fmt: skip
    assert "checklist_version" not in record_body(old)
    forged = {**body, "screening_answers": body["screening_answers"].replace('"8":"y"',
                                                                             '"8":"n"')}
    assert checked_record(forged, today=clock().date()).screening is Screening.ELIGIBLE
    bad = {**body, "screening": "H", "vaccine": "", "lot": "", "dose_number": None}
    with pytest.raises(FieldError) as refused:
        checked_record(bad, today=clock().date())
    assert refused.value.field == "screening"
    with pytest.raises(FieldError, match="must be text"):
        checked_record({**body, "screening_answers": 3}, today=clock().date())


async def test_the_answers_reach_the_hub_and_are_stored_there(
    hub: HubServer, hub_db: HubDB, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "desk-1.db"
    with open_store(path, clock) as store:
        desk = Desk(store, clock, desk_id="desk-1")
        add_test_users(store)
        record = screened_record(desk)
        plain = opened(desk)
        saved = plain.save(form(plain, YEN))
        assert isinstance(saved, Saved)
    await drain(path, hub.url, enrol(hub_db, "desk-1"))
    with hub_db._tx() as cur:
        cur.execute("SELECT record_id, checklist_version, screening_answers, checklist_outcome, "
                    "body FROM records ORDER BY record_id")  # fmt: skip
        rows = {row[0]: row[1:] for row in cur.fetchall()}
    version, answers, outcome, body = rows[record.record_id]
    assert (version, answers, outcome) == (CHECKLIST.version, record.screening_answers, "caution")
    assert json.loads(body)["screening_answers"] == record.screening_answers
    assert rows[saved.record.record_id][:3] == ("", "", "")
