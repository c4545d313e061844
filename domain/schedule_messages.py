"""What the product says about the immunization schedule (issue 17): code -> English message,
marked for the catalog; part of `domain.messages.MESSAGES`. {antigen} and {vaccine} are
names in the language in use when the check was made; dates are written as the language
writes them."""

from __future__ import annotations

from i18n import N_

SCHEDULE_MESSAGES: dict[str, str] = {
    "schedule.unknown_vaccine": N_("unknown vaccine '{text}'"),
    "schedule.history_only": N_("{vaccine} is for doses given elsewhere, not given here"),
    "schedule.product_too_young": N_("{vaccine} is given from {earliest}: too young today"),
    "schedule.product_too_old": N_("{vaccine} is given until {latest}: too old today"),
    "schedule.too_young": N_("{antigen} dose {number}: too young, not before {earliest}"),
    "schedule.too_soon": N_(
        "{antigen} dose {number}: too soon after the dose of {previous}, not before {earliest}"
    ),
    "schedule.too_old": N_("{antigen} dose {number}: not given at this age"),
    "schedule.complete": N_("{antigen}: already complete"),
    "schedule.other_vaccine": N_("{antigen} dose {number} is given with {vaccines}"),
    "schedule.not_for": N_("{antigen}: not in this person's schedule"),
}
