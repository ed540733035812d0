"""Every Pilot test also checks that the app logged no error: a bug caught by the app's
failure path (so the app goes on) must still fail the test that met it."""

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def no_errors_logged(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    yield
    if request.node.get_closest_marker("logs_errors"):
        return
    errors = [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.get_records("call")
        if r.levelno >= logging.ERROR and r.name.startswith("helpdesk_tui")
    ]
    assert errors == [], "the app logged errors"
