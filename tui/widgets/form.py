"""A labelled form of one-line inputs, each with its error under it, as wide as the field.

Labels, placeholders and hints are translated when the field is made (`_()`: a text already
translated stays as it is). The labels of a column are as wide as its longest one, so a
longer language moves the inputs right rather than cutting a label; an input is 24 cells at
most and narrower when the column is, so it never leaves the screen."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from time import monotonic
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from i18n import _
from scanner.wedge import WedgeDetector, never_a_code
from tui.widgets.text import show_text

LABEL_WIDTH = 13  # the narrowest label column, its one cell of padding included


class ScanInput(Input):
    """An Input that knows a USB barcode scanner's burst from typing (see WedgeDetector).
    What reads as a code here is its Form's `is_code`; without one nothing is a scan."""

    class Scanned(Message):
        """A keyboard-wedge scanner typed this payload into the field."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Judged(Message):
        """Whoever handles this Enter (its Submitted or Scanned) has done so: the keys typed
        after it may go on (tui/keygate.py). Posted behind that message, on its way up."""

    # Input sets its virtual size (its text's width) on every value change; Widget's reactive
    # then lays out the whole screen, once a key. A one-line input of fixed width scrolls its
    # text within itself: a repaint is enough.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._completer: Suggester | None = None
        super().__init__(*args, **kwargs)
        self._wedge = WedgeDetector()
        self._enter_at = 0.0

    # Input asks its suggester (in a worker) on every change of value, and forgets the answer
    # when it gets the focus: for a field filled or cleared without it, the worker is wasted.
    @property
    def suggester(self) -> Suggester | None:
        return self._completer if self.has_focus else None

    @suggester.setter
    def suggester(self, suggester: Suggester | None) -> None:
        self._completer = suggester

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character is not None:
            self._wedge.key(event.character, event.time)
        elif event.key == "enter":
            self._enter_at = event.time  # when it was pressed, not when we got to it
        await super()._on_key(event)

    def _form(self) -> Form | None:
        return next((a for a in self.ancestors if isinstance(a, Form)), None)

    def _is_code(self, text: str) -> bool:
        form = self._form()
        return form.is_code(text) if form is not None else False

    async def action_submit(self) -> None:
        burst = self._wedge.enter(self._enter_at or monotonic(), self._is_code)
        self._enter_at = 0.0
        if burst is not None and self.value.endswith(burst):
            # Not typing: put the field back as it was and hand the payload over.
            self.value = self.value[: -len(burst)]
            self.post_message(self.Scanned(burst))
            self.post_message(self.Judged())
            return
        await super().action_submit()
        if self._form() is None:
            self.post_message(self.Judged())  # no form to judge it


class FormField(Widget):
    """Label, input and hint on one line; an error under the input, as wide as the field."""

    DEFAULT_CSS = """
    FormField { height: auto; layout: vertical; }
    FormField > Horizontal { height: 1; }
    FormField Label {
        width: 13; text-align: right; padding: 0 1 0 0; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    FormField Input { width: 1fr; max-width: 24; background: $boost; }
    FormField Input:focus { background: $accent 25%; }
    FormField Input:disabled { background: transparent; color: $text-muted; }
    FormField .hint {
        width: 1fr; height: 1; padding: 0 0 0 1; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    FormField > .error {
        display: none; width: 1fr; height: auto; padding: 0 0 0 13; color: $error;
        text-style: bold;
    }
    FormField.-invalid > .error { display: block; }
    FormField.-invalid Label { color: $error; text-style: bold; }
    FormField.-invalid Input { background: $error 25%; }
    """

    error: reactive[str] = reactive("")
    _judged = ""  # the value the error was about: a different value clears it

    def __init__(
        self,
        field_name: str,
        label: str,
        *,
        placeholder: str = "",
        hint: str = "",
        suggester: Suggester | None = None,
        max_length: int = 0,
        password: bool = False,
        normalize: Callable[[str], str] | None = None,
    ) -> None:
        """`normalize` rewrites what is typed or accepted (a vaccine's `PF · name` → `PF`)."""
        super().__init__(id=f"field-{field_name}")
        self.field_name = field_name
        self.label = _(label)
        self.hint = _(hint)
        self._normalize = normalize
        self._input = ScanInput(
            placeholder=_(placeholder),
            suggester=suggester,
            compact=True,
            max_length=max_length,
            password=password,
            id=f"input-{field_name}",
        )

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label)
            yield self._input
            if self.hint:
                yield Static(self.hint, classes="hint")
        yield Static("", classes="error")

    def on_mount(self) -> None:
        # As wide as the longest label of the fields beside this one (a column).
        siblings = self.parent.query_children(FormField) if self.parent else [self]
        width = max(LABEL_WIDTH, *(cell_len(f.label) + 1 for f in siblings))
        if width != LABEL_WIDTH:
            self.query_one(Label).styles.width = width
            self.query_one(".error", Static).styles.padding = (0, 0, 0, width)

    @property
    def input(self) -> Input:
        return self._input

    @property
    def value(self) -> str:
        return self._input.value

    @value.setter
    def value(self, text: str) -> None:
        self._input.value = text

    @property
    def enabled(self) -> bool:
        return not self._input.disabled

    def watch_error(self, message: str) -> None:
        self._judged = self._input.value
        self.set_class(bool(message), "-invalid")
        if self.is_mounted:
            show_text(self.query_one(".error", Static), message)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._normalize is not None:
            normal = self._normalize(self._input.value)
            if normal != self._input.value:
                self._input.value = normal
                self._input.cursor_position = len(normal)
                return
        # Compared with the judged value, not cleared on any change: the Changed of keys typed
        # before Enter can arrive after Enter's check has set the error.
        if self.error and self._input.value != self._judged:
            self.error = ""


class Form(Widget):
    """A column of FormFields; knows their values, errors and the order of moving on."""

    class FieldDone(Message):
        """Enter in one of the form's fields."""

        def __init__(self, field: FormField) -> None:
            super().__init__()
            self.field = field

    def on_input_submitted(self, event: Input.Submitted) -> None:
        field = next((a for a in event.input.ancestors if isinstance(a, FormField)), None)
        if field is not None:
            event.stop()
            self.post_message(self.FieldDone(field))
        self.post_message(ScanInput.Judged())  # behind FieldDone, all the way up

    DEFAULT_CSS = """
    Form { height: auto; layout: vertical; }
    """

    def __init__(self, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        # Whether a scanner's burst typed into a field is a code: only screens that take
        # scans say so (the entry screen); elsewhere every burst is typing.
        self.is_code: Callable[[str], bool] = never_a_code

    _by_name: dict[str, FormField] | None = None

    def _index(self) -> dict[str, FormField]:
        # DOM queries cost milliseconds each; the fields never change after compose.
        if self._by_name is None:
            self._by_name = {f.field_name: f for f in self.query(FormField)}
        return self._by_name

    def fields(self) -> list[FormField]:
        return list(self._index().values())

    def field(self, name: str) -> FormField:
        return self._index()[name]

    def has_field(self, name: str) -> bool:
        return name in self._index()

    def values(self) -> dict[str, str]:
        return {f.field_name: f.value for f in self.fields()}

    class Filled(Message):
        """The form's values were set from the program (not typed): `set_values`, `reset`."""

    def set_values(self, values: Mapping[str, str]) -> None:
        """Only the fields whose text changes are touched (each change repaints its field)."""
        index = self._index()
        self._fill((index[name], text) for name, text in values.items() if name in index)

    def reset(self, values: Mapping[str, str] = {}) -> None:
        """Every field to its text in `values` (else empty), with no error."""
        fields = self.fields()
        for f in fields:
            f.error = ""
        self._fill((f, values.get(f.field_name, "")) for f in fields)

    def _fill(self, changes: Iterable[tuple[FormField, str]]) -> None:
        # One batch, and no Input.Changed a field (each bubbles up the whole DOM): what a
        # typed change does, a set one does here: an error about another value goes.
        with self.app.batch_update(), self.prevent(Input.Changed):
            for f, text in changes:
                if f.value != text:
                    f.value = text
                    if f.error and text != f._judged:
                        f.error = ""
        self.filled()

    def filled(self) -> None:
        """Values were set from the program (changed or not): tell whoever shows something
        derived from them and the state behind them."""
        self.post_message(self.Filled())

    def clear(self) -> None:
        self.reset()

    def show_errors(self, errors: Mapping[str, str]) -> FormField | None:
        """Put each message beside its field; focus the first field at fault."""
        first: FormField | None = None
        for f in self.fields():
            f.error = errors.get(f.field_name, "")
            if f.error and first is None and f.enabled:
                first = f
        if first is not None:
            first.input.focus()
        return first

    def next_after(self, name: str) -> FormField | None:
        """The next enabled field after `name`, or None when `name` is the last."""
        fields = self.fields()
        names = [f.field_name for f in fields]
        for f in fields[names.index(name) + 1 :]:
            if f.enabled:
                return f
        return None

    def focus_next(self, name: str) -> bool:
        """Enter on a field: move to the next one; False when it was the last."""
        following = self.next_after(name)
        if following is not None:
            following.input.focus()
        return following is not None

    def focus_field(self, name: str) -> None:
        self.field(name).input.focus()

    def first_enabled(self) -> FormField | None:
        return next((f for f in self.fields() if f.enabled), None)
