"""The messages of adverse events after immunization (issue 13): code -> English template,
merged into `domain.messages.MESSAGES` (kept here so that catalogue stays one screen long)."""

from __future__ import annotations

from i18n import N_

AEFI_MESSAGES: dict[str, str] = {
    "aefi.time": N_("'{text}' is not a time of day: type e.g. 9:30 or 0930"),
    "aefi.symptom": N_("'{text}' is not one symptom of the list: type more of its name"),
    "aefi.symptom_twice": N_("a symptom is listed twice"),
    "aefi.symptom_list": N_("symptom list {version} is not the one this hub knows"),
    "aefi.no_symptom": N_("give at least one symptom, from the list or in words"),
    "aefi.severity": N_("1 mild · 2 severe"),
    "aefi.outcome": N_(
        "1 recovered · 2 under treatment · 3 referred · 4 sequelae · 5 death · 6 not known"
    ),
    "aefi.before_dose": N_("the reaction began before the dose, given on {given_on}"),
    "aefi.severe_by_outcome": N_("sequelae or death make the event severe: type 2"),
    "aefi.referral": N_("referred: name the hospital"),
    "aefi.not_a_dose": N_("an adverse event follows a dose: this record gives none"),
    "aefi.voided": N_("this record was voided: no adverse event can be added to it"),
    "aefi.other_record": N_("this event belongs to another record"),
    "aefi.changed": N_("the event changed meanwhile (now version {version}); reopen it"),
    "aefi.no_event": N_("no such adverse event: reopen the dose (F3)"),
    "aefi.vaccinator": N_("name the vaccinator or doctor this is entered for"),
}
