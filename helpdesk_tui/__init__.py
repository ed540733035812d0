"""helpdesk_tui: the Parent Portal support helpdesk in a terminal."""

import logging

__version__ = "0.1.0"

# Until logs.configure_logging() is called, nothing is written anywhere: never to the
# terminal, which the app owns (Python's last-resort handler would print there).
logging.getLogger(__name__).addHandler(logging.NullHandler())
