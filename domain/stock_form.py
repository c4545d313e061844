"""A desk's stock movement as a volunteer types it (issue 16): the lot (the session's by
default), vials opened, doses wasted, a reason; each field parsed here, the whole checked by
`domain.stock.check_usage`, so a refusal names its field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeVar

from domain.errors import FieldError, ValidationError
from domain.fields import parse_lot
from domain.stock import MAX_TEXT, MAX_VIALS, MAX_WASTED, Usage, check_usage
from domain.text import clean_text

USAGE_FORM = ("lot", "vials_opened", "doses_wasted", "reason")
T = TypeVar("T")


def parse_count(text: str, field: str, high: int) -> int:
    """A count typed: blank is 0; digits only, at most `high`."""
    raw = text.strip()
    if not raw:
        return 0
    if not (raw.isascii() and raw.isdigit()):
        raise FieldError(field, "stock.not_a_number", text=raw[:20])
    value = int(raw)
    if value > high:
        raise FieldError(field, "stock.count", low=0, high=high)
    return value


def build_usage(form: Mapping[str, str], *, usage_id: str, site_id: str, desk_id: str,
                session_id: str, vaccine: str, day: date, entered_by: str) -> Usage:  # fmt: skip
    """The movement a form stands for; ValidationError naming each field at fault."""
    errors: dict[str, FieldError] = {}

    def take(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(form.get(name, ""))
        except FieldError as error:
            errors[name] = error.at(name)
            return None

    lot = take("lot", parse_lot)
    opened = take("vials_opened", lambda t: parse_count(t, "vials_opened", MAX_VIALS))
    wasted = take("doses_wasted", lambda t: parse_count(t, "doses_wasted", MAX_WASTED))
    reason = clean_text(form.get("reason", ""))[:MAX_TEXT]
    if errors:
        raise ValidationError(errors)
    assert lot is not None and opened is not None and wasted is not None
    usage = Usage(usage_id, site_id, desk_id, vaccine, lot, opened, wasted, day,
                  session_id=session_id, reason=reason, entered_by=entered_by)
    try:
        check_usage(usage)
    except FieldError as error:
        raise ValidationError({error.field: error}) from None
    return usage
