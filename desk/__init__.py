"""The headless desk: every use case of the desk as plain Python, for the screens, the command
line, the demo and the benchmarks alike. Each returns data (a result, a form patch, a coded
error), never text."""

from desk.core import Desk, DeskPorts

__all__ = ["Desk", "DeskPorts"]
