"""The pre-vaccination screening checklist (khám sàng lọc): its items and rules as versioned
data (`domain/data/screening_*.toml`), and what a set of answers means.

`derive` is the rule book: answers (and vital signs, and the vaccine) in, the outcome out; the
most severe outcome of every "yes" wins. What a desk stores: `domain.screening_answers`.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any

from domain.errors import FieldError
from domain.fields import Screening
from domain.tables import vaccine_table
from domain.text import clean_text
from i18n import N_, _, language


class Outcome(StrEnum):
    """What the checklist concludes, from the least to the most severe."""

    ELIGIBLE = "eligible"  # đủ điều kiện tiêm ngay
    CAUTION = "caution"  # nhóm thận trọng: the dose is given, the person flagged
    HOSPITAL = "hospital"  # tiêm tại cơ sở y tế có đủ năng lực cấp cứu phản vệ
    DEFER = "defer"  # trì hoãn tiêm
    CONTRAINDICATED = "contraindicated"  # chống chỉ định tiêm vắc xin cùng loại

    @property
    def severity(self) -> int:
        return list(Outcome).index(self)

    @property
    def screening(self) -> Screening:
        """The record's one letter: caution is eligible (flagged by the checklist)."""
        return _SCREENING[self]

    @property
    def term(self) -> str:
        return _OUTCOME_LABELS[self]

    @property
    def label(self) -> str:
        return _(self.term)


_SCREENING = {
    Outcome.ELIGIBLE: Screening.ELIGIBLE,
    Outcome.CAUTION: Screening.ELIGIBLE,
    Outcome.HOSPITAL: Screening.REFER,
    Outcome.DEFER: Screening.POSTPONE,
    Outcome.CONTRAINDICATED: Screening.CONTRAINDICATED,
}
_OUTCOME_LABELS = {
    Outcome.ELIGIBLE: N_("eligible"),
    Outcome.CAUTION: N_("eligible, with caution"),
    Outcome.HOSPITAL: N_("referred to hospital"),
    Outcome.DEFER: N_("postponed"),
    Outcome.CONTRAINDICATED: N_("contraindicated"),
}


class Answer(StrEnum):
    YES = "y"
    NO = "n"


def _in_language(vi: str, en: str) -> str:
    return vi if language() == "vi" else en


@dataclass(frozen=True)
class Item:
    id: str
    outcome: Outcome
    vi: str
    en: str

    @property
    def text(self) -> str:
        return _in_language(self.vi, self.en)


@dataclass(frozen=True)
class Vital:
    """A vital sign: outside [low, high] answers its item "yes"; outside [min, max] it is a
    typing mistake."""

    id: str
    item: str
    low: float | None
    high: float | None
    min: float
    max: float
    unit: str
    vi: str
    en: str
    unit_en: str = ""

    @property
    def name(self) -> str:
        return _in_language(self.vi, self.en)

    @property
    def unit_shown(self) -> str:
        return self.unit if language() == "vi" or not self.unit_en else self.unit_en

    def abnormal(self, value: float) -> bool:
        return (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        )

    def parse(self, text: str) -> float | None:
        """A reading typed (`36,8` or `36.8`), None when blank; FieldError at the vital."""
        text = clean_text(text).replace(",", ".")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise FieldError(self.id, "screening.not_a_number", text=text[:20]) from None
        return self.checked(value)

    def checked(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value
        ):
            raise FieldError(self.id, "screening.not_a_number", text=str(value)[:20])
        if not self.min <= value <= self.max:
            low, high = plain_number(self.min), plain_number(self.max)
            raise FieldError(self.id, "screening.vital_range", value=plain_number(value),
                             minimum=low, maximum=high)  # fmt: skip
        return float(value)


@dataclass(frozen=True)
class VaccineRule:
    """A rule of some vaccines only: a "yes" to one of `items` gives `outcome` with them."""

    vaccines: frozenset[str]
    items: tuple[str, ...]
    outcome: Outcome
    vi: str
    en: str

    @property
    def text(self) -> str:
        return _in_language(self.vi, self.en)


@dataclass(frozen=True)
class Checklist:
    version: str
    issued: date
    source: str
    programmes: frozenset[str]
    title_vi: str
    title_en: str
    items: tuple[Item, ...]
    vitals: tuple[Vital, ...] = ()
    vaccine_rules: tuple[VaccineRule, ...] = ()

    @property
    def title(self) -> str:
        return _in_language(self.title_vi, self.title_en)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        return next(item for item in self.items if item.id == item_id)

    def vital(self, vital_id: str) -> Vital | None:
        return next((v for v in self.vitals if v.id == vital_id), None)


@dataclass(frozen=True)
class Derived:
    """The checklist's outcome, the items it follows from (the most severe ones), every item
    answered "yes" whose outcome is caution (flagged), and a vaccine's own rule if one applied."""

    outcome: Outcome
    because: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    rule: VaccineRule | None = None

    @property
    def screening(self) -> Screening:
        return self.outcome.screening


