"""The entry form's fields, in two columns: the person, then the dose."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from i18n import _
from store import Store
from tui.widgets.form import Form, FormField
from tui.widgets.suggest import (
    VaccineSuggester,
    lot_suggester,
    province_suggester,
    vaccine_code,
    ward_suggester,
)


def screening_hint() -> str:
    """The screening field's hint before a checklist is answered."""
    return _("F5 checklist")


class EntryForm(Form):
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

    def _vaccine_text(self) -> str:
        return self.field("vaccine").value
