"""May this vaccine be given today (domain/schedule_check.py): clear reasons when too young,
too soon, complete, or unknown; a combination allowed for the antigens it counts for; no
grace period for a dose about to be given. Properties with hypothesis: what the check allows
counts once given, and a history given on each forecast's earliest date always counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import i18n
from domain.messages import describe
from domain.schedule import Given, Person, Status, Verdict, forecast, forecast_antigen
from domain.schedule_check import may_give
from domain.schedule_table import Duration, schedule

BORN = date(2025, 1, 10)
CHILD = Person(BORN)


def age(months: int = 0, days: int = 0, weeks: int = 0) -> date:
    return Duration(0, months, weeks, days).after(BORN)


def said(check) -> list[str]:  # type: ignore[no-untyped-def]
    return [describe(e) for e in check.problems]


BIRTH = [Given("VGB", BORN), Given("BCG", BORN)]
FIRST = [*BIRTH, Given("5IN1", age(2)), Given("BOPV", age(2))]


def test_the_combined_vaccine_and_opv_at_two_months_count_per_antigen() -> None:
    five = may_give(CHILD, BIRTH, "5IN1", age(2))
    assert five.allowed and not five.problems and not five.notes
    assert five.counts == {"diphtheria": 1, "tetanus": 1, "pertussis": 1, "hepb": 2, "hib": 1}
    opv = may_give(CHILD, BIRTH, "bopv", age(2))
    assert opv.allowed and opv.counts == {"polio13": 1} and opv.vaccine == "BOPV"


def test_under_the_product_s_minimum_age_is_refused_with_the_first_day() -> None:
    check = may_give(CHILD, BIRTH, "5IN1", age(weeks=5))
    assert not check.allowed
    assert said(check) == [
        "DTP-HepB-Hib combined (5 in 1: Quinvaxem, ComBE Five) is given from 21/02/2025: too "
        "young today"
    ]


def test_under_the_dose_s_minimum_age_is_refused_and_no_grace_is_given_today() -> None:
    check = may_give(CHILD, [], "SOI", age(9) - timedelta(days=2))
    assert not check.allowed and check.problems[0].code == "schedule.product_too_young"
    # BCG is from birth; the measles dose of MR from 9 months
    mr = may_give(CHILD, [], "MR", age(8))
    assert not mr.allowed
    # yet the same dose, once given two days early, counts (the grace period evaluates)
    given_early = [Given("SOI", age(9) - timedelta(days=2))]
    assert forecast_antigen("measles", CHILD, given_early, age(10)).counted == 1  # type: ignore[union-attr]


def test_too_soon_after_the_previous_dose_is_refused_with_both_dates_said_once() -> None:
    check = may_give(CHILD, FIRST, "5IN1", age(2, 20))
    assert not check.allowed and check.counts == {}
    assert said(check) == [
        "Diphtheria, Tetanus, Pertussis, Haemophilus influenzae type b dose 2: too soon after "
        "the dose of 10/03/2025, not before 07/04/2025",
        "Hepatitis B dose 3: too soon after the dose of 10/03/2025, not before 07/04/2025",
    ]
    two_days_short = may_give(CHILD, FIRST, "5IN1", age(2) + timedelta(weeks=4, days=-2))
    assert not two_days_short.allowed  # no grace before the dose
    assert may_give(CHILD, FIRST, "5IN1", age(2) + timedelta(weeks=4)).allowed


def test_a_dose_already_complete_is_refused() -> None:
    check = may_give(CHILD, BIRTH, "BCG", age(1))
    assert not check.allowed and said(check) == ["Tuberculosis: already complete"]


def test_an_unknown_vaccine_and_one_for_history_only_are_refused() -> None:
    assert said(may_give(CHILD, [], "  zz9 ", age(2))) == ["unknown vaccine 'zz9'"]
    old = may_give(CHILD, [], "TOPV", age(2))
    assert not old.allowed and old.problems[0].code == "schedule.history_only"


def test_a_combination_counts_for_what_it_can_and_says_the_rest() -> None:
    history = [*BIRTH]
    for month in (2, 3, 4):
        history += [Given("5IN1", age(month)), Given("BOPV", age(month))]
    check = may_give(CHILD, history, "6IN1", age(18))
    assert check.allowed
    assert check.counts == {"diphtheria": 4, "tetanus": 4, "pertussis": 4, "polio2": 1}
    assert [describe(n) for n in check.notes] == [
        "Hepatitis B, Haemophilus influenzae type b, Polio (types 1 and 3): already complete"
    ]


def test_a_dose_that_takes_another_vaccine_says_which() -> None:
    check = may_give(CHILD, [], "5IN1", BORN + timedelta(days=50))  # no birth dose
    assert check.allowed and check.counts["hepb"] == 1  # the three-dose series
    rota = may_give(CHILD, [Given("ROTARIX", age(2))], "ROTATEQ", age(3))
    assert not rota.allowed
    assert said(rota) == ["Rotavirus diarrhoea dose 2 is given with ROTARIX, ROTAVIN"]


def test_a_vaccine_for_adults_is_refused_for_a_child() -> None:
    check = may_give(CHILD, [], "AZ", age(6))
    assert not check.allowed and check.problems[0].code == "schedule.product_too_young"


def test_tetanus_toxoid_for_a_pregnant_woman_dose_by_dose() -> None:
    woman = Person(date(1998, 5, 1), "female", frozenset({"pregnancy"}))
    first = may_give(woman, [], "VAT", date(2025, 3, 1))
    assert first.allowed and first.counts == {"tetanus": 1}
    history = [Given("VAT", date(2025, 3, 1))]
    soon = may_give(woman, history, "VAT", date(2025, 3, 20))
    assert not soon.allowed and "not before 29/03/2025" in said(soon)[0]
    assert may_give(woman, history, "VAT", date(2025, 3, 29)).counts == {"tetanus": 2}


def test_reasons_are_said_in_vietnamese() -> None:
    i18n.set_language("vi")
    assert said(may_give(CHILD, BIRTH, "BCG", age(1))) == ["Lao: đã tiêm đủ"]
    assert said(may_give(CHILD, FIRST, "BOPV", age(2, 20))) == [
        "Bại liệt (týp 1, 3) mũi 2: quá sớm sau mũi ngày 10/03/2025, chưa được tiêm trước "
        "ngày 07/04/2025"
    ]
    assert said(may_give(CHILD, [], "zz", age(1))) == ["không có vắc xin 'zz'"]


# -- properties ------------------------------------------------------------------------------

CODES = [v.code for v in schedule().vaccines if not v.given_elsewhere_only]
births = st.dates(date(2015, 1, 1), date(2026, 12, 31))
visits = st.lists(st.tuples(st.sampled_from(CODES), st.integers(0, 3 * 365)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(births, visits, st.sampled_from(CODES), st.integers(0, 6 * 365))
def test_what_the_check_allows_counts_once_given(
    born: date, offsets: list[tuple[str, int]], code: str, day: int
) -> None:
    person = Person(born)
    history = [Given(c, born + timedelta(days=d)) for c, d in offsets]
    on = born + timedelta(days=max(day, max((d for _, d in offsets), default=0)))
    check = may_give(person, history, code, on)
    after = forecast(person, [*history, Given(code, on)], on)
    for antigen, number in check.counts.items():
        assert after.antigens[antigen].counted >= number
        verdicts = [d.verdict for d in after.antigens[antigen].doses if d.given.on == on
                    and d.given.vaccine == code]  # fmt: skip
        assert Verdict.COUNTED in verdicts
    assert bool(check.problems) is not check.allowed  # a refusal always says why
    if check.allowed:
        assert check.counts


@settings(max_examples=60, deadline=None)
@given(births, st.sampled_from(["diphtheria", "hepb", "polio13", "pneumococcal", "je", "hib",
                                "measles", "rotavirus", "influenza"]),
       st.lists(st.integers(0, 40), min_size=6, max_size=6))  # fmt: skip
def test_doses_given_on_or_after_each_earliest_date_all_count_until_complete(
    born: date, antigen: str, delays: list[int]
) -> None:
    person, history, on = Person(born), [], born
    for delay in delays:
        result = forecast_antigen(antigen, person, history, on)
        assert result is not None
        if result.next is None:
            assert result.status in (Status.COMPLETE, Status.AGED_OUT)
            break
        on = max(on, result.next.earliest) + timedelta(days=delay)
        if result.next.latest and on > result.next.latest:
            break
        history.append(Given(result.next.vaccines[0], on))
        after = forecast_antigen(antigen, person, history, on)
        assert after is not None and after.counted == result.counted + 1, (history, after)


@pytest.mark.parametrize("early", [0, 1, 4, 5])
def test_the_grace_period_for_a_dose_given_before_its_interval(early: int) -> None:
    history = [Given("VNNB", age(12)), Given("VNNB", age(12, 7))]
    third = Duration(years=1).after(age(12, 7)) - timedelta(days=early)
    result = forecast_antigen("je", CHILD, [*history, Given("VNNB", third)], third)
    assert result is not None and (result.counted == 3) is (early <= 4)
    assert may_give(CHILD, history, "VNNB", third).allowed is (early == 0)
