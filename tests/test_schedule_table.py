"""The immunization schedule as data (domain/data/schedule.toml): what it holds, that the
COVID-19 and tetanus vaccines of vaccines.toml keep their codes and meaning, CDSi's date
arithmetic, and that a broken file is refused when read."""

from __future__ import annotations

import copy
from datetime import date
from importlib.resources import files

import pytest

import i18n
from domain.fields import parse_code
from domain.schedule_table import Duration, build_schedule, schedule, schedule_data
from domain.tables import vaccine_table

S = schedule()


def test_the_file_has_a_version_the_grace_period_and_cites_its_sources() -> None:
    assert S.version == "2026-01"
    assert S.grace_days == 4
    assert S.overdue_after == Duration(months=1)
    text = files("domain").joinpath("data", "schedule.toml").read_text("utf-8")
    for source in ("Thông tư 38/2017/TT-BYT", "2144/QĐ-BYT", "CDSi", "unconfirmed"):
        assert source in text


@pytest.mark.parametrize(
    ("code", "antigens", "programme"),
    [
        ("BCG", {"tb"}, "tcmr"),
        ("VGB", {"hepb"}, "tcmr"),
        ("5IN1", {"diphtheria", "tetanus", "pertussis", "hepb", "hib"}, "tcmr"),
        ("BOPV", {"polio13"}, "tcmr"),
        ("IPV", {"polio13", "polio2"}, "tcmr"),
        ("SOI", {"measles"}, "tcmr"),
        ("MR", {"measles", "rubella"}, "tcmr"),
        ("DPT", {"diphtheria", "tetanus", "pertussis"}, "tcmr"),
        ("VNNB", {"je"}, "tcmr"),
        ("VAT", {"tetanus"}, "tcmr"),
        ("ROTARIX", {"rotavirus"}, "service"),
        ("PCV13", {"pneumococcal"}, "service"),
        ("MMR", {"measles", "mumps", "rubella"}, "service"),
        ("VAR", {"varicella"}, "service"),
        ("FLU", {"influenza"}, "service"),
        ("HEPA", {"hepa"}, "service"),
        ("6IN1", {"diphtheria", "tetanus", "pertussis", "hepb", "hib", "polio13", "polio2"},
         "service"),
        ("AZ", {"covid19"}, "covid19"),
        ("PF", {"covid19"}, "covid19"),
    ],
)
def test_each_vaccine_counts_for_its_antigens(code: str, antigens: set, programme: str) -> None:
    vaccine = S.vaccine(code.lower())
    assert vaccine is not None
    assert set(vaccine.antigens) == antigens
    assert vaccine.programme == programme


def test_every_code_is_a_code_the_desk_accepts_and_none_is_taken_twice() -> None:
    codes = [v.code for v in S.vaccines]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert parse_code("vaccine", code) == code


def test_the_vaccines_of_vaccines_toml_keep_their_codes_and_ages() -> None:
    table = vaccine_table()
    for vaccine in table.vaccines:
        mine = S.vaccine(vaccine.code)
        assert mine is not None and mine.in_vaccine_table, vaccine.code
    az, pfc = S.vaccine("AZ"), S.vaccine("PFC")
    assert az is not None and az.min_age == Duration(months=18 * 12) and az.max_age is None
    assert pfc is not None and pfc.min_age == Duration(months=60)
    assert pfc.max_age == Duration(months=12 * 12)  # to 11 years inclusive: not from 12
    assert table.programme_of("AZ") == "covid19"  # the dose counting of the desk is unchanged


def test_tetanus_for_pregnant_women_has_the_intervals_of_vat_in_vaccines_toml() -> None:
    (series,) = [s for s in S.series_of("tetanus") if s.risk == "pregnancy"]
    vat = vaccine_table().by_code("VAT")
    assert vat is not None
    intervals = [d.min_interval for d in series.doses[1:]]
    assert [d.days if d else 0 for d in intervals] == list(vat.intervals_days)
    assert len(series.doses) == 5 and series.sex == "female"


def test_the_programme_ages_of_reference_md() -> None:
    def recommended(series_code: str) -> list[str]:
        (series,) = [s for s in S.series if s.code == series_code]
        return [str(d.recommended_age) if d.recommended_age else "+"
                + str(d.recommended_interval) for d in series.doses]  # fmt: skip

    assert recommended("hepb-birth") == ["0d", "2m", "+1m", "+1m"]
    assert recommended("tb") == ["0d"]
    assert recommended("diphtheria") == ["2m", "+1m", "+1m", "18m"]
    assert recommended("polio13") == ["2m", "+1m", "+1m"]
    assert recommended("polio2") == ["5m"]
    assert recommended("measles") == ["9m", "18m"]
    assert recommended("rubella") == ["18m"]
    assert recommended("je") == ["12m", "+7d", "+1y"]
    (birth,) = [s for s in S.series if s.code == "hepb-birth"]
    assert birth.doses[0].overdue_age == Duration(days=1)  # within 24 hours
    assert birth.doses[0].vaccines == frozenset({"VGB"})


def test_antigen_names_in_the_language_in_use() -> None:
    assert S.antigen("measles").name == "Measles"
    i18n.set_language("vi")
    assert S.antigen("measles").name == "Sởi"
    assert S.vaccine("MR").name == "Vắc xin sởi - rubella (MR)"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (date(2024, 1, 15), "2m", date(2024, 3, 15)),
        (date(2000, 3, 31), "6m", date(2000, 10, 1)),  # 31/09 is no day: the 1st after
        (date(2024, 1, 31), "1m", date(2024, 3, 1)),
        (date(2020, 2, 29), "1y", date(2021, 3, 1)),
        (date(2024, 11, 30), "3m", date(2025, 3, 1)),  # 30/02/2025 is no day
        (date(2024, 12, 31), "2m", date(2025, 3, 1)),
        (date(2024, 1, 31), "1m1d", date(2024, 3, 2)),  # months first, then days
        (date(2024, 1, 1), "6w", date(2024, 2, 12)),
        (date(2024, 1, 1), "1y2m3d", date(2025, 3, 4)),
        (date(2024, 12, 15), "1m", date(2025, 1, 15)),
    ],
)
def test_dates_are_added_as_cdsi_adds_them(start: date, duration: str, expected: date) -> None:
    assert Duration.parse(duration).after(start) == expected


@pytest.mark.parametrize("text", ["", "2", "m", "2x", "2m 3d", "-1d", "1.5m"])
def test_a_bad_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Duration.parse(text)


def _broken(change) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(schedule_data())
    change(data)
    with pytest.raises(ValueError):
        build_schedule(data, vaccine_table())


def test_a_broken_file_is_refused_when_read() -> None:
    build_schedule(copy.deepcopy(schedule_data()), vaccine_table())  # the real one is fine
    _broken(lambda d: d["vaccine"][0].update(antigens=["smallpox"]))
    _broken(lambda d: d["vaccine"].append({**d["vaccine"][0]}))
    _broken(lambda d: d["vaccine"][0].update(code="AZ"))  # a code of vaccines.toml
    _broken(lambda d: d["series"][0].update(antigen="smallpox"))
    _broken(lambda d: d["series"][0]["dose"][0].update(vaccines=["MR"]))  # no tb in MR
    _broken(lambda d: d["series"][0]["dose"][0].update(vaccines=["NOPE"]))
    _broken(lambda d: d["series"][0]["dose"][0].update(min_age="two months"))
    _broken(lambda d: d["series"][0]["dose"][0].update(min_intreval="4w"))
