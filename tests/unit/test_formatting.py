"""How business time reads on the queue."""

from helpdesk_tui.widgets.formatting import count_of, time_left


def test_time_left_reads_in_business_hours_and_minutes():
    assert time_left(0) == "due now"
    assert time_left(3 * 3600 + 5 * 60) == "3 h 05 min left"
    assert time_left(7 * 3600 + 40 * 60) == "7 h 40 min left"
    # No "days": "1d 1h" read as 25 hours when it meant 9 business hours.
    assert time_left(-(8 * 3600 + 3600)) == "9 h 00 min late"
    assert time_left(-(41 * 3600 + 60)) == "41 h late"
    assert time_left(25 * 60) == "25 min left"
    assert max(len(time_left(s)) for s in range(-40 * 3600, 40 * 3600, 7 * 60)) <= 15


def test_counts_read_as_words():
    assert count_of(1, "notice") == "1 notice"
    assert count_of(3, "notice") == "3 notices"
    assert count_of(0, "guardian") == "0 guardians"
    assert count_of(1_200, "family", "families") == "1,200 families"
