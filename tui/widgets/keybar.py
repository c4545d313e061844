"""A one-line list of the keys that work here, like Textual's Footer but cheap to update.

Textual's Footer rebuilds all its widgets on every focus change (~100 ms of CPU on the
entry screen here, for each Enter that moves to the next field). This bar renders one
line of text, and only when the keys on show have changed. Every screen's binding
descriptions are marked `N_()` and translated here, in the language of the moment.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from i18n import _
from tui.widgets.text import show_text


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    """

    def __init__(self) -> None:
        super().__init__("", id="keybar")
        self._shown: tuple[tuple[str, str], ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen:
            return
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            # Descriptions are marked N_ where bindings are declared: translated here, as shown.
            keys.append((self.app.get_key_display(binding), _(binding.description)))
        shown = tuple(keys)
        if shown != self._shown:
            self._shown = shown
            show_text(
                self,
                Content(" ").join(
                    Content.from_markup(
                        "[bold $footer-key-foreground] $key [/]$description",
                        key=key,
                        description=description,
                    )
                    for key, description in shown
                ),
            )
