"""An adverse event after a saved dose (phản ứng sau tiêm), entered at any time after it: from
today's list (F3), `a` on the dose. Keys only: Enter moves on when the field is right, Ctrl+S
saves, the error shows under its field. A dose with an event opens it for correction (a new
version); Ctrl+N starts another event instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import Header, Static

from desk import Desk
from desk.aefi import AefiSaved, aefi_form, check_aefi_field, events_of, may_correct, save_aefi
from domain.aefi import OUTCOME_KEYS, SEVERITY_KEYS, AefiEvent, parse_symptoms, symptom_list
from domain.errors import FieldError
from domain.messages import describe
from domain.record import Record
from domain.text import mask
from i18n import N_, _, format_date
from tui.texts import field_messages, fields_to_fix
from tui.widgets.form import Form, FormField
from tui.widgets.keybar import KeyBar

LABELS = {
    "onset_on": N_("Began on"),
    "onset_time": N_("At"),
    "symptoms": N_("Symptoms"),
    "symptoms_other": N_("Other signs"),
    "severity": N_("Severity"),
    "treatment": N_("Treatment"),
    "outcome": N_("Outcome"),
    "referral": N_("Referred to"),
    "vaccinator": N_("On behalf of"),
}


class SymptomSuggester(Suggester):
    """Completes the name being typed after the last comma, in the language in use, without
    diacritics needed: `kho t` → `kho thở`."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        typed = value.rpartition(",")[2].lstrip()
        done = symptom_list().complete(typed) if typed else None
        return value + done[len(typed) :] if done else None


def choices(keys: Mapping[str, object]) -> str:
    """`1 mild · 2 severe`, in the language in use."""
    return " · ".join(f"{key} {getattr(value, 'label', value)}" for key, value in keys.items())


def symptom_names(text: str) -> str:
    """The names of the codes typed so far, in the language in use."""
    table = symptom_list()
    names = []
    for part in text.split(","):
        symptom = table.resolve(part) if part.strip() else None
        if symptom is not None:
            names.append(symptom.name)
    return ", ".join(names)


def event_line(event: AefiEvent) -> str:
    return _("{date} {time} · {severity} · {symptoms} · {outcome} (v{version})").format(
        date=format_date(event.onset_on), time=event.onset_time, severity=event.severity.label,
        symptoms=symptom_names(",".join(event.symptoms)) or event.symptoms_other,
        outcome=event.outcome.label, version=event.version,
    )  # fmt: skip


class AefiScreen(Screen[AefiSaved | None]):
    """Returns what was stored, or None (Esc)."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("ctrl+n", "new_event", N_("Another event")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, desk: Desk, record: Record) -> None:
        super().__init__()
        self.desk = desk
        self.record = record
        self.events = events_of(desk, record)
        latest = self.events[-1] if self.events else None
        # Another's event is not this user's to correct: a new one is offered instead.
        self.original = latest if latest is not None and may_correct(desk, latest) else None

    def compose(self) -> ComposeResult:
        r = self.record
        yield Header()
        with Vertical(id="aefi-box"):
            yield Static(
                _("Adverse event after the dose of {name} {id_number}: dose {dose} {vaccine}, "
                  "{date}").format(name=r.person.full_name, id_number=mask(r.person.id_number),
                                   dose=r.dose_number or "—", vaccine=r.vaccine,
                                   date=format_date(r.given_on)),
                id="aefi-title",
            )  # fmt: skip
            yield Static(id="aefi-events")
            with Form(id="aefi-form"):
                yield FormField("onset_on", LABELS["onset_on"], placeholder=N_("DD/MM/YYYY"))
                yield FormField("onset_time", LABELS["onset_time"], placeholder=N_("HH:MM"))
                yield FormField("symptoms", LABELS["symptoms"], suggester=SymptomSuggester(),
                                placeholder=N_("names, comma between"))  # fmt: skip
                yield FormField("symptoms_other", LABELS["symptoms_other"],
                                placeholder=N_("in words, if not listed"))  # fmt: skip
                yield FormField("severity", LABELS["severity"], hint=choices(SEVERITY_KEYS))
                yield FormField("treatment", LABELS["treatment"],
                                placeholder=N_("what was done"))  # fmt: skip
                yield FormField("outcome", LABELS["outcome"], hint=choices(OUTCOME_KEYS))
                yield FormField("referral", LABELS["referral"], placeholder=N_("hospital"))
                yield FormField("vaccinator", LABELS["vaccinator"],
                                placeholder=N_("vaccinator or doctor"))  # fmt: skip
            yield Static(id="aefi-symptoms")
            yield Static(_("Symptoms: type the start of a name, → completes it; a comma between "
                           "two"), id="aefi-legend")  # fmt: skip
            yield Static(id="aefi-message")
        yield KeyBar()

    @property
    def form(self) -> Form:
        return self.query_one("#aefi-form", Form)

    def on_mount(self) -> None:
        self.show_events()
        self.start(self.original)

    def start(self, original: AefiEvent | None) -> None:
        self.original = original
        self.form.reset(aefi_form(self.desk, self.record, original))
        if original is None:
            message = _("New adverse event")
        else:
            message = _("Correcting the event of {date} {time} (v{version}); Ctrl+N: another "
                        "event").format(date=format_date(original.onset_on),
                                        time=original.onset_time,
                                        version=original.version)  # fmt: skip
        self.say(message)
        self.form.focus_field("symptoms" if original is None else "onset_on")

    def show_events(self) -> None:
        text = "\n".join(event_line(e) for e in self.events)
        self.query_one("#aefi-events", Static).update(
            _("Events after this dose:\n{events}").format(events=text) if text else ""
        )

    def say(self, text: str) -> None:
        self.query_one("#aefi-message", Static).update(text)

    @on(Form.Filled)
    def form_filled(self) -> None:
        self.on_input_changed()

    def on_input_changed(self) -> None:
        if self.is_mounted:
            self.query_one("#aefi-symptoms", Static).update(
                symptom_names(self.form.field("symptoms").value)
            )

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        field = event.field
        if field.field_name == "symptoms":  # the names, as the list writes them
            with suppress(FieldError):  # else the error comes under it, the text as typed
                field.value = symptom_list().names(parse_symptoms(field.value))
        error = check_aefi_field(self.desk, self.record, self.form.values(), field.field_name,
                                 self.original)  # fmt: skip
        field.error = describe(error) if error else ""
        if error:
            return
        if not self.form.focus_next(field.field_name):
            self.action_save()

    def action_save(self) -> None:
        result = save_aefi(self.desk, self.record, self.form.values(), self.original)
        if isinstance(result, AefiSaved):
            self.dismiss(result)
            return
        if result.errors:
            self.form.show_errors(field_messages(result.errors))
            self.say(fields_to_fix(len(result.errors)))
        elif result.problem is not None:
            self.say(_("Not saved: {reason}").format(reason=describe(result.problem)))

    def action_new_event(self) -> None:
        self.start(None)

    def action_back(self) -> None:
        self.dismiss(None)


def open_aefi(screen: Screen, desk: Desk, record: Record, say: Callable[[str], None]) -> None:
    """The adverse-event entry on this dose, over `screen`; `say` tells what was saved."""

    def saved(result: object) -> None:
        event = getattr(result, "event", None)
        if event is not None:
            say(_("Adverse event saved ✓ {name}: {severity} (v{version})").format(
                name=record.person.full_name, severity=event.severity.label,
                version=event.version))  # fmt: skip

    screen.app.push_screen(AefiScreen(desk, record), saved)