def effective(
    checklist: Checklist, items: Mapping[str, Answer], vitals: Mapping[str, float]
) -> dict[str, Answer]:
    """The answers as the rules read them: a vital sign outside its limits answers its item
    "yes", whatever was typed for it."""
    answers = dict(items)
    for vital_id, value in vitals.items():
        vital = checklist.vital(vital_id)
        if vital is not None and vital.abnormal(value):
            answers[vital.item] = Answer.YES
    return answers


def derive(
    checklist: Checklist,
    items: Mapping[str, Answer],
    vitals: Mapping[str, float] | None = None,
    vaccine: str = "",
) -> Derived:
    """The outcome of a checklist's answers for a vaccine: the most severe outcome of every
    "yes" (an item's own, or a rule of that vaccine's); all "no" is eligible. Pure."""
    answers = effective(checklist, items, vitals or {})
    yes = [item for item in checklist.items if answers.get(item.id) is Answer.YES]
    found: list[tuple[Outcome, str, VaccineRule | None]] = [(i.outcome, i.id, None) for i in yes]
    code = vaccine.strip().upper()
    for rule in checklist.vaccine_rules:
        if code in rule.vaccines:
            found += [(rule.outcome, i, rule) for i in rule.items if answers.get(i) is Answer.YES]
    cautions = tuple(i.id for i in yes if i.outcome is Outcome.CAUTION)
    if not found:
        return Derived(Outcome.ELIGIBLE)
    worst = max(outcome.severity for outcome, _id, _rule in found)
    top = [(i, rule) for outcome, i, rule in found if outcome.severity == worst]
    because = tuple(dict.fromkeys(i for i, _rule in top))
    applied = next((r for _i, r in top if r is not None), None)
    return Derived(list(Outcome)[worst], because, cautions, applied)


def unanswered(
    checklist: Checklist, items: Mapping[str, Answer], vitals: Mapping[str, float] | None = None
) -> list[str]:
    """The items not answered yet (an item a vital sign answers counts as answered)."""
    answers = effective(checklist, items, vitals or {})
    return [i for i in checklist.ids if i not in answers]


def all_no(checklist: Checklist, items: Mapping[str, Answer]) -> dict[str, Answer]:
    """Every item not answered yet answered "no" (one key at the desk)."""
    return {i: items.get(i, Answer.NO) for i in checklist.ids}


# -- the data files --------------------------------------------------------------------------


@cache
def checklists() -> tuple[Checklist, ...]:
    """Every checklist shipped (`domain/data/screening_*.toml`), the oldest issued first."""
    folder = files("domain").joinpath("data")
    found = [
        _checklist(tomllib.loads(entry.read_text("utf-8")))
        for entry in folder.iterdir()
        if entry.name.startswith("screening_") and entry.name.endswith(".toml")
    ]
    return tuple(sorted(found, key=lambda c: (c.issued, c.version)))


def checklist_version(version: str) -> Checklist | None:
    return next((c for c in checklists() if c.version == version), None)


def checklist_for(vaccine: str) -> Checklist | None:
    """The latest checklist covering the vaccine's programme; None for a vaccine it does not
    cover (the one-letter screening stays)."""
    known = vaccine_table().by_code(vaccine)
    if known is None:
        return None
    covering = [c for c in checklists() if known.programme in c.programmes]
    return covering[-1] if covering else None


def _checklist(data: dict[str, Any]) -> Checklist:
    issued = data["issued"]
    return Checklist(
        version=str(data["version"]),
        issued=issued if isinstance(issued, date) else date.fromisoformat(str(issued)),
        source=str(data["source"]),
        programmes=frozenset(data["programmes"]),
        title_vi=str(data["title_vi"]),
        title_en=str(data["title_en"]),
        items=tuple(
            Item(str(i["id"]), Outcome(i["outcome"]), i["vi"], i["en"]) for i in data["item"]
        ),
        vitals=tuple(_vital(v) for v in data.get("vital", ())),
        vaccine_rules=tuple(_rule(r) for r in data.get("vaccine_rule", ())),
    )


def _vital(v: dict[str, Any]) -> Vital:
    return Vital(id=v["id"], item=str(v["item"]), low=v.get("low"), high=v.get("high"),
                 min=v["min"], max=v["max"], unit=v["unit"], vi=v["vi"], en=v["en"],
                 unit_en=v.get("unit_en", ""))  # fmt: skip


def _rule(r: dict[str, Any]) -> VaccineRule:
    return VaccineRule(frozenset(r["vaccines"]), tuple(str(i) for i in r["items"]),
                       Outcome(r["outcome"]), r["vi"], r["en"])  # fmt: skip


def plain_number(value: float) -> int | float:
    """36.0 -> 36, 36.5 -> 36.5: readings as a person writes them."""
    return int(value) if float(value).is_integer() else float(value)
