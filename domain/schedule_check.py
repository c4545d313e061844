"""May this vaccine be given today? The schedule engine's answer for one dose, with the reasons
as data (codes `schedule.*`, words made at the edge).

A dose is refused when the vaccine is unknown or only for history, outside its product's
ages, too young or too soon for any antigen it holds (it would not count, CDSi), or when it
counts for no antigen at all (every one complete, past its ages, or given with another
vaccine). A combination that counts for some of its antigens is allowed; the others are told
as notes (a hexavalent dose for a child whose hepatitis B is complete)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.errors import DeskError
from domain.schedule import Given, Person, Verdict, age_date, forecast_antigen
from domain.schedule_table import Schedule, schedule

_INTERVAL_FROM = (Verdict.COUNTED, Verdict.TOO_YOUNG, Verdict.TOO_SOON)  # see schedule._Run


@dataclass(frozen=True)
class Check:
    vaccine: str
    allowed: bool
    counts: dict[str, int] = field(default_factory=dict)  # antigen -> its dose number
    problems: tuple[DeskError, ...] = ()  # why it is refused
    notes: tuple[DeskError, ...] = ()  # antigens it will not count for, though allowed


def may_give(
    person: Person, history: Sequence[Given], code: str, on: date,
    sched: Schedule | None = None,
) -> Check:  # fmt: skip
    sched = sched or schedule()
    vaccine = sched.vaccine(code)
    if vaccine is None:
        return _refused(code, "schedule.unknown_vaccine", text=code.strip()[:32])
    name = vaccine.name
    if vaccine.given_elsewhere_only:
        return _refused(vaccine.code, "schedule.history_only", vaccine=name)
    if vaccine.min_age and on < (start := age_date(person, vaccine.min_age)):
        return _refused(vaccine.code, "schedule.product_too_young", vaccine=name, earliest=start)
    if vaccine.max_age and on >= (end := age_date(person, vaccine.max_age)):
        return _refused(vaccine.code, "schedule.product_too_old", vaccine=name,
                        latest=end - timedelta(days=1))  # fmt: skip
    dose = Given(vaccine.code, on)
    after = [*history, dose]
    counts: dict[str, int] = {}
    refusals: list[DeskError] = []
    notes: list[DeskError] = []
    for antigen in vaccine.antigens:
        label = sched.antigen(antigen).name
        result = forecast_antigen(antigen, person, after, on, sched, strict=dose)
        evaluated = next((d for d in result.doses if d.given is dose), None) if result else None
        if evaluated is None:
            notes.append(DeskError("schedule.not_for", antigen=label))
            continue
        verdict, number = evaluated.verdict, evaluated.target
        if verdict is Verdict.COUNTED:
            counts[antigen] = evaluated.number or number
        elif verdict is Verdict.TOO_YOUNG:
            refusals.append(DeskError("schedule.too_young", antigen=label, number=number,
                                      earliest=evaluated.earliest))  # fmt: skip
        elif verdict is Verdict.TOO_SOON:
            previous = [d for d in result.doses  # type: ignore[union-attr]
                        if d.given is not dose and d.verdict in _INTERVAL_FROM]
            refusals.append(DeskError(
                "schedule.too_soon", antigen=label, number=number,
                previous=previous[-1].given.on if previous else on, earliest=evaluated.earliest,
            ))  # fmt: skip
        elif verdict is Verdict.EXTRA:
            notes.append(DeskError("schedule.complete", antigen=label))
        elif verdict is Verdict.OTHER_VACCINE:
            wanted = _wanted(sched, antigen, person, history, on)
            notes.append(DeskError("schedule.other_vaccine", antigen=label, number=number,
                                   vaccines=wanted))  # fmt: skip
        else:  # too old for the dose (product ages were checked above)
            notes.append(DeskError("schedule.too_old", antigen=label, number=number))
    refusals, notes = _merged(refusals), _merged(notes)
    if refusals or not counts:
        return Check(vaccine.code, False, counts, tuple(refusals or notes),
                     tuple(notes) if refusals else ())
    return Check(vaccine.code, True, counts, (), tuple(notes))


def _refused(code: str, reason: str, **params: object) -> Check:
    return Check(code, False, problems=(DeskError(reason, **params),))


def _merged(errors: list[DeskError]) -> list[DeskError]:
    """Reasons that differ by their antigen only, said once for all of them: 'Diphtheria,
    Tetanus, Pertussis dose 2: too soon ...'."""
    groups: dict[tuple, list[DeskError]] = {}
    for error in errors:
        rest = tuple(sorted((k, str(v)) for k, v in error.params.items() if k != "antigen"))
        groups.setdefault((error.code, rest), []).append(error)
    return [
        DeskError(same[0].code, **{**same[0].params,
                                   "antigen": ", ".join(e.params["antigen"] for e in same)})
        for same in groups.values()
    ]  # fmt: skip


def _wanted(sched: Schedule, antigen: str, person: Person, history: Sequence[Given],
            on: date) -> str:  # fmt: skip
    """The vaccines the antigen's next dose takes, as a list to read."""
    result = forecast_antigen(antigen, person, history, on, sched)
    codes = result.next.vaccines if result and result.next else ()
    return ", ".join(codes) or "-"
