"""How business time reads on the queue."""

from helpdesk_tui.widgets.formatting import time_left


def test_time_left_reads_in_business_days_hours_and_minutes():
    assert time_left(0) == "due now"
    assert time_left(3 * 3600 + 5 * 60) == "3h 05m left"
    assert time_left(-(8 * 3600 + 3600)) == "overdue 1d 1h"
    assert time_left(25 * 60) == "25m left"
