"""The words of the citizen's slip and of printing it (issue 14, item 5): code -> English
template, rendered by `slip_message` in the language of the moment. Kept out of
`domain.messages.MESSAGES` (that catalogue is at its size limit); no code here is raised
(codes `print.*`: `slip.*` are the scanned slip's, in `domain.slip_messages`)."""

from __future__ import annotations

from typing import Any

from i18n import N_, _

PRINT_MESSAGES: dict[str, str] = {
    "print.voided": N_("this record was voided: it has no slip"),
    "print.no_dose": N_("no dose was given in this record: it has no slip"),
    "print.no_record": N_("no record saved at this desk yet: no slip to print"),
    "print.not_found": N_("no record {record_id}"),
    "print.printed": N_("Slip printed"),
    "print.written": N_("Slip written to {path}"),
    "print.no_printer": N_("No printer set up: slip not printed"),
    "print.failed": N_("Slip not printed: {reason}"),
    "print.lp_missing": N_("the lp command (CUPS) is not installed"),
    "print.lp_failed": N_("the system printer refused it ({detail})"),
    "print.timeout": N_("the printer did not answer within {seconds} s"),
    "print.device": N_("the receipt printer cannot be used ({detail})"),
    "print.target": N_("the receipt printer's address '{target}' is not usable"),
}


def slip_message(code: str, **params: Any) -> str:
    """The words for a slip's or a print's code, in the language in use."""
    text = _(PRINT_MESSAGES[code])
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
