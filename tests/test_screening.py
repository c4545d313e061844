"""The screening checklist (QĐ 3445/QĐ-BYT, 2021) as data, every outcome rule as a pure
function (and against a model of the form, with hypothesis), and the stored answers as desk
and hub both check them. The desk's side: tests/test_screening_desk.py."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import i18n
from domain.errors import FieldError
from domain.fields import Screening
from domain.messages import describe
from domain.screening import (
    Answer,
    Outcome,
    checklist_for,
    checklist_version,
    checklists,
    derive,
    unanswered,
)
from domain.screening_answers import Answers, check_answers, outcome_of, read_answers

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
