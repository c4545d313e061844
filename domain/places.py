"""Administrative units after the July 2025 reorganisation (34 provinces, then wards/communes),
from the `vietnam-provinces` package, matched the way people type them: without diacritics,
with or without 'Tỉnh', 'Thành phố', 'Phường', 'Xã'."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from domain.errors import FieldError
from domain.text import clean_text, fold
from i18n import N_

_PREFIXES = ("thanh pho ", "tinh ", "phuong ", "xa ", "dac khu ", "tp ", "tp. ")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    keys: tuple[str, ...]  # folded names it answers to


def _keys(name: str) -> tuple[str, ...]:
    full = fold(name)
    short = full
    for prefix in _PREFIXES:
        if full.startswith(prefix):
            short = full[len(prefix) :]
            break
    return (full, short) if short != full else (full,)


@cache
def provinces() -> tuple[Place, ...]:
    from vietnam_provinces import Province

    return tuple(Place(str(int(p.code)), p.name, _keys(p.name)) for p in Province.iter_all())


@cache
def wards(province_code: str) -> tuple[Place, ...]:
    from vietnam_provinces import Ward

    if not province_code.isdigit():
        return ()
    return tuple(
        Place(str(int(w.code)), w.name, _keys(w.name))
        for w in Ward.iter_all()
        if int(w.province_code) == int(province_code)
    )


def _match(places: tuple[Place, ...], text: str) -> list[Place]:
    key = fold(text)
    if not key:
        return []
    by_code = [p for p in places if p.code == key.lstrip("0")]
    if by_code:
        return by_code
    exact = [p for p in places if key in p.keys]
    if exact:
        return exact
    return [p for p in places if any(k.startswith(key) for k in p.keys)]


def resolve(places: tuple[Place, ...], text: str, field: str, what: str) -> str:
    """The code of the one place the text names; '' for empty text (address is optional)."""
    if not clean_text(text):
        return ""
    hits = _match(places, text)
    if len(hits) == 1:
        return hits[0].code
    if not hits:
        raise FieldError(field, "place.unknown", what=what, text=clean_text(text))
    names = ", ".join(p.name for p in hits[:4])
    raise FieldError(field, "place.ambiguous", names=names + (" …" if len(hits) > 4 else ""))


def resolve_province(text: str) -> str:
    return resolve(provinces(), text, "province", N_("province"))


def resolve_ward(province_code: str, text: str) -> str:
    if clean_text(text) and not province_code:
        raise FieldError("ward", "place.province_first")
    return resolve(wards(province_code), text, "ward", N_("ward or commune"))


def province_name(code: str) -> str:
    return next((p.name for p in provinces() if p.code == code), code)


def ward_name(province_code: str, code: str) -> str:
    return next((p.name for p in wards(province_code) if p.code == code), code)


def suggest(places: tuple[Place, ...], typed: str) -> str | None:
    """A completion that starts with what was typed, for an inline suggestion."""
    key = fold(typed)
    if not key:
        return None
    for place in places:
        for k in place.keys:
            if k.startswith(key):
                return typed + place.name[len(place.name) - (len(k) - len(key)) :]
    return None
