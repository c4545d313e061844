"""What the product says about subject lists and arrival (issue 13): code -> English message,
marked for the catalog; part of `domain.messages.MESSAGES`."""

from __future__ import annotations

from i18n import N_

LIST_MESSAGES: dict[str, str] = {
    "list.sex": N_("0 (male) or 1 (female), or Nam / Nữ"),
    "group.unknown": N_("'{text}' is not a priority group code ({minimum} to {maximum})"),
    "list.same_person": N_("the same person as row {number}, with other data"),
    "list.no_header": N_(
        "no header found: the list needs a column for the full name and one for the date of "
        "birth (or give a mapping file, --mapping)"
    ),
    "list.missing_columns": N_("columns missing: {names}"),
    "list.not_a_list": N_("{name} is not a spreadsheet (.xlsx, .xls, .ods) or a CSV file"),
    "list.unreadable": N_("{name} cannot be read as a spreadsheet ({detail})"),
    "list.encoding": N_("{name} is not UTF-8 text: save the CSV as UTF-8"),
    "list.no_sheet": N_("no sheet called {name}: {names}"),
    "list.mapping": N_("the mapping file is wrong: {detail}"),
    "list.mapping_field": N_("the mapping file names an unknown field {name}: {choices}"),
    "list.mapping_header": N_("no column headed '{text}' in the file"),
    "subject.transition": N_("{what} now: cannot be marked {expected}"),
    "subject.not_found": N_("this person is no longer on the list"),
    "subject.not_on_list": N_("not on the list of {day}: register as a walk-in"),
    "subject.which": N_("{count} people of that name and date of birth: give the ID number"),
}
