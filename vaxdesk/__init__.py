"""vaxdesk: the command line, settings, and the wiring of the parts."""

__version__ = "0.1.0"
