"""Priority groups (nhóm đối tượng ưu tiên): a versioned data table, shown by name."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from domain.errors import FieldError
from domain.text import clean_text
from i18n import language


@dataclass(frozen=True)
class PriorityGroup:
    code: str
    name_vi: str
    name_en: str

    @property
    def name(self) -> str:
        """The group's name in the language in use."""
        return self.name_vi if language() == "vi" else self.name_en


@dataclass(frozen=True)
class PriorityGroups:
    version: str
    groups: tuple[PriorityGroup, ...]

    def by_code(self, code: str) -> PriorityGroup | None:
        return next((g for g in self.groups if g.code == code), None)

    def codes(self) -> list[str]:
        return [g.code for g in self.groups]

    def name_of(self, code: str) -> str:
        """The name of a stored code; a code of another table's version is shown as itself."""
        group = self.by_code(code)
        return group.name if group else code


@cache
def priority_groups() -> PriorityGroups:
    text = files("domain").joinpath("data", "priority_groups.toml").read_text("utf-8")
    data = tomllib.loads(text)
    groups = tuple(
        PriorityGroup(str(g["code"]), str(g["name_vi"]), str(g["name_en"])) for g in data["group"]
    )
    return PriorityGroups(version=str(data["version"]), groups=groups)


def parse_priority_group(text: str) -> str:
    """A group code as a list gives it ('1', '01', 1.0 read as '1'); blank stays blank (the
    template's rule: leave a cell blank when the value is unknown); an unknown code refuses."""
    value = clean_text(text)
    if not value:
        return ""
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    if value.isdigit():
        value = str(int(value))
    table = priority_groups()
    if table.by_code(value) is None:
        raise FieldError(
            "priority_group", "group.unknown", text=value[:20], minimum=table.codes()[0],
            maximum=table.codes()[-1],
        )  # fmt: skip
    return value
