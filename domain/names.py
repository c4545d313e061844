"""People's names as typed to find a user: the exact name (case and runs of spaces aside), or
the same name without diacritics. The login, the session's team and the hub's staff commands
read a typed name the same way."""

from __future__ import annotations

from collections.abc import Iterable

from domain.text import clean_text, fold


def resolve_name(typed: str, names: Iterable[str]) -> tuple[str, ...]:
    """The users' names a typed name means, sorted: the exact name (case and runs of spaces
    aside) when one is typed; else every name that is the same without diacritics
    ('nguyen thi  LAN' → 'Nguyễn Thị Lan'; and 'Nguyễn Thị Lân' too, if there is one);
    else none."""
    wanted = clean_text(typed)
    if not wanted:
        return ()
    known = list(dict.fromkeys(names))
    exact = [name for name in known if clean_text(name).casefold() == wanted.casefold()]
    if exact:
        return (exact[0],)
    folded = fold(wanted)
    return tuple(sorted(name for name in known if fold(name) == folded))
