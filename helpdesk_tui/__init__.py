"""helpdesk_tui: the Parent Portal support helpdesk in a terminal."""

import logging
import os

__version__ = "0.1.0"

# Until logs.configure_logging() is called, nothing is written anywhere: never to the
# terminal, which the app owns (Python's last-resort handler would print there).
logging.getLogger(__name__).addHandler(logging.NullHandler())

# Textual draws at most TEXTUAL_FPS frames a second (60 by default): a keystroke's
# results then waited up to 16.7 ms for the next frame, the largest part of the lookup's
# key-to-painted time (docs/performance.md). A frame is drawn only when something
# changed, so a higher cap costs nothing while nothing moves. Read when Textual is
# first imported, hence here; a district on a slow remote link may set it lower.
os.environ.setdefault("TEXTUAL_FPS", "240")
