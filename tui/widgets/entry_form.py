"""The entry form's fields, in two columns: the person, then the dose."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList

from domain.tables import vaccine_table
from store import Store
from tui.widgets.form import Form, FormField
from tui.widgets.suggest import lot_suggester, province_suggester, ward_suggester


class EntryForm(Form):
    def __init__(
        self, store: Store, province_code: Callable[[], str], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._store = store
        self._province_code = province_code

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(classes="column"):
                yield FormField("id_number", "ID number", placeholder="CCCD, CMND, passport")
                yield FormField("full_name", "Full name", max_length=80)
                yield FormField("dob", "Born", placeholder="150892 or 15/8/1992")
                yield FormField("sex", "Sex", placeholder="1 Nam · 2 Nữ")
                yield FormField("phone", "Phone", placeholder="optional")
                yield FormField("province", "Province", suggester=province_suggester())
                yield FormField(
                    "ward", "Ward/commune", suggester=ward_suggester(self._province_code)
                )
                yield FormField("address", "Address", placeholder="street, hamlet")
            with Vertical(classes="column"):
                yield FormField(
                    "vaccine",
                    "Vaccine",
                    placeholder="AZ PF MD VC …",
                    suggester=SuggestFromList(vaccine_table().choices(), case_sensitive=False),
                )
                yield FormField(
                    "lot", "Lot", suggester=lot_suggester(self._store, self._vaccine_text)
                )
                yield FormField("given_on", "Given on", placeholder="150821")
                yield FormField("dose_number", "Dose no.", placeholder="auto")
                yield FormField("aefi", "AEFI", placeholder="blank: none")
                yield FormField("aefi_note", "AEFI note")
                yield FormField("screening", "Screening")

    def _vaccine_text(self) -> str:
        return self.field("vaccine").value
