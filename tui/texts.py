"""What the desk's screens say: status lines, scans, histories, refusals. Text is made here,
at the edge, from the core's data and the messages catalogue."""

from __future__ import annotations

from collections.abc import Mapping

from desk.entry import Lookup, Saved
from domain.errors import FieldError
from domain.messages import describe, render
from domain.scans import CertificateScan, IdentityScan, IdNumberScan, Rejected, Scan
from domain.tables import vaccine_table
from domain.text import mask
from store.db import DeskStats
from sync.worker import SyncState

LEGEND = (
    "Screening: D đủ điều kiện · H tạm hoãn · C chống chỉ định · B chuyển bệnh viện\n"
    "AEFI: 1 thông thường · 2 nặng     Vaccines: " + " ".join(vaccine_table().choices())
)


def field_messages(errors: Mapping[str, FieldError]) -> dict[str, str]:
    return {name: describe(error) for name, error in errors.items()}


def describe_sync(configured: bool, state: SyncState, backlog: int) -> str:
    """The sync part of the status line: synced / backlog N / hub unreachable since HH:MM."""
    if not configured:
        return f"backlog {backlog} (no hub set)" if backlog else "no hub set"
    if state.setting_error:
        text = render("sync.hub_setting", {"error": state.setting_error})
        return f"{text} · backlog {backlog}" if backlog else text
    if state.refused:
        text = render("sync.refused", {"error": state.error})
    elif state.unreachable_since is not None:
        text = f"hub unreachable since {state.unreachable_since:%H:%M} · backlog {backlog}"
    else:
        text = f"backlog {backlog}" if backlog else "synced"
    if state.conflicts:
        text += f" · {state.conflicts} conflict(s): see F3"
    if state.refused_items:
        text += f" · {state.refused_items} refused by the hub: see F3"
    if state.clock_flagged:
        text += " · this desk's clock is off: set the time"
    return text


def describe_status(stats: DeskStats, configured: bool, state: SyncState) -> str:
    return f"Today {stats.today} · last hour {stats.last_hour}/h · " + describe_sync(
        configured, state, stats.backlog
    )


def describe_scan(scan: Scan) -> str:
    if isinstance(scan, IdentityScan):
        return f"CCCD {mask(scan.identity.id_number)}"
    if isinstance(scan, IdNumberScan):
        return f"{scan.id_type.value.upper()} {mask(scan.id_number)}"
    if isinstance(scan, CertificateScan):
        return f"certificate {scan.issuer_country}, {len(scan.doses)} dose(s)"
    return "unrecognised code"


def describe_rejection(scan: Rejected) -> str:
    return render(scan.code, {"detail": scan.detail})


def describe_history(lookup: Lookup) -> str:
    history = lookup.history
    if not lookup.person_key:
        return ""
    if not history:
        return "No earlier doses recorded for this person."
    doses = " · ".join(
        f"{r.dose_number}) {r.vaccine} {r.given_on.strftime('%d/%m/%Y')} ({r.site_id})"
        for r in history
    )
    upcoming = lookup.next
    if upcoming is None or upcoming.due is None:
        return f"Earlier doses: {doses}"
    return f"Earlier doses: {doses} — next dose {upcoming.number} from {upcoming.due:%d/%m/%Y}"


def describe_certificate(scan: CertificateScan) -> str:
    doses = " · ".join(
        f"dose {d.dose_number} {d.product if d.vaccine in ('', 'OTHER') else d.vaccine} "
        f"{d.given_on:%d/%m/%Y} ({d.country})"
        for d in scan.doses
    )
    born = ""
    if scan.dob is None:
        born = " No date of birth on it: type it."
    elif not scan.dob.is_full:
        born = f" Born {scan.dob.display()} (no day on it)."
    return (
        f"Certificate {scan.issuer_country}: {doses}.{born} Give the ID number and sex, "
        f"then Ctrl+S imports {len(scan.doses)} dose(s) given elsewhere; Esc drops it."
    )


def describe_queue(scans: list[Scan]) -> str:
    waiting = ", ".join(describe_scan(scan) for scan in scans)
    return f"Scans waiting ({len(scans)}): {waiting}" if scans else ""


def describe_saved(saved: Saved) -> str:
    stored = saved.record
    what = (
        f"dose {stored.dose_number} {stored.vaccine}"
        if stored.gives_dose
        else f"screening {stored.screening.label}"
    )
    verb = f"Corrected (v{stored.version})" if saved.corrected else "Saved"
    return f"{verb} ✓ {stored.person.full_name} · {mask(stored.person.id_number)} · {what}"
