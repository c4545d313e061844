"""The modules the screens after the login need, loaded after the first paint.

The desk shows its login screen as soon as Textual and the login's own modules are loaded;
the session and entry screens (the desk core, the texts, the record ids) are loaded next,
one module at a time between the app's other messages, while the volunteer reads the screen
and types a name and a PIN, so that opening the session does not wait for them. On the UI
thread, not a thread of their own: nothing of the app runs while a module is half made."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from typing import Any

from textual.app import App

log = logging.getLogger("vaxdesk.desk")

AFTER_LOGIN = ("tui.screens.session", "tui.texts", "tui.screens.entry", "uuid6")


def warm_up(app: App[Any], modules: Iterable[str]) -> None:
    names = list(modules)

    def load_next() -> None:
        if not names:
            return
        name = names.pop(0)
        try:
            importlib.import_module(name)
        except Exception as error:  # said again, and shown, where it is imported for use
            log.warning("could not preload %s: %s", name, type(error).__name__)
        app.call_later(load_next)

    app.call_later(load_next)
