"""The schedule engine (domain/schedule.py) over scripted histories: on time, late, catch-up,
combination vaccines, doses too early that do not count, the grace period, several series of
one antigen. The check before a dose (domain/schedule_check.py): tests/test_schedule_check.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.schedule import Given, Person, Status, Verdict, forecast, forecast_antigen
from domain.schedule_table import Duration

BORN = date(2025, 1, 10)
CHILD = Person(BORN)


def age(months: int = 0, days: int = 0, weeks: int = 0, years: int = 0) -> date:
    return Duration(years, months, weeks, days).after(BORN)


def doses(*pairs: tuple[str, date]) -> list[Given]:
    return [Given(code, on) for code, on in pairs]


def visit(on: date, *codes: str) -> list[Given]:
    return [Given(code, on) for code in codes]


ON_TIME = [
    *visit(age(), "VGB", "BCG"),
    *visit(age(2), "5IN1", "BOPV"),
    *visit(age(3), "5IN1", "BOPV"),
    *visit(age(4), "5IN1", "BOPV"),
    *visit(age(5), "IPV"),
    *visit(age(9), "SOI"),
    *visit(age(12), "VNNB"),
    *visit(age(12, 7), "VNNB"),
    *visit(age(18), "DPT", "MR"),
    *visit(age(24, 7), "VNNB"),
]
TCMR = ("tb", "hepb", "diphtheria", "pertussis", "tetanus", "hib", "polio13", "polio2",
        "measles", "rubella", "je")  # fmt: skip


def test_a_child_vaccinated_on_time_has_every_programme_antigen_complete() -> None:
    result = forecast(CHILD, ON_TIME, age(30))
    for antigen in TCMR:
        assert result.antigens[antigen].status is Status.COMPLETE, antigen
        assert all(d.verdict is Verdict.COUNTED for d in result.antigens[antigen].doses
                   if d.verdict is not Verdict.EXTRA), antigen  # fmt: skip
    counted = {a: result.antigens[a].counted for a in TCMR}
    assert counted == {"tb": 1, "hepb": 4, "diphtheria": 4, "pertussis": 4, "tetanus": 4,
                       "hib": 3, "polio13": 3, "polio2": 1, "measles": 2, "rubella": 1,
                       "je": 3}  # fmt: skip
    assert result.antigens["hepb"].series == "hepb-birth"
    assert result.due() == [a for a in result.antigens.values()
                            if a.antigen in {"mumps", "varicella", "influenza", "hepa",
                                             "pneumococcal"}]  # service vaccines # fmt: skip


def test_dose_numbers_are_per_antigen_not_per_person() -> None:
    result = forecast(CHILD, ON_TIME[:4], age(2, 1))
    hepb = [d.number for d in result.antigens["hepb"].doses]
    dtp = [d.number for d in result.antigens["diphtheria"].doses]
    assert hepb == [1, 2] and dtp == [1]  # the 5-in-1 is hepatitis B's 2nd, diphtheria's 1st
    assert result.antigens["polio13"].doses[0].number == 1
    assert result.antigens["tb"].counted == 1


def test_a_newborn_is_due_the_birth_doses_and_overdue_after_24_hours() -> None:
    day0 = forecast(CHILD, [], BORN)
    assert {a.antigen for a in day0.due()} == {"tb", "hepb"}
    hepb = day0.antigens["hepb"]
    assert hepb.status is Status.DUE and hepb.series == "hepb-birth"
    assert hepb.next is not None and hepb.next.vaccines == ("VGB",)
    assert hepb.next.overdue == BORN + timedelta(days=1)
    assert forecast_antigen("hepb", CHILD, [], BORN + timedelta(days=1)).status is Status.OVERDUE  # type: ignore[union-attr]
    tb = forecast_antigen("tb", CHILD, [], age(1, 1))
    assert tb is not None and tb.status is Status.OVERDUE  # BCG within the first month
    # past the birth dose's last day: the three doses of the combined vaccine instead
    later = forecast_antigen("hepb", CHILD, [], BORN + timedelta(days=8))
    assert later is not None and later.series == "hepb-3" and later.status is Status.EARLY
    assert later.next is not None and later.next.recommended == age(2)


def test_two_months_after_birth_the_combined_vaccine_and_opv_are_due() -> None:
    result = forecast(CHILD, ON_TIME[:2], age(2))
    due = {a.antigen: a.next.number for a in result.due() if a.next}
    assert due == {"diphtheria": 1, "pertussis": 1, "tetanus": 1, "hib": 1, "hepb": 2,
                   "polio13": 1, "rotavirus": 1, "pneumococcal": 1}  # fmt: skip
    assert result.antigens["polio2"].status is Status.EARLY  # IPV at 5 months
    assert result.antigens["measles"].status is Status.NOT_YET
    dtp = result.antigens["diphtheria"].next
    assert dtp is not None and dtp.earliest == age(weeks=6) and dtp.recommended == age(2)
    assert dtp.overdue == age(3) and dtp.latest == age(years=7) - timedelta(days=1)


def test_a_late_start_is_forecast_from_the_late_dose_not_realigned_to_the_ages() -> None:
    late = forecast_antigen("diphtheria", CHILD, [], age(6))
    assert late is not None and late.status is Status.OVERDUE
    history = visit(age(6), "5IN1")
    second = forecast_antigen("diphtheria", CHILD, history, age(6) + timedelta(days=29))
    assert second is not None and second.counted == 1 and second.next is not None
    assert second.next.earliest == age(6) + timedelta(weeks=4)
    assert second.next.recommended == age(7)
    assert second.status is Status.EARLY


def test_a_dose_too_young_does_not_count_and_the_grace_period_is_four_days() -> None:
    six_weeks = age(weeks=6)
    for early, counts in [(0, True), (3, True), (4, True), (5, False), (10, False)]:
        history = visit(six_weeks - timedelta(days=early), "BOPV")
        result = forecast_antigen("polio13", CHILD, history, age(3))
        assert result is not None
        assert (result.counted == 1) is counts, early
        if not counts:
            assert result.doses[0].verdict is Verdict.TOO_YOUNG
            assert result.doses[0].earliest == six_weeks
            assert result.next is not None and result.next.number == 1


def test_a_dose_too_soon_does_not_count_and_the_next_interval_runs_from_it() -> None:
    history = visit(age(2), "5IN1") + visit(age(2, 20), "5IN1")
    result = forecast_antigen("diphtheria", CHILD, history, age(2, 21))
    assert result is not None and result.counted == 1
    assert [d.verdict for d in result.doses] == [Verdict.COUNTED, Verdict.TOO_SOON]
    assert result.doses[1].earliest == age(2) + timedelta(weeks=4)
    assert result.next is not None and result.next.number == 2
    assert result.next.earliest == age(2, 20) + timedelta(weeks=4)
    # within the grace period it counts
    grace = visit(age(2), "5IN1") + visit(age(2) + timedelta(weeks=4, days=-4), "5IN1")
    assert forecast_antigen("diphtheria", CHILD, grace, age(4)).counted == 2  # type: ignore[union-attr]


def test_the_product_s_own_age_holds_for_every_antigen_it_holds() -> None:
    history = visit(age(weeks=4), "5IN1")  # the combined vaccine is from 6 weeks
    result = forecast(CHILD, history, age(2))
    for antigen in ("diphtheria", "hepb", "hib"):
        assert result.antigens[antigen].doses[-1].verdict is Verdict.PRODUCT_AGE


def test_a_hexavalent_dose_counts_for_all_six_diseases_and_both_polio_antigens() -> None:
    history = visit(age(2), "6IN1") + visit(age(3), "6IN1") + visit(age(4), "6IN1")
    result = forecast(CHILD, history, age(5))
    assert result.antigens["polio13"].status is Status.COMPLETE
    assert result.antigens["polio2"].status is Status.COMPLETE
    assert result.antigens["hib"].status is Status.COMPLETE
    assert result.antigens["hepb"].series == "hepb-3"  # no birth dose
    assert result.antigens["hepb"].status is Status.COMPLETE
    assert result.antigens["diphtheria"].counted == 3
    assert result.antigens["diphtheria"].next.recommended == age(18)  # type: ignore[union-attr]
    assert [d.verdict for d in result.antigens["polio2"].doses] == [
        Verdict.COUNTED, Verdict.EXTRA, Verdict.EXTRA]  # fmt: skip


def test_a_late_birth_dose_counts_in_the_three_dose_series() -> None:
    history = visit(BORN + timedelta(days=10), "VGB") + visit(age(2), "5IN1")
    result = forecast_antigen("hepb", CHILD, history, age(2, 1))
    assert result is not None and result.series == "hepb-3" and result.counted == 2


def test_without_the_birth_dose_three_combined_doses_complete_hepatitis_b() -> None:
    history = visit(age(2), "5IN1") + visit(age(3), "5IN1")
    result = forecast_antigen("hepb", CHILD, history, age(3, 10))
    assert result is not None and result.series == "hepb-3" and result.counted == 2
    history += visit(age(4), "5IN1")
    assert forecast_antigen("hepb", CHILD, history, age(5)).status is Status.COMPLETE  # type: ignore[union-attr]


def test_opv_three_times_then_ipv_completes_both_polio_antigens() -> None:
    result = forecast(CHILD, ON_TIME[:9], age(4, 10))
    assert result.antigens["polio13"].status is Status.COMPLETE
    assert result.antigens["polio2"].status is Status.EARLY
    done = forecast(CHILD, ON_TIME[:10], age(5, 1))
    assert done.antigens["polio2"].status is Status.COMPLETE
    assert done.antigens["polio13"].doses[-1].verdict is Verdict.EXTRA  # IPV, a 4th dose


def test_measles_rubella_at_18_months_is_measles_2_and_rubella_1() -> None:
    history = visit(age(9), "SOI") + visit(age(18), "MR")
    result = forecast(CHILD, history, age(19))
    assert result.antigens["measles"].counted == 2
    assert result.antigens["rubella"].counted == 1
    too_soon = visit(age(9), "SOI") + visit(age(9, 10), "MR")
    again = forecast(CHILD, too_soon, age(10))
    assert again.antigens["measles"].doses[-1].verdict is Verdict.TOO_SOON
    assert again.antigens["rubella"].counted == 1  # MR counts for rubella all the same
    assert forecast_antigen("measles", CHILD, [], age(8)).status is Status.NOT_YET  # type: ignore[union-attr]


def test_japanese_encephalitis_two_doses_a_week_apart_then_a_year() -> None:
    one = visit(age(12), "VNNB")
    assert forecast_antigen("je", CHILD, one, age(12, 1)).status is Status.NOT_YET  # type: ignore[union-attr]
    second = forecast_antigen("je", CHILD, one, age(12, 7))
    assert second is not None and second.next is not None
    assert second.next.earliest == age(12, 7) and second.status is Status.DUE
    assert forecast_antigen("je", CHILD, one, age(12, 15)).status is Status.OVERDUE  # type: ignore[union-attr]
    early = one + visit(age(12, 2), "VNNB")
    assert forecast_antigen("je", CHILD, early, age(13)).doses[-1].verdict is Verdict.TOO_SOON  # type: ignore[union-attr]
    two = one + visit(age(12, 8), "VNNB")
    third = forecast_antigen("je", CHILD, two, age(13))
    assert third is not None and third.next is not None
    assert third.next.earliest == date(2027, 1, 18)  # a year after dose 2


def test_rotavirus_has_an_upper_age_and_a_series_per_product() -> None:
    late = visit(age(weeks=16), "ROTARIX")
    result = forecast_antigen("rotavirus", CHILD, late, age(5))
    assert result is not None and result.counted == 0 and result.status is Status.AGED_OUT
    assert result.doses[0].verdict is Verdict.TOO_OLD
    two = visit(age(2), "ROTARIX") + visit(age(3), "ROTARIX")
    done = forecast_antigen("rotavirus", CHILD, two, age(4))
    assert done is not None and done.status is Status.COMPLETE and done.series == "rotavirus-2"
    three = visit(age(2), "ROTATEQ") + visit(age(3), "ROTATEQ")
    more = forecast_antigen("rotavirus", CHILD, three, age(3, 5))
    assert more is not None and more.series == "rotavirus-3" and more.next is not None
    assert more.next.vaccines == ("ROTATEQ",)


@pytest.mark.parametrize(
    ("first", "doses_needed"),
    [(2, 4), (5, 4), (8, 3), (13, 2), (25, 1)],  # CDC's catch-up: a late start needs fewer doses
)
def test_pneumococcal_catch_up_needs_fewer_doses_the_later_it_starts(
    first: int, doses_needed: int
) -> None:
    history: list[Given] = []
    on = age(first)
    for _ in range(6):
        result = forecast_antigen("pneumococcal", CHILD, history, on)
        assert result is not None
        if result.status is Status.COMPLETE:
            break
        assert result.next is not None
        on = max(on, result.next.earliest)
        history.append(Given("PCV13", on))
        on += timedelta(days=1)
    assert len(history) == doses_needed


def test_hib_started_at_16_months_is_one_dose_while_diphtheria_needs_more() -> None:
    history = visit(age(16), "5IN1")
    result = forecast(CHILD, history, age(17))
    assert result.antigens["hib"].status is Status.COMPLETE
    assert result.antigens["diphtheria"].counted == 1
    assert result.antigens["diphtheria"].status is not Status.COMPLETE


def test_after_seven_years_no_combined_dtp_is_forecast() -> None:
    result = forecast_antigen("diphtheria", CHILD, [], age(years=7))
    assert result is not None and result.status is Status.AGED_OUT and result.next is None


def test_tetanus_for_a_pregnant_woman_five_doses_never_overdue() -> None:
    woman = Person(date(1998, 5, 1), "female", frozenset({"pregnancy"}))
    start = date(2025, 3, 1)
    first = forecast_antigen("tetanus", woman, [], start)
    assert first is not None and first.series == "tetanus-pregnancy"
    assert first.status is Status.DUE and first.next is not None and first.next.overdue is None
    history = visit(start, "VAT") + visit(start + timedelta(days=20), "VAT")
    result = forecast_antigen("tetanus", woman, history, date(2026, 3, 1))
    assert result is not None and result.counted == 1
    assert result.doses[1].verdict is Verdict.TOO_SOON
    assert result.next is not None and result.next.earliest == start + timedelta(days=48)
    assert result.status is Status.DUE  # a year later: due, not overdue
    # without the risk, the series applies once a vaccine only it names is given
    plain = Person(date(1998, 5, 1), "female")
    assert forecast_antigen("tetanus", plain, [], start).series == "tetanus-child"  # type: ignore[union-attr]
    assert forecast_antigen("tetanus", plain, history, start).series == "tetanus-pregnancy"  # type: ignore[union-attr]
    assert forecast_antigen("tetanus", Person(date(1998, 5, 1), "male"), history,
                            start).series == "tetanus-child"  # type: ignore[union-attr] # fmt: skip


def test_covid19_is_one_programme_among_others_with_its_products_intervals() -> None:
    adult = Person(date(1990, 6, 1))
    history = visit(date(2021, 8, 1), "PF") + visit(date(2021, 8, 22), "PF")  # 21 days
    result = forecast_antigen("covid19", adult, history, date(2021, 9, 1))
    assert result is not None and result.counted == 2 and result.next is not None
    assert result.next.earliest == date(2021, 11, 20)  # 90 days to a booster
    assert result.status is Status.NOT_YET and result.next.recommended is None
    soon = visit(date(2021, 8, 1), "AZ") + visit(date(2021, 8, 15), "AZ")  # AZ: 28 days
    assert forecast_antigen("covid19", adult, soon, date(2021, 9, 1)).counted == 1  # type: ignore[union-attr]
    later = forecast_antigen("covid19", adult, history, date(2023, 1, 1))
    assert later is not None and later.status is Status.EARLY  # may be given, never "due"
    baby = forecast_antigen("covid19", CHILD, [], age(3))
    assert baby is not None and baby.status is Status.NOT_YET
    assert baby.next is not None and baby.next.earliest == age(years=5)  # PFC from 5 years


def test_doses_after_the_day_are_left_out_and_unknown_vaccines_are_listed() -> None:
    history = visit(age(2), "5IN1", "XYZ") + visit(age(3), "5IN1")
    result = forecast(CHILD, history, age(2, 10))
    assert result.antigens["diphtheria"].counted == 1
    assert [g.vaccine for g in result.unknown] == ["XYZ"]


def test_the_order_of_the_history_does_not_matter() -> None:
    ordered = forecast(CHILD, ON_TIME, age(20))
    shuffled = forecast(CHILD, list(reversed(ON_TIME)), age(20))
    assert {a: (r.counted, r.status, r.next) for a, r in ordered.antigens.items()} == {
        a: (r.counted, r.status, r.next) for a, r in shuffled.antigens.items()}  # fmt: skip


def test_cdsi_dates_for_a_child_born_on_the_31st() -> None:
    child = Person(date(2025, 1, 31))
    result = forecast_antigen("diphtheria", child, [], date(2025, 3, 1))
    assert result is not None and result.next is not None
    assert result.next.recommended == date(2025, 3, 31)  # 2 months
    late = Person(date(2024, 12, 31))
    first = forecast_antigen("diphtheria", late, [], date(2025, 2, 1))
    assert first.next.recommended == date(2025, 3, 1)  # type: ignore[union-attr] # 31/02
