"""Putting text in a Static without laying out the whole screen.

`Static.update` asks for a layout pass by default: Textual then arranges every widget of the
screen again and repaints it all (most of the entry screen's cost a record). A line whose
text is the same needs nothing; a line of fixed height, or whose new text wraps to as many
lines as the old at its width, needs a repaint of itself only."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


def show_text(widget: Static, content: VisualType) -> bool:
    """Show `content` in `widget`; False when it was already there (nothing done)."""
    if widget.content == content:
        return False
    styles = widget.styles
    width = widget.size.width
    if not widget.is_mounted or not width or (styles.width is not None and styles.width.is_auto):
        widget.update(content)  # not laid out yet, hidden, or as wide as its text
        return True
    if styles.height is not None and not styles.height.is_auto:
        widget.update(content, layout=False)  # a fixed height: only its cells change
        return True
    size = widget.size
    before = widget.get_content_height(size, size, width)
    widget.update(content, layout=False)
    if widget.get_content_height(size, size, width) != before:
        widget.refresh(layout=True)
    return True
