"""What the ticket shows of a parent's email: their own words, without the quoted
history of earlier messages (Outlook, Gmail in English and Spanish, inline replies,
old separators), and never a key, code, link token or terminal escape. The same
through a real mailbox is in test_mail_in.py."""

import pytest

from helpdesk_tui.services.tickets.email_parse import parse_mail
from helpdesk_tui.services.tickets.email_redact import QUOTES_REMOVED
from tests.unit.test_mail_in import KEY, mail


def parsed_body(body: str, content_type: str = 'text/plain; charset="utf-8"') -> str:
    raw = mail("p@nowhere.example", "Re: help", body.encode(), content_type=content_type)
    return parse_mail(raw, fallback_id="<x@y>").body


@pytest.mark.parametrize(
    ("reply", "own_words"),
    [
        (  # Outlook: a line of underscores, then From / Sent / To / Subject
            "It still fails.\r\n\r\n________________________________\r\n"
            "From: Helpdesk <help@district.example>\r\nSent: Monday, November 2, 2026 9:15 AM\r\n"
            "To: Ana <ana@x.example>\r\nSubject: your key\r\n\r\nDear Ana, here is your key",
            "It still fails.\n\n________________________________",
        ),
        (  # Gmail in Spanish, the attribution wrapped over two lines
            "Ya funciona, gracias.\r\n\r\nEl lun, 2 nov 2026 a las 9:15, Helpdesk (<\r\n"
            "help@district.example>) escribió:\r\n> Estimado/a Ana:\r\n",
            "Ya funciona, gracias.",
        ),
        (  # Replies between the quoted lines keep the parent's words
            "> Can you read the key aloud?\r\nYes: it starts with E692.\r\n> Thanks\r\n",
            "Yes: it starts with E692.",
        ),
        (  # An old-style separator
            "See below.\r\n-----Original Message-----\r\nFrom: help\r\n",
            "See below.",
        ),
    ],
    ids=["outlook", "gmail-es", "inline", "original-message"],
)
def test_quoted_history_is_left_out_of_what_the_ticket_shows(reply: str, own_words: str) -> None:
    assert parsed_body(reply) == f"{own_words}\n\n{QUOTES_REMOVED}"


def test_a_message_that_is_only_quoted_text_is_shown_whole_redacted() -> None:
    body = parsed_body(f"> Your helpdesk verification code is 482913.\r\n> Key: {KEY}\r\n")
    assert (
        body
        == "> Your helpdesk verification code is [code removed].\n> Key: [activation key removed]"
    )


def test_links_keys_and_terminal_escapes_never_reach_the_ticket() -> None:
    body = parsed_body(
        "Link: https://portal.example/?reset=AbC123-xyz_9&lang=es\r\n"
        "key E6 92 93 F4 1C B5 4E 29 8F 1E EE F6 FF 3B B7 F7 please\r\n"
        "\x1b[2J\u202egnp.exe\x07 my code 123-456\r\n"
    )
    assert body == (
        "Link: https://portal.example/?reset=[removed]&lang=es\n"
        "key [activation key removed] please\n"
        "[2Jgnp.exe my code [code removed]"
    )
