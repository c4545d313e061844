"""The entry form's fields, in two columns: the person, then the dose."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from desk.entry import Entry
from i18n import N_, _
from store import Store
from tui.screens.checklist import EntryView, open_checklist, screened_hint, screening_hint
from tui.widgets.form import Form, FormField
from tui.widgets.suggest import (
    VaccineSuggester,
    lot_suggester,
    province_suggester,
    vaccine_code,
    ward_suggester,
)
from tui.widgets.text import show_text


class EntryForm(Form):
    """F5 (in any field) opens the screening checklist; the line under Screening says the key,
    then the outcome the checklist gave."""

    # Not on the key bar (full at 80 columns): the line under Screening names the key.
    BINDINGS = [Binding("f5", "checklist", N_("Checklist"), show=False)]

    DEFAULT_CSS = """
    EntryForm #screening-outcome {
        height: 1; padding: 0 0 0 1; color: $text-muted; text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(
        self, store: Store, province_code: Callable[[], str], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._store = store
        self._province_code = province_code

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(classes="column"):
                yield FormField("id_number", _("ID number"), placeholder=_("CCCD, CMND, passport"))
                yield FormField("full_name", _("Full name"), max_length=80)
                yield FormField("dob", _("Born"), placeholder=_("150892 or 15/8/1992"))
                yield FormField("sex", _("Sex"), placeholder="1 Nam · 2 Nữ")
                yield FormField("phone", _("Phone"), placeholder=_("optional"))
                yield FormField("province", _("Province"), suggester=province_suggester())
                yield FormField(
                    "ward", _("Ward/commune"), suggester=ward_suggester(self._province_code)
                )
                yield FormField("address", _("Address"), placeholder=_("street, hamlet"))
            with Vertical(classes="column"):
                yield FormField(
                    "vaccine",
                    _("Vaccine"),
                    placeholder="AZ PF MD VC …",
                    suggester=VaccineSuggester(),
                    normalize=vaccine_code,
                )
                yield FormField(
                    "lot", _("Lot"), suggester=lot_suggester(self._store, self._vaccine_text)
                )
                yield FormField("given_on", _("Given on"), placeholder="150821")
                yield FormField("dose_number", _("Dose no."), placeholder=_("auto"))
                yield FormField("aefi", _("AEFI"), placeholder=_("blank: none"))
                yield FormField("aefi_note", _("AEFI note"))
                yield FormField("screening", _("Screening"))
                # Under it: the key of the checklist, then the outcome it gave (entry screen).
                yield Static(screening_hint(), id="screening-outcome")

    def action_checklist(self) -> None:
        open_checklist(cast(EntryView, self.screen), self.refresh_screening)

    @on(Input.Changed, "#input-screening")
    def screening_changed(self) -> None:
        """A form cleared or a record opened: the line follows the core's checklist."""
        self.refresh_screening()

    def filled(self) -> None:
        self.refresh_screening()  # a form cleared or a record opened: nobody else listens

    def refresh_screening(self) -> None:
        entry = getattr(self.screen, "entry", None)
        hint = screened_hint(entry) if isinstance(entry, Entry) else screening_hint()
        show_text(self.query_one("#screening-outcome", Static), hint)

    def _vaccine_text(self) -> str:
        return self.field("vaccine").value
