"""Inline completion: places typed without diacritics, lots used before, vaccines by code
with their names beside."""

from __future__ import annotations

from collections.abc import Callable

from textual.suggester import Suggester

from domain.places import Place, provinces, suggest, wards
from domain.tables import vaccine_table
from store import Store


class PlaceSuggester(Suggester):
    """Completes a province, or a ward of the province another field names."""

    def __init__(self, places: Callable[[], tuple[Place, ...]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._places = places

    async def get_suggestion(self, value: str) -> str | None:
        return suggest(self._places(), value)


def province_suggester() -> PlaceSuggester:
    return PlaceSuggester(provinces)


def ward_suggester(province_code: Callable[[], str]) -> PlaceSuggester:
    return PlaceSuggester(lambda: wards(province_code()))


class LiveListSuggester(Suggester):
    """Completes from a list computed when asked (e.g. lots used before with a vaccine)."""

    def __init__(self, items: Callable[[], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._items = items

    async def get_suggestion(self, value: str) -> str | None:
        key = value.casefold()
        if not key:
            return None
        for item in self._items():
            if item.casefold().startswith(key):
                return value + item[len(value) :]
        return None


def lot_suggester(store: Store, vaccine_text: Callable[[], str]) -> LiveListSuggester:
    """Lots used before with the vaccine another field names."""

    def lots() -> list[str]:
        vaccine = vaccine_table().resolve(vaccine_text())
        return store.lots(vaccine.code) if vaccine else []

    return LiveListSuggester(lots)


class VaccineSuggester(Suggester):
    """Completes a vaccine code and shows its name beside it: `p` → `PF · Pfizer-BioNTech
    (Comirnaty)`. Accepted, the field keeps the code alone (see `vaccine_code`)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the name follows the language

    async def get_suggestion(self, value: str) -> str | None:
        key = value.strip().casefold()
        if not key or SEPARATOR in value:
            return None
        table = vaccine_table()
        for code in table.choices():
            if code.casefold().startswith(key):
                vaccine = table.by_code(code)
                name = vaccine.display_name if vaccine else ""
                return value + code[len(value) :] + SEPARATOR + name
        return None


SEPARATOR = " · "


def vaccine_code(text: str) -> str:
    """`PF · Pfizer-BioNTech (Comirnaty)` (a suggestion accepted) → `PF`; anything else as is."""
    code, separator, _name = text.partition(SEPARATOR)
    if separator and vaccine_table().by_code(code) is not None:
        return code.strip().upper()
    return text
