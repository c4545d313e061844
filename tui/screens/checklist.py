"""The screening checklist (phiếu khám sàng lọc), keyboard only: each item answered with one
key (1 / C / Y yes, 0 / K / N no: the same keys in Vietnamese and English), A answers every
item left "no", the vital signs are optional numbers, O lets a doctor change the outcome with a
reason, Enter confirms. It shows and routes keys; the outcome is `domain.screening.derive`'s,
and what is kept is the desk core's (`Entry.take_checklist`, through `submit`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from desk.checklist import Screened
from desk.entry import Entry
from desk.results import Patch, Refused
from domain.errors import DeskError, FieldError
from domain.fields import Screening, parse_screening
from domain.messages import describe
from domain.roles import Action, NotAllowed
from domain.screening import (
    Answer,
    Checklist,
    Derived,
    Outcome,
    all_no,
    derive,
    effective,
    unanswered,
)
from i18n import N_, _, format_number, ngettext
from tui.texts import sentence
from tui.widgets.form import Form, FormField


@dataclass(frozen=True)
class ChecklistDone:
    """What the checklist screen hands the core: the answers, the readings, and the outcome a
    doctor changed it to (None: the checklist's own) with the reason."""

    items: dict[str, Answer]
    vitals: dict[str, float] = field(default_factory=dict)
    screening: Screening | None = None
    reason: str = ""


def items_text(ids: tuple[str, ...] | list[str]) -> str:
    return ngettext("item {items}", "items {items}", len(ids)).format(items=", ".join(ids))


def describe_derived(derived: Derived) -> str:
    """`postponed (item 2)`, `eligible, with caution (items 7, 8)`, `eligible`."""
    ids = derived.cautions if derived.outcome is Outcome.CAUTION else derived.because
    if not ids:
        return derived.outcome.label
    text = _("{outcome} ({items})").format(outcome=derived.outcome.label, items=items_text(ids))
    if derived.rule is not None:
        text = _("{outcome}: {rule}").format(outcome=text, rule=derived.rule.text)
    return text


def describe_screened(screened: Screened) -> str:
    """The screening field's hint once a checklist is answered."""
    if screened.overridden:
        return _("{outcome}, changed by the doctor (checklist: {derived})").format(
            outcome=screened.screening.label, derived=describe_derived(screened.derived)
        )
    return _("✓ checklist: {outcome}").format(outcome=describe_derived(screened.derived))


def screening_hint() -> str:
    """The line under the entry form's Screening before a checklist is answered."""
    return _("F5 checklist")


class EntryView(Protocol):
    """What the checklist needs of the entry screen."""

    entry: Entry

    @property
    def app(self) -> Any: ...

    @property
    def values(self) -> dict[str, str]: ...

    def apply(self, patch: Patch) -> None: ...

    def say(self, text: str, *, error: bool = False) -> None: ...


def open_checklist(screen: EntryView, refresh: Callable[[], None]) -> None:
    """F5 on the entry screen: the checklist for the citizen on the form; its outcome goes in
    Screening, and `refresh` shows it under the field."""
    try:
        modal = checklist_modal(screen.entry, screen.values)
    except DeskError as error:
        screen.say(sentence(describe(error)), error=True)
        return

    def answered(patch: Patch | None) -> None:
        if patch is not None:
            screen.apply(patch)
            refresh()
            screen.say(screened_message(screen.entry))

    screen.app.push_screen(modal, answered)


def screened_hint(entry: Entry) -> str:
    """The entry form's screening hint: the checklist's key, or the outcome it gave."""
    return describe_screened(entry.screened) if entry.screened else screening_hint()


def screened_message(entry: Entry) -> str:
    screened = entry.screened
    if screened is None:
        return ""
    return _("Screening: {outcome}").format(outcome=describe_screened(screened))


def checklist_modal(entry: Entry, values: dict[str, str]) -> ChecklistModal:
    """The checklist for the citizen on the entry form (DeskError when the dose's vaccine has
    none); what it answers goes to the core, which keeps it or says why not."""
    checklist = entry.open_checklist(values)
    desk = entry.desk
    refused = NotAllowed(desk.role, Action.OVERRIDE_SCREENING)

    def submit(done: ChecklistDone) -> Patch | Refused:
        return entry.take_checklist(values, done.items, done.vitals, done.screening, done.reason)

    allowed = desk.may(Action.OVERRIDE_SCREENING)
    return ChecklistModal(checklist, entry.dose_vaccine(values), submit,
                          change_refused="" if allowed else describe(refused),
                          initial=entry.screened)  # fmt: skip


class ChecklistItems(VerticalScroll, can_focus=True):
    """The items, one line each; ↑↓ move the cursor (not the scroll)."""

    BINDINGS = [
        Binding("up", "screen.move(-1)", show=False),
        Binding("down", "screen.move(1)", show=False),
        Binding("home", "screen.move(-99)", show=False),
        Binding("end", "screen.move(99)", show=False),
    ]


class ChecklistModal(ModalScreen[Patch | None]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Back")),
        Binding("1,y,c", "answer('y')", N_("Yes"), show=False),
        Binding("0,n,k", "answer('n')", N_("No"), show=False),
        Binding("a", "all_no", N_("All no"), show=False),
        Binding("o", "change", N_("Change the outcome"), show=False),
        Binding("enter", "confirm", N_("Confirm"), show=False),
    ]

    DEFAULT_CSS = """
    ChecklistModal { align: center middle; }
    ChecklistModal > Vertical {
        width: 110; max-width: 100%; height: 100%; max-height: 24; padding: 0 1;
        border: thick $accent; background: $surface;
    }
    ChecklistModal #checklist-title { text-style: bold; }
    ChecklistModal ChecklistItems { height: 1fr; min-height: 4; }
    ChecklistModal ChecklistItems:focus { background: $boost; }
    ChecklistModal .item { height: auto; }
    ChecklistModal .item > .number { width: 5; }
    ChecklistModal .item > .text { width: 1fr; }
    ChecklistModal .item > .answer { width: 14; text-align: right; }
    ChecklistModal .item.-current { background: $accent 30%; text-style: bold; }
    ChecklistModal .item.-yes > .answer { color: $warning; text-style: bold; }
    ChecklistModal #checklist-vitals Grid { grid-size: 3; grid-rows: auto; height: auto; }
    ChecklistModal #checklist-vitals FormField .hint { width: auto; }
    ChecklistModal #checklist-change { display: none; height: auto; }
    ChecklistModal.-changing #checklist-change { display: block; }
    ChecklistModal #checklist-outcome { text-style: bold; }
    ChecklistModal #checklist-message.-error { color: $error; text-style: bold; }
    ChecklistModal #checklist-keys { color: $text-muted; }
    """

    def __init__(
        self,
        checklist: Checklist,
        vaccine: str,
        submit: Callable[[ChecklistDone], Patch | Refused],
        *,
        change_refused: str = "",
        initial: Screened | None = None,
    ) -> None:
        """`change_refused`: why this login may not change the outcome ("" when it may)."""
        super().__init__()
        self.checklist = checklist
        self.vaccine = vaccine
        self.submit = submit
        self.change_refused = change_refused
        self.answers: dict[str, Answer] = dict(initial.answers.items) if initial else {}
        self.readings: dict[str, float] = dict(initial.answers.vitals) if initial else {}
        self.cursor = 0
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                _("{title} · version {version}").format(
                    title=self.checklist.title, version=self.checklist.version
                ),
                id="checklist-title",
            )
            with ChecklistItems(id="checklist-items"):
                for index, item in enumerate(self.checklist.items):
                    with Horizontal(classes="item", id=f"item-{index}"):
                        yield Static(f"{item.id:>3}.", classes="number")
                        yield Static(item.text, classes="text")
                        yield Static("", classes="answer")
            with Form(id="checklist-vitals"), Grid():
                for vital in self.checklist.vitals:
                    yield FormField(f"vital-{vital.id}", vital.name, hint=vital.unit_shown,
                                    max_length=6)  # fmt: skip
            with Form(id="checklist-change"):
                yield FormField("change-outcome", _("Outcome"), placeholder="D H C B",
                                max_length=1)  # fmt: skip
                yield FormField("change-reason", _("Reason"), max_length=200)
            yield Static(id="checklist-outcome")
            yield Static(id="checklist-message")
            yield Static(self.keys_text(), id="checklist-keys")

    def keys_text(self) -> str:
        return _(
            "↑↓ item · 1 C Y yes · 0 K N no · A all the rest no · Tab vital signs · "
            "O change the outcome (doctor) · Enter confirm · Esc back"
        )

    def on_mount(self) -> None:
        for vital in self.checklist.vitals:
            if vital.id in self.readings:
                self.vital_field(vital.id).value = format_number(self.readings[vital.id])
        if self.initial is not None and self.initial.overridden:
            self.set_class(True, "-changing")
            self.query_one("#field-change-outcome", FormField).value = self.initial.screening
            self.query_one("#field-change-reason", FormField).value = self.initial.answers.override
        self.query_one(ChecklistItems).focus()
        self.show()

    def vital_field(self, vital_id: str) -> FormField:
        return self.query_one(f"#field-vital-{vital_id}", FormField)

    # -- what is shown ---------------------------------------------------------------------

    def show(self) -> None:
        shown = effective(self.checklist, self.answers, self.readings)
        for index, item in enumerate(self.checklist.items):
            row = self.query_one(f"#item-{index}", Horizontal)
            answer = shown.get(item.id)
            by_vitals = answer is Answer.YES and self.answers.get(item.id) is not Answer.YES
            text = {Answer.YES: _("Yes"), Answer.NO: _("No"), None: "—"}[answer]
            if by_vitals:
                text = _("Yes (vital signs)")
            row.query_one(".answer", Static).update(text)
            row.set_class(index == self.cursor, "-current")
            row.set_class(answer is Answer.YES, "-yes")
        self.query_one(f"#item-{self.cursor}").scroll_visible(animate=False)
        left = unanswered(self.checklist, self.answers, self.readings)
        if left:
            outcome = ngettext(
                "{count} item left to answer", "{count} items left to answer", len(left)
            ).format(count=len(left))
        else:
            derived = derive(self.checklist, self.answers, self.readings, self.vaccine)
            outcome = _("Outcome: {outcome}").format(outcome=describe_derived(derived))
        self.query_one("#checklist-outcome", Static).update(outcome)

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#checklist-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    # -- keys ------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.cursor = max(0, min(len(self.checklist.items) - 1, self.cursor + step))
        self.show()

    def action_answer(self, answer: str) -> None:
        self.answers[self.checklist.items[self.cursor].id] = Answer(answer)
        self.say("")
        if self.cursor < len(self.checklist.items) - 1:
            self.cursor += 1
        self.show()

    def action_all_no(self) -> None:
        self.answers = all_no(self.checklist, self.answers)
        self.cursor = len(self.checklist.items) - 1
        self.say("")
        self.show()

    def action_change(self) -> None:
        if self.change_refused:
            self.say(self.change_refused[:1].upper() + self.change_refused[1:], error=True)
            return
        self.set_class(True, "-changing")
        self.query_one("#field-change-outcome", FormField).input.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        readings = self.read_vitals()
        if readings is None:
            return
        self.readings = readings
        self.show()
        if left := unanswered(self.checklist, self.answers, readings):
            self.cursor = self.checklist.ids.index(left[0])
            self.show()
            self.query_one(ChecklistItems).focus()
            error = FieldError("screening", "screening.unanswered", text=left[0])
            self.say(sentence(describe(error)), error=True)
            return
        done = self.read_change(readings)
        if done is None:
            return
        result = self.submit(done)
        if isinstance(result, Refused):
            problems = [describe(e) for e in result.errors.values()]
            problems += [describe(result.problem)] if result.problem is not None else []
            self.say(sentence("; ".join(problems)), error=True)
            return
        self.dismiss(result)

    def read_vitals(self) -> dict[str, float] | None:
        readings: dict[str, float] = {}
        for vital in self.checklist.vitals:
            entry = self.vital_field(vital.id)
            try:
                value = vital.parse(entry.value)
            except FieldError as error:
                entry.error = describe(error)
                entry.input.focus()
                return None
            entry.error = ""
            if value is not None:
                readings[vital.id] = value
        return readings

    def read_change(self, readings: dict[str, float]) -> ChecklistDone | None:
        if not self.has_class("-changing"):
            return ChecklistDone(dict(self.answers), readings)
        letter = self.query_one("#field-change-outcome", FormField)
        reason = self.query_one("#field-change-reason", FormField)
        if not letter.value.strip():
            return ChecklistDone(dict(self.answers), readings)
        try:
            screening = parse_screening(letter.value)
        except FieldError:
            letter.error = describe(FieldError("screening", "screening.override_letter"))
            letter.input.focus()
            return None
        letter.error = ""
        return ChecklistDone(dict(self.answers), readings, screening, reason.value)

