"""The project's own promises, checked with the suite: lint, types and layering."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "lint-imports")],
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "helpdesk_tui/data", "helpdesk_tui/services"],
        [sys.executable, "-m", "mypy"],
    ],
    ids=["layers", "ruff", "format", "mypy"],
)
def test_project_check_passes(command: list[str]) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
