"""A Screen whose change of focus repaints only what it changes.

Textual's Screen repaints the whole screen when the focus moves (its `focused` reactive):
on the entry screen that is a full render of every widget for each Enter that moves to the
next field. The widgets whose style depends on the focus (the field left and the field
entered, through `:focus`) restyle and repaint themselves anyway, and the key bar follows
the bindings: nothing else on the screen changes."""

from __future__ import annotations

from typing import TypeVar

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

Result = TypeVar("Result")


class QuietScreen(Screen[Result]):
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
