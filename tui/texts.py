"""What the desk's screens say: status lines, scans, histories, refusals. Text is made here,
at the edge, from the core's data and the messages catalogue, in the language of the moment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from desk.arrival import Arrival
from desk.entry import Lookup, Saved
from desk.lists import ImportReport
from desk.results import Refused
from domain.errors import FieldError
from domain.identity import IdType
from domain.messages import describe, render
from domain.priority_groups import priority_groups
from domain.record import Session
from domain.roles import Role
from domain.scans import CertificateScan, IdentityScan, IdNumberScan, Rejected, Scan
from domain.tables import vaccine_table
from domain.text import mask
from i18n import N_, _, format_date, format_number, ngettext
from store.db import DeskStats
from sync.worker import SyncState

ROLE_NAMES = {
    Role.VOLUNTEER: N_("volunteer"),
    Role.VACCINATOR: N_("vaccinator"),
    Role.SUPERVISOR: N_("supervisor"),
    Role.TECHNICIAN: N_("technician"),
}


def role_name(role: Role) -> str:
    return _(ROLE_NAMES[role])


def legend() -> str:
    """The codes of the screening and adverse-event fields, and the vaccines, under the form."""
    return _(
        "Screening: D eligible · H postpone · C contraindicated · B refer to hospital\n"
        "AEFI: 1 mild · 2 severe     Vaccines: {codes}"
    ).format(codes=" ".join(vaccine_table().choices()))


def vaccine_label(code: str) -> str:
    """`PF · Pfizer-BioNTech (Comirnaty)`: the code typed, and the name it stands for."""
    vaccine = vaccine_table().by_code(code)
    return f"{vaccine.code} · {vaccine.display_name}" if vaccine else code


def describe_session(session: Session, *, retrospective: bool, version: int | None) -> str:
    """The session bar: the mode (and a correction open), then what fills every record."""
    mode = _("HỒI CỨU (retrospective)") if retrospective else _("LIVE")
    if version is not None:
        mode = _("{mode} · CORRECTING v{version}").format(mode=mode, version=version)
    return _(
        "{mode} · site {site} · desk {desk} · {vaccine} · lot {lot} · {date} · "
        "vaccinator {vaccinator} · entered by {entered_by}"
    ).format(
        mode=mode,
        site=session.site_id,
        desk=session.desk_id,
        vaccine=vaccine_label(session.vaccine),
        lot=session.lot,
        date=format_date(session.session_date),
        vaccinator=session.vaccinator,
        entered_by=session.entered_by,
    )


def sentence(text: str) -> str:
    """A message as a line on screen: its first letter in capitals."""
    return text[:1].upper() + text[1:]


def describe_refusal(refused: Refused, *, certificate: bool) -> str:
    """Why the entry screen did not save (or import) the form."""
    if refused.problem is not None:
        text = _("Not imported: {problem}") if certificate else _("Not saved: {problem}")
        return text.format(problem=describe(refused.problem))
    if certificate:
        problem = "; ".join(field_messages(refused.errors).values())
        return _("Not imported: {problem}").format(problem=problem)
    return fields_to_fix(len(refused.errors))


def field_messages(errors: Mapping[str, FieldError]) -> dict[str, str]:
    return {name: describe(error) for name, error in errors.items()}


def fields_to_fix(count: int, *, opened: bool = False) -> str:
    """ "Not saved: 2 fields to fix" (the entry screen), "Not opened: …" (the session's)."""
    if opened:
        text = ngettext(
            "Not opened: {count} field to fix", "Not opened: {count} fields to fix", count
        )
    else:
        text = ngettext(
            "Not saved: {count} field to fix", "Not saved: {count} fields to fix", count
        )
    return text.format(count=format_number(count))


def describe_sync(configured: bool, state: SyncState, backlog: int) -> str:
    """The sync part of the status line: synced / backlog N / hub unreachable since HH:MM."""
    count = format_number(backlog)
    if not configured:
        return _("backlog {count} (no hub set)").format(count=count) if backlog else _("no hub set")
    if state.setting_error:
        text = render("sync.hub_setting", {"error": state.setting_error})
        return _("{text} · backlog {count}").format(text=text, count=count) if backlog else text
    if state.refused:
        text = render("sync.refused", {"error": state.error})
    elif state.unreachable_since is not None:
        text = _("hub unreachable since {time} · backlog {count}").format(
            time=f"{state.unreachable_since:%H:%M}", count=count
        )
    else:
        text = _("backlog {count}").format(count=count) if backlog else _("synced")
    notes = [text]
    if state.conflicts:
        notes.append(
            ngettext(
                "{count} conflict: see F3", "{count} conflicts: see F3", state.conflicts
            ).format(count=format_number(state.conflicts))
        )
    if state.refused_items:
        notes.append(
            _("{count} refused by the hub: see F3").format(count=format_number(state.refused_items))
        )
    if state.clock_flagged:
        notes.append(_("this desk's clock is off: set the time"))
    return " · ".join(notes)


def describe_status(stats: DeskStats, configured: bool, state: SyncState) -> str:
    return _("Today {today} · last hour {last_hour}/h · {sync}").format(
        today=format_number(stats.today),
        last_hour=format_number(stats.last_hour),
        sync=describe_sync(configured, state, stats.backlog),
    )


ID_TYPE_NAMES = {IdType.CCCD: "CCCD", IdType.CMND: "CMND", IdType.PASSPORT: N_("Passport")}


def describe_scan(scan: Scan) -> str:
    if isinstance(scan, IdentityScan):
        return f"CCCD {mask(scan.identity.id_number)}"
    if isinstance(scan, IdNumberScan):
        kind = ID_TYPE_NAMES.get(scan.id_type, scan.id_type.value.upper())
        return f"{_(kind)} {mask(scan.id_number)}"
    if isinstance(scan, CertificateScan):
        count = len(scan.doses)
        return ngettext(
            "certificate {country}, {count} dose", "certificate {country}, {count} doses", count
        ).format(country=scan.issuer_country, count=format_number(count))
    return _("unrecognised code")


def describe_rejection(scan: Rejected) -> str:
    return render(scan.code, {"detail": scan.detail})


def describe_history(lookup: Lookup) -> str:
    history = lookup.history
    if not lookup.person_key:
        return ""
    if not history:
        return _("No earlier doses recorded for this person.")
    doses = " · ".join(
        f"{r.dose_number}) {r.vaccine} {format_date(r.given_on)} ({r.site_id})" for r in history
    )
    upcoming = lookup.next
    if upcoming is None or upcoming.due is None:
        return _("Earlier doses: {doses}").format(doses=doses)
    return _("Earlier doses: {doses} — next dose {number} from {date}").format(
        doses=doses, number=upcoming.number, date=format_date(upcoming.due)
    )


def describe_certificate(scan: CertificateScan) -> str:
    doses = " · ".join(
        _("dose {number} {vaccine} {date} ({country})").format(
            number=d.dose_number,
            vaccine=d.product if d.vaccine in ("", "OTHER") else d.vaccine,
            date=format_date(d.given_on),
            country=d.country,
        )
        for d in scan.doses
    )
    sentences = [
        _("Certificate {country}: {doses}.").format(country=scan.issuer_country, doses=doses)
    ]
    if scan.dob is None:
        sentences.append(_("No date of birth on it: type it."))
    elif not scan.dob.is_full:
        sentences.append(_("Born {date} (no day on it).").format(date=scan.dob.display()))
    count = len(scan.doses)
    sentences.append(
        ngettext(
            "Give the ID number and sex, then Ctrl+S imports {count} dose given elsewhere; "
            "Esc drops it.",
            "Give the ID number and sex, then Ctrl+S imports {count} doses given elsewhere; "
            "Esc drops it.",
            count,
        ).format(count=format_number(count))
    )
    return " ".join(sentences)


def describe_queue(scans: list[Scan]) -> str:
    if not scans:
        return ""
    waiting = ", ".join(describe_scan(scan) for scan in scans)
    return _("Scans waiting ({count}): {scans}").format(
        count=format_number(len(scans)), scans=waiting
    )


def describe_saved(saved: Saved) -> str:
    stored = saved.record
    if stored.gives_dose:
        what = _("dose {number} {vaccine}").format(
            number=stored.dose_number, vaccine=stored.vaccine
        )
    else:
        what = _("screening {result}").format(result=_(stored.screening.label))
    person = {"name": stored.person.full_name, "id": mask(stored.person.id_number), "what": what}
    if saved.corrected:
        return _("Corrected (v{version}) ✓ {name} · {id} · {what}").format(
            version=stored.version, **person
        )
    return _("Saved ✓ {name} · {id} · {what}").format(**person)


def describe_imported(imported: int, known: int) -> str:
    if known:
        text = ngettext(
            "Imported {count} dose from the certificate; {known} recorded already",
            "Imported {count} doses from the certificate; {known} recorded already",
            imported,
        )
    else:
        text = ngettext(
            "Imported {count} dose from the certificate",
            "Imported {count} doses from the certificate",
            imported,
        )
    return text.format(count=format_number(imported), known=format_number(known))


def describe_arrival(found: Arrival | None) -> str:
    """The line under the form after an ID: on today's list (and the group), or a walk-in,
    and the key to the list; nothing when the day has no list."""
    if found is None:
        return ""
    subject = found.subject
    if subject is None:
        line = _("Not on today's list: enter as a walk-in")
    elif not (code := subject.entry.priority_group):
        line = _("On today's list · {state}").format(state=subject.state.label)
    else:
        line = _("On today's list · group {code}: {group} · {state}").format(
            code=code, group=priority_groups().name_of(code), state=subject.state.label
        )
    return _("{line} · F7: the list").format(line=line)


def describe_import(report: ImportReport, day: date) -> str:
    """A list import's counts, and where the refused rows went: on the desk's screen and on
    the command line alike."""
    counts = ngettext(
        "{count} row read for {day}: {new} new, {updated} updated, {unchanged} unchanged, "
        "{duplicates} duplicates left out, {refused} refused",
        "{count} rows read for {day}: {new} new, {updated} updated, {unchanged} unchanged, "
        "{duplicates} duplicates left out, {refused} refused",
        report.rows,
    ).format(count=format_number(report.rows), day=format_date(day),
             new=format_number(report.new), updated=format_number(report.updated),
             unchanged=format_number(report.unchanged),
             duplicates=format_number(report.duplicates),
             refused=format_number(len(report.refused)))  # fmt: skip
    lines = [counts]
    if report.reject_path is not None:
        count = len(report.refused)
        lines.append(ngettext("{count} refused row, with its reason, in {path}",
                              "{count} refused rows, with their reasons, in {path}", count)
                     .format(count=format_number(count), path=report.reject_path))  # fmt: skip
    return "\n".join(lines)
