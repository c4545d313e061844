"""The Textual app: the desk's screens and widgets."""
