"""Opening a session at the desk: its values (site, desk, vaccinator, vaccine, lot, date)
become the defaults of every record; next time they are offered again."""

from __future__ import annotations

from collections.abc import Mapping

from desk.core import Desk
from desk.stock import check_lot
from domain.errors import FieldError, ValidationError
from domain.record import Session, build_session
from domain.tables import vaccine_table


def session_form(desk: Desk) -> dict[str, str]:
    """The session form, pre-filled: the open session's values, else the last session's;
    site and desk from the settings win."""
    previous = desk.session or desk.store.last_session()
    values = {
        "site_id": desk.site_id,
        "desk_id": desk.desk_id,
        "session_date": desk.clock().date().strftime("%d/%m/%Y"),
    }
    if previous is not None:
        values.update(
            site_id=desk.site_id or previous.site_id,
            desk_id=desk.desk_id or previous.desk_id,
            vaccinator=previous.vaccinator,
            vaccine=previous.vaccine,
            lot=previous.lot,
        )
    return values


def check_session_field(desk: Desk, form: Mapping[str, str], name: str) -> FieldError | None:
    """What opening the session would say about this one field (Enter on it)."""
    try:
        _build(desk, form)
    except ValidationError as error:
        return error.errors.get(name)
    return None


def _build(desk: Desk, form: Mapping[str, str]) -> Session:
    user = desk.user
    entered_by = user.name if user is not None else form.get("entered_by", "")
    errors: dict[str, FieldError] = {}
    try:
        session = build_session({**form, "entered_by": entered_by}, today=desk.clock().date())
    except ValidationError as error:
        errors = dict(error.errors)
    vaccine = vaccine_table().by_code(form.get("vaccine", ""))
    if vaccine is not None and vaccine.given_elsewhere_only:
        # A vaccine known only from certificates of doses given elsewhere: never a session's.
        refusal = FieldError("vaccine", "vaccine.given_elsewhere", vaccine=vaccine.code)
        errors.setdefault("vaccine", refusal)
    if not errors:
        try:  # a lot the hub said is expired (issue 16): never a session's
            check_lot(desk, session.vaccine, session.lot)
        except FieldError as error:
            errors["lot"] = error
    if errors:
        raise ValidationError(errors)
    return session


def open_session(desk: Desk, form: Mapping[str, str]) -> Session:
    """Raises ValidationError naming the fields to fix. The one entering records is the
    user logged in."""
    session = _build(desk, form)
    desk.store.open_session(session)
    desk.session = session
    return session
