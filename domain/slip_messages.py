"""The messages of a slip's code scanned at a desk (issue 14): code -> English template, merged
into `domain.messages.MESSAGES` (kept here so that catalogue stays one screen long)."""

from __future__ import annotations

from i18n import N_

SLIP_MESSAGES: dict[str, str] = {
    "slip.form_in_use": N_(
        "a slip opens its record on an empty form: save or clear (Esc) this one, then scan it again"
    ),
    "slip.form_changed": N_(
        "the slip's record came while the form was in use: clear it (Esc), then scan it again"
    ),
    "slip.voided": N_(
        "the record of {name} on this slip was voided ({reason}): nothing to correct"
    ),
    "slip.unknown": N_("no record of this site has this slip's code"),
    "slip.unreachable": N_("this record is not on this desk and the hub cannot be reached"),
    "slip.no_hub": N_("this record is not on this desk, and this desk has no hub to ask"),
    "slip.bad_answer": N_("the hub's answer is not a record this desk can open"),
    "hub.record_elsewhere": N_("record {record_id} was not made at site {site}"),
}
