"""Staff sign-in: right credentials give the actor; anything else one neutral message."""

import pytest
from sqlalchemy import update

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.tables import Staff
from helpdesk_tui.services.kernel.errors import SignInFailed
from helpdesk_tui.services.staff import SIGN_IN_FAILED, authenticate


def test_demo_staff_sign_in_with_their_roles(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        agent = authenticate(session, username="demo-agent", password="demo-password")
        clerk = authenticate(session, username=" Demo-Clerk ", password="demo-password")
        supervisor = authenticate(session, username="demo-supervisor", password="demo-password")
    assert (agent.role, clerk.role, supervisor.role) == ("agent", "clerk", "supervisor")
    assert clerk.school_id is not None and clerk.school_name.endswith("Elementary School")
    assert agent.school_id is None


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("demo-agent", "wrong-password"),
        ("nobody", "demo-password"),
        ("demo-agent", ""),
        ("", "demo-password"),
        ("demo-agent", "x" * 10_000),
    ],
)
def test_wrong_credentials_get_one_message_that_names_neither_part(
    seeded_db: Database, username: str, password: str
) -> None:
    with pytest.raises(SignInFailed) as caught, seeded_db.read() as session:
        authenticate(session, username=username, password=password)
    assert str(caught.value) == SIGN_IN_FAILED


def test_a_deactivated_staff_member_cannot_sign_in(sqlite_seeded: Database) -> None:
    with sqlite_seeded.write() as session:
        session.exec(update(Staff).where(Staff.username == "demo-agent").values(active=False))  # type: ignore[call-overload]
    with pytest.raises(SignInFailed), sqlite_seeded.read() as session:
        authenticate(session, username="demo-agent", password="demo-password")
