"""helpdesk_tui: the Parent Portal support helpdesk in a terminal."""

__version__ = "0.1.0"
