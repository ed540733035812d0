"""The app draws up to 240 frames a second (Textual's default of 60 made a keystroke's
results wait up to 16.7 ms for a frame); a district may set TEXTUAL_FPS lower."""

import os
import subprocess
import sys

import pytest

SHOW = "import helpdesk_tui.cli, textual.constants as c; print(c.MAX_FPS)"


@pytest.mark.parametrize(("given", "drawn"), [(None, "240"), ("30", "30")])
def test_frame_rate_as_the_helpdesk_command_starts(given: str | None, drawn: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if given is not None:
        env["TEXTUAL_FPS"] = given
    shown = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == drawn
