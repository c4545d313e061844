"""The messages of the screening checklist (issue 13): code -> English template, merged into
`domain.messages.MESSAGES` (kept here so that catalogue stays one screen long)."""

from __future__ import annotations

from i18n import N_

SCREENING_MESSAGES: dict[str, str] = {
    "screening.answers": N_("the screening checklist's answers are incomplete or unreadable"),
    "screening.checklist_unknown": N_("unknown screening checklist '{text}'"),
    "screening.unanswered": N_("answer every item of the checklist: item {text} is not answered"),
    "screening.not_a_number": N_("'{text}' is not a number"),
    "screening.vital_range": N_("{value} cannot be right: between {minimum} and {maximum}"),
    "screening.override_reason": N_("give the reason for changing the checklist's outcome "
                                    "(at least 3 characters)"),
    "screening.override_letter": N_("type the outcome: D, H, C or B"),
    "screening.differs": N_("the checklist's outcome is {text}: a doctor may change it, with a "
                            "reason, in the checklist"),
    "screening.other_vaccine": N_("the checklist was answered for {vaccine}, another vaccine: "
                                  "answer it again"),
    "screening.no_checklist": N_("no screening checklist for {vaccine}: type the outcome"),
}
