"""Text that came from outside (a SIS export, an email, a portal form) as the layers
above the data see it: the one cleaning, ``clean_text`` in data/normalize.py, made
available to the screens, widgets and command line, which never import the data layer."""

from helpdesk_tui.data.normalize import clean_text

__all__ = ["clean_text"]
